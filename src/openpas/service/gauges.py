"""What the metrics report about the database: flows by status, queue lengths."""

from __future__ import annotations

from openpas.service.context import Context
from openpas.store import database, flows, work


def ping(ctx: Context) -> None:
    """Raise SQLAlchemyError unless the storage database answers."""
    database.ping(ctx.db)


def flows_by_status(ctx: Context) -> dict[str, int]:
    """How many flows are in each status (all nodes)."""
    with ctx.read() as conn:
        return flows.count_by_status(conn)


def waiting_by_workgroup(ctx: Context) -> dict[str, int]:
    """How many work items wait for an agent in each workgroup."""
    with ctx.read() as conn:
        return work.waiting_by_workgroup(conn)
