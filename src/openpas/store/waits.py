"""Timers, outside calls, history and notes of flows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from openpas.store.clock import aware
from openpas.store.records import CallRecord, HistoryRecord
from openpas.store.schema import calls, flows, history, notes, timers

# ---------------------------------------------------------------------- timers


def add_timer(conn: Connection, flow_id: int, key: str, owner: str, due: dt.datetime) -> None:
    conn.execute(insert(timers), {"flow_id": flow_id, "key": key, "owner": owner, "due_at": due})


def due_timers(
    conn: Connection, owner: str, now: dt.datetime, limit: int
) -> list[tuple[int, int, str]]:
    """(timer id, flow id, key) of the timers of ``owner`` due at ``now``."""
    rows = conn.execute(
        select(timers.c.id, timers.c.flow_id, timers.c.key)
        .where(timers.c.owner == owner, timers.c.due_at <= now)
        .order_by(timers.c.due_at)
        .limit(limit)
    )
    return [(int(r.id), int(r.flow_id), str(r.key)) for r in rows]


def delete_timer(conn: Connection, timer_id: int) -> None:
    conn.execute(delete(timers).where(timers.c.id == timer_id))


def delete_timers_of(conn: Connection, flow_id: int) -> None:
    conn.execute(delete(timers).where(timers.c.flow_id == flow_id))


def next_due(conn: Connection, owner: str) -> dt.datetime | None:
    row = conn.execute(
        select(timers.c.due_at).where(timers.c.owner == owner).order_by(timers.c.due_at).limit(1)
    ).first()
    return aware(row.due_at) if row else None


# ---------------------------------------------------------------------- calls


def add_call(
    conn: Connection,
    flow_id: int,
    key: str,
    kind: str,
    target: str,
    wait: bool,
    request: dict[str, Any],
    now: dt.datetime,
) -> int:
    """Record an outside call as in flight, before it is made."""
    return int(
        conn.execute(
            insert(calls)
            .values(
                flow_id=flow_id,
                key=key,
                kind=kind,
                target=target,
                status="in-flight",
                wait=wait,
                request=request,
                attempt=1,
                started_at=now,
            )
            .returning(calls.c.id)
        ).scalar_one()
    )


def finish_call(
    conn: Connection,
    call_id: int,
    status: str,
    result: str | None,
    error: str | None,
    now: dt.datetime,
) -> bool:
    """Record how a call ended; False when it was no longer in flight."""
    outcome = conn.execute(
        update(calls)
        .where(calls.c.id == call_id, calls.c.status == "in-flight")
        .values(status=status, result=result, error=error, ended_at=now)
    )
    return outcome.rowcount == 1


def in_flight(conn: Connection, owner: str) -> list[CallRecord]:
    """Calls of ``owner`` 's flows that were started and never recorded as ended."""
    rows = conn.execute(
        select(calls)
        .join(flows, flows.c.id == calls.c.flow_id)
        .where(flows.c.owner == owner, calls.c.status == "in-flight")
    )
    return [_call(r) for r in rows]


def calls_of(conn: Connection, flow_id: int) -> list[CallRecord]:
    return [
        _call(r)
        for r in conn.execute(select(calls).where(calls.c.flow_id == flow_id).order_by(calls.c.id))
    ]


def _call(r: Any) -> CallRecord:
    return CallRecord(
        int(r.id),
        int(r.flow_id),
        r.key,
        r.kind,
        r.target,
        r.status,
        bool(r.wait),
        dict(r.request),
        int(r.attempt),
        aware(r.started_at),
        aware(r.ended_at),
        r.result,
        r.error,
    )


# ---------------------------------------------------------------------- history


def add_history(
    conn: Connection, flow_id: int, at: dt.datetime, entries: Iterable[tuple[str, str, str, str]]
) -> None:
    """Append (event, place, action, outcome) entries; never variable values."""
    rows = [
        {
            "flow_id": flow_id,
            "at": at,
            "event": e,
            "place": p[:500],
            "action": a,
            "outcome": o[:200],
        }
        for e, p, a, o in entries
    ]
    if rows:
        conn.execute(insert(history), rows)


def add_event(
    conn: Connection, flow_id: int, at: dt.datetime, event: str, detail: str | None = None
) -> None:
    row = {"flow_id": flow_id, "at": at, "event": event, "place": "", "action": "", "outcome": ""}
    conn.execute(insert(history), {**row, "detail": detail})


def history_of(conn: Connection, flow_id: int) -> list[HistoryRecord]:
    rows = conn.execute(select(history).where(history.c.flow_id == flow_id).order_by(history.c.id))
    return [
        HistoryRecord(
            int(r.id), int(r.flow_id), aware(r.at), r.event, r.place, r.action, r.outcome, r.detail
        )
        for r in rows
    ]


# ---------------------------------------------------------------------- notes


def add_note(conn: Connection, flow_id: int, author: str, text: str, now: dt.datetime) -> None:
    conn.execute(insert(notes).values(flow_id=flow_id, author=author, text=text, at=now))


def notes_of(conn: Connection, flow_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(select(notes).where(notes.c.flow_id == flow_id).order_by(notes.c.id))
    return [{"at": aware(r.at), "author": r.author, "text": r.text} for r in rows]
