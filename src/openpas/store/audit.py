"""The stored audit log: who did what administrative or managing change, when and why."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select

from openpas.store.clock import aware
from openpas.store.schema_security import audit


@dataclass(frozen=True)
class AuditRecord:
    """One entry of the audit log."""

    id: int
    at: dt.datetime
    actor: str
    action: str
    target: str
    reason: str | None
    detail: str | None


def add_entry(
    conn: Connection,
    *,
    at: dt.datetime,
    actor: str,
    action: str,
    target: str,
    reason: str | None,
    detail: str | None,
) -> None:
    conn.execute(
        insert(audit),
        {
            "at": at,
            "actor": actor,
            "action": action,
            "target": target,
            "reason": reason,
            "detail": detail,
        },
    )


def entries(
    conn: Connection,
    *,
    actor: str | None = None,
    action: str | None = None,
    since: dt.datetime | None = None,
    limit: int = 100,
) -> list[AuditRecord]:
    """The newest ``limit`` entries matching the filters, newest first.

    ``action`` matches the action itself or, ending in a dot, every action under
    it (``flow.`` finds ``flow.cancel`` and ``flow.retry``).
    """
    query = select(audit).order_by(audit.c.id.desc()).limit(limit)
    if actor is not None:
        query = query.where(audit.c.actor == actor)
    if action is not None:
        if action.endswith("."):
            query = query.where(audit.c.action.startswith(action, autoescape=True))
        else:
            query = query.where(audit.c.action == action)
    if since is not None:
        query = query.where(audit.c.at >= since)
    return [
        AuditRecord(int(r.id), aware(r.at), r.actor, r.action, r.target, r.reason, r.detail)
        for r in conn.execute(query)
    ]
