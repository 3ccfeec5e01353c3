"""Small helpers shared by the integration tests: documents, publishing, reading rows."""

from __future__ import annotations

import textwrap
from typing import Any

from sqlalchemy import Table, select

from openpas.service import processes
from openpas.service.context import Context
from openpas.store.records import VersionRecord


def publish(ctx: Context, document: str, by: str = "admin") -> VersionRecord:
    """Publish a (dedented) YAML document; its version."""
    record, _ = processes.publish(ctx, textwrap.dedent(document), by)
    return record


def rows(ctx: Context, table: Table, **where: Any) -> list[dict[str, Any]]:
    """The rows of ``table`` matching ``where``, as dicts, in key order."""
    query = select(table)
    for name, value in where.items():
        query = query.where(table.c[name] == value)
    with ctx.db.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query.order_by(*table.primary_key))]
