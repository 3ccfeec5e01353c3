"""One line of the monitor: a flow, what or who it waits on, and for how long.

Rows are built from flow records the guard's rules already cleaned (details
recomputed without hidden variables, hidden values cut out of the error), and
from the rows of what the flows wait on, read for all the flows at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from openpas.engine.position import Status
from openpas.store import monitor as store
from openpas.store.records import FlowRecord

REPAIRABLE = (
    Status.ERROR.value,
    Status.RESTORED_IN_ERROR.value,
    Status.PROPAGATED_ERROR.value,
)


@dataclass(frozen=True)
class Waiting:
    """What or who a flow waits on.

    Attributes:
        kind: ``work item``, ``timer``, ``call``, ``subprocess``, or ``repair`` (a flow in
            error waits for a manager to retry, skip or cancel it).
        on: who or what, in words: the user who has the work item (or it was sent to),
            else its workgroup; the handler called; ``flow #12`` for a subprocess; the
            due time of a timer; ``a manager`` for a flow in error.
        since: since when (the item was picked up, or queued; the call started; the
            subprocess started; the flow last moved).
        user, workgroup, item_id: for a work item: who has it, its queue, its id.
        due: for a timer: when it fires.
        subprocess_id: for a subprocess: the child flow.
    """

    kind: str
    on: str
    since: dt.datetime | None
    user: str | None = None
    workgroup: str | None = None
    item_id: int | None = None
    item_status: str | None = None
    due: dt.datetime | None = None
    subprocess_id: int | None = None


@dataclass(frozen=True)
class MonitorRow:
    """A flow as the monitor lists it.

    Attributes:
        waited_seconds: how long it has waited on what it waits on (None: not waiting).
        running_seconds: how long it has run: from its start to its end, or to now.
        details: the dynamic details, without the variables the asker may not see.
        error: the error, with the values the asker may not see cut out.
    """

    id: int
    process: str
    version: int
    status: str
    state: str | None
    waiting: Waiting | None
    waited_seconds: float | None
    running_seconds: float
    originator: str
    details: str
    error: str | None
    started_at: dt.datetime
    ended_at: dt.datetime | None
    test: bool
    parent_id: int | None


def rows_of(conn: Connection, records: Sequence[FlowRecord], now: dt.datetime) -> list[MonitorRow]:
    """The monitor rows of ``records`` (already cleaned for the asker), in their order."""
    waiting_ids = [r.id for r in records if r.status == Status.WAITING.value]
    items = {(i.flow_id, i.wait_key): i for i in store.open_items(conn, waiting_ids)}
    calls = {(c.flow_id, c.key): c for c in store.pending_calls(conn, waiting_ids)}
    timers = {(t.flow_id, t.key): t for t in store.pending_timers(conn, waiting_ids)}
    kids = {(k.parent_id, k.parent_key): k for k in store.children(conn, waiting_ids)}
    found = []
    for record in records:
        key = (record.id, record.wait_key or "")
        waiting: Waiting | None = None
        if record.status in REPAIRABLE:
            waiting = Waiting("repair", "a manager", record.updated_at)
        elif record.status == Status.WAITING.value:
            kind = record.wait_kind or ""
            if kind == "work item" and key in items:
                item = items[key]
                who = item.owner or item.user
                waiting = Waiting(
                    kind,
                    who or item.workgroup or "nobody",
                    item.picked_at if item.owner and item.picked_at else item.queued_at,
                    user=who,
                    workgroup=item.workgroup,
                    item_id=item.id,
                    item_status=item.status,
                )
            elif kind == "call" and key in calls:
                call = calls[key]
                waiting = Waiting(kind, call.target, call.started_at or record.updated_at)
            elif kind == "timer" and key in timers:
                due = timers[key].due_at
                waiting = Waiting(kind, due.isoformat(), record.updated_at, due=due)
            elif kind == "subprocess" and key in kids:
                kid = kids[key]
                waiting = Waiting(
                    kind,
                    f"flow #{kid.id} ({kid.process_name})",
                    kid.created_at,
                    subprocess_id=kid.id,
                )
            else:  # the row of what it waits on is gone or not written yet
                waiting = Waiting(kind or "unknown", record.wait_key or "", record.updated_at)
        since = waiting.since if waiting else None
        end = record.ended_at or now
        found.append(
            MonitorRow(
                id=record.id,
                process=record.process_name,
                version=record.version,
                status=record.status,
                state=record.state,
                waiting=waiting,
                waited_seconds=max((now - since).total_seconds(), 0.0) if since else None,
                running_seconds=max((end - record.created_at).total_seconds(), 0.0),
                originator=record.originator,
                details=record.details,
                error=record.error,
                started_at=record.created_at,
                ended_at=record.ended_at,
                test=record.launch_mode == "test",
                parent_id=record.parent_id,
            )
        )
    return found
