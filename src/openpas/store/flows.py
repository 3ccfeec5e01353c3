"""Flows: their rows in ``flowexec_flows`` and their positions in ``flowexec_storage``.

Every change of a flow is a compare-and-set on its revision, so two writers
(the engine and a manager cancelling, say) can never both apply a change.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from openpas.store.clock import aware
from openpas.store.records import FlowRecord
from openpas.store.schema import completion, flows, storage


@dataclass(frozen=True)
class FlowChange:
    """The new facts of a flow after a step."""

    status: str
    runnable: bool
    state: str | None
    wait_kind: str | None
    wait_key: str | None
    error: str | None
    details: str
    position: dict[str, Any]
    ended: bool = False


_INSERT = insert(flows).returning(flows.c.id)


def insert_flow(
    conn: Connection,
    *,
    version_id: int,
    process_name: str,
    version: int,
    owner: str,
    originator: str,
    launch_mode: str,
    change: FlowChange,
    now: dt.datetime,
    parent_id: int | None = None,
    parent_key: str | None = None,
    depth: int = 0,
) -> int:
    """Insert a new flow and its position; its numeric id."""
    row = {
        "uid": str(uuid.uuid4()),
        "version_id": version_id,
        "process_name": process_name,
        "version": version,
        "owner": owner,
        "status": change.status,
        "runnable": change.runnable,
        "launch_mode": launch_mode,
        "originator": originator,
        "details": change.details,
        "state": change.state,
        "wait_kind": change.wait_kind,
        "wait_key": change.wait_key,
        "error": change.error,
        "parent_id": parent_id,
        "parent_key": parent_key,
        "depth": depth,
        "revision": 1,
        "created_at": now,
        "updated_at": now,
        "ended_at": now if change.ended else None,
    }
    flow_id = conn.execute(_INSERT, row).scalar_one()
    conn.execute(insert(storage), {"flow_id": flow_id, "position": change.position})
    return int(flow_id)


_CHANGED = (
    "status",
    "runnable",
    "state",
    "wait_kind",
    "wait_key",
    "error",
    "details",
    "revision",
    "updated_at",
    "ended_at",
)
_SAVE = (
    update(flows)
    .where(flows.c.id == bindparam("b_id"), flows.c.revision == bindparam("b_expected"))
    .values({name: bindparam(f"b_{name}") for name in _CHANGED})
)
_SAVE_POSITION = (
    update(storage)
    .where(storage.c.flow_id == bindparam("b_flow_id"))
    .values(position=bindparam("b_position"))
)


def save(conn: Connection, flow: FlowRecord, change: FlowChange, now: dt.datetime) -> bool:
    """Write a flow's new position if nobody changed it since ``flow`` was read."""
    # Statements built once with bind parameters: the engine saves thousands per second.
    result = conn.execute(
        _SAVE,
        {
            "b_id": flow.id,
            "b_expected": flow.revision,
            "b_status": change.status,
            "b_runnable": change.runnable,
            "b_state": change.state,
            "b_wait_kind": change.wait_kind,
            "b_wait_key": change.wait_key,
            "b_error": change.error,
            "b_details": change.details,
            "b_revision": flow.revision + 1,
            "b_updated_at": now,
            "b_ended_at": now if change.ended else None,
        },
    )
    if result.rowcount != 1:
        return False
    conn.execute(_SAVE_POSITION, {"b_flow_id": flow.id, "b_position": change.position})
    return True


def get(conn: Connection, flow_id: int) -> FlowRecord | None:
    row = conn.execute(select(flows).where(flows.c.id == flow_id)).first()
    return _record(row) if row else None


def get_with_position(conn: Connection, flow_id: int) -> tuple[FlowRecord, dict[str, Any]] | None:
    row = conn.execute(
        select(flows, storage.c.position)
        .join(storage, storage.c.flow_id == flows.c.id)
        .where(flows.c.id == flow_id)
    ).first()
    return (_record(row), row.position) if row else None


def runnable(conn: Connection, owner: str, limit: int) -> list[tuple[FlowRecord, dict[str, Any]]]:
    """Flows of ``owner`` that have actions to run now, oldest change first."""
    rows = conn.execute(
        select(flows, storage.c.position)
        .join(storage, storage.c.flow_id == flows.c.id)
        .where(flows.c.owner == owner, flows.c.runnable.is_(True))
        .order_by(flows.c.updated_at, flows.c.id)
        .limit(limit)
    )
    return [(_record(r), r.position) for r in rows]


def search(
    conn: Connection,
    *,
    status: Sequence[str] | None = None,
    process: str | None = None,
    owner: str | None = None,
    limit: int = 100,
) -> list[FlowRecord]:
    query = select(flows).order_by(flows.c.id.desc()).limit(limit)
    if status:
        query = query.where(flows.c.status.in_(list(status)))
    if process:
        query = query.where(flows.c.process_name == process)
    if owner:
        query = query.where(flows.c.owner == owner)
    return [_record(r) for r in conn.execute(query)]


def count_by_status(conn: Connection, owner: str | None = None) -> dict[str, int]:
    query = select(flows.c.status, func.count()).group_by(flows.c.status)
    if owner is not None:
        query = query.where(flows.c.owner == owner)
    return {str(status): int(n) for status, n in conn.execute(query)}


def count_owned(conn: Connection, owner: str) -> int:
    return int(
        conn.execute(
            select(func.count()).select_from(flows).where(flows.c.owner == owner)
        ).scalar_one()
    )


def children(conn: Connection, parent_id: int) -> list[FlowRecord]:
    return [_record(r) for r in conn.execute(select(flows).where(flows.c.parent_id == parent_id))]


def record_completion(
    conn: Connection,
    flow_id: int,
    status: str,
    now: dt.datetime,
    reason: str | None = None,
    by: str | None = None,
) -> None:
    """Record how a flow ended (once: a flow ends once)."""
    conn.execute(
        insert(completion),
        {"flow_id": flow_id, "status": status, "ended_at": now, "reason": reason, "ended_by": by},
    )


def completion_of(conn: Connection, flow_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(completion).where(completion.c.flow_id == flow_id)).first()
    if row is None:
        return None
    return {
        "status": row.status,
        "ended_at": aware(row.ended_at),
        "reason": row.reason,
        "ended_by": row.ended_by,
    }


def _record(r: Any) -> FlowRecord:
    return FlowRecord(
        id=int(r.id),
        uid=r.uid,
        version_id=int(r.version_id),
        process_name=r.process_name,
        version=int(r.version),
        owner=r.owner,
        status=r.status,
        runnable=bool(r.runnable),
        launch_mode=r.launch_mode,
        originator=r.originator,
        details=r.details or "",
        state=r.state,
        wait_kind=r.wait_kind,
        wait_key=r.wait_key,
        error=r.error,
        parent_id=r.parent_id,
        parent_key=r.parent_key,
        depth=int(r.depth),
        revision=int(r.revision),
        created_at=aware(r.created_at),
        updated_at=aware(r.updated_at),
        ended_at=aware(r.ended_at),
    )
