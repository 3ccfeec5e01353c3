"""Work items: their rows, compare-and-set changes, and the queries people and routing need."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Integer, and_, func, insert, or_, select, update

from openpas.store.clock import aware
from openpas.store.records import WorkItemRecord
from openpas.store.schema_directory import agent_states, members, user_skills, users
from openpas.store.schema_work import work_item_events as events
from openpas.store.schema_work import work_items as items

OPEN = ("new", "acd-wait-agent", "in-progress", "held")


def insert_item(conn: Connection, row: dict[str, Any]) -> int:
    """Insert a work item (``row`` holds every column but id and revision); its id."""
    return int(
        conn.execute(insert(items).returning(items.c.id), {**row, "revision": 1}).scalar_one()
    )


def change(conn: Connection, item: WorkItemRecord, **values: Any) -> bool:
    """Change a work item if nobody changed it since ``item`` was read."""
    result = conn.execute(
        update(items)
        .where(items.c.id == item.id, items.c.revision == item.revision)
        .values(revision=item.revision + 1, **values)
    )
    return result.rowcount == 1


def get(conn: Connection, item_id: int) -> WorkItemRecord | None:
    row = conn.execute(select(items).where(items.c.id == item_id)).first()
    return _record(row) if row else None


def by_flow_key(conn: Connection, flow_id: int, key: str) -> WorkItemRecord | None:
    row = conn.execute(
        select(items).where(items.c.flow_id == flow_id, items.c.wait_key == key)
    ).first()
    return _record(row) if row else None


def of_user(conn: Connection, user: str) -> list[WorkItemRecord]:
    """Items a user has: owned (in progress, held) or offered to them (new)."""
    rows = conn.execute(
        select(items)
        .where(
            items.c.status.in_(OPEN),
            # Offers live in a JSON list, which the two databases search differently;
            # offered items are few (bounded by the agents' capacities), so filter here.
            or_(items.c.owner == user, items.c.status == "new"),
        )
        .order_by(items.c.priority.desc(), items.c.queued_at)
    )
    found = [_record(r) for r in rows]
    return [i for i in found if i.owner == user or user in i.offered_to]


def open_items(conn: Connection) -> list[WorkItemRecord]:
    rows = conn.execute(select(items).where(items.c.status.in_(OPEN)).order_by(items.c.id))
    return [_record(r) for r in rows]


def of_flow(conn: Connection, flow_id: int) -> list[WorkItemRecord]:
    rows = conn.execute(select(items).where(items.c.flow_id == flow_id).order_by(items.c.id))
    return [_record(r) for r in rows]


def search(
    conn: Connection, *, status: Sequence[str] | None = None, workgroup: str | None = None
) -> list[WorkItemRecord]:
    query = select(items).order_by(items.c.id)
    if status:
        query = query.where(items.c.status.in_(list(status)))
    if workgroup:
        query = query.where(items.c.workgroup == workgroup)
    return [_record(r) for r in conn.execute(query)]


def finished_by(conn: Connection, flow_id: int, names: Sequence[str]) -> dict[str, str]:
    """Who completed each of these work items in the flow (the latest one of each name)."""
    if not names:
        return {}
    rows = conn.execute(
        select(items.c.work_item, items.c.completed_by)
        .where(
            items.c.flow_id == flow_id,
            items.c.work_item.in_(list(names)),
            items.c.status == "completed",
        )
        .order_by(items.c.completed_at)
    )
    return {r.work_item: r.completed_by for r in rows if r.completed_by}


def due(conn: Connection, now: dt.datetime) -> list[WorkItemRecord]:
    """Open items with an offer, an escalation or a timeout that is due."""
    rows = conn.execute(
        select(items).where(
            items.c.status.in_(OPEN),
            or_(
                items.c.offer_expires_at <= now,
                items.c.escalate_at <= now,
                items.c.timeout_at <= now,
            ),
        )
    )
    return [_record(r) for r in rows]


def handled_since(conn: Connection, workgroup: str, since: dt.datetime) -> tuple[int, float | None]:
    """(items completed since ``since``, their average handle time in seconds)."""
    rows = conn.execute(
        select(items.c.picked_at, items.c.completed_at).where(
            and_(
                items.c.workgroup == workgroup,
                items.c.status == "completed",
                items.c.completed_at >= since,
            )
        )
    ).all()
    times = [
        (aware(r.completed_at) - aware(r.picked_at)).total_seconds()
        for r in rows
        if r.picked_at is not None and r.completed_at is not None
    ]
    return len(rows), (sum(times) / len(times) if times else None)


def add_event(
    conn: Connection,
    item_id: int,
    at: dt.datetime,
    event: str,
    user: str | None = None,
    detail: str | None = None,
) -> None:
    conn.execute(
        insert(events),
        {"item_id": item_id, "at": at, "event": event, "user": user, "detail": detail},
    )


def events_of(conn: Connection, item_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(select(events).where(events.c.item_id == item_id).order_by(events.c.id))
    return [{"at": aware(r.at), "event": r.event, "user": r.user, "detail": r.detail} for r in rows]


def waiting_by_workgroup(conn: Connection) -> dict[str, int]:
    """How many items wait for an agent (queued or offered) in each workgroup's queue."""
    rows = conn.execute(
        select(items.c.workgroup, func.count())
        .where(items.c.status.in_(("new", "acd-wait-agent")), items.c.workgroup.is_not(None))
        .group_by(items.c.workgroup)
    )
    return {str(workgroup): int(count) for workgroup, count in rows}


def count_open(conn: Connection) -> int:
    return int(
        conn.execute(
            select(func.count()).select_from(items).where(items.c.status.in_(OPEN))
        ).scalar_one()
    )


def fingerprint(conn: Connection) -> tuple[Any, ...]:
    """A value that changes whenever a work item or the routing part of the directory does.

    Every change of a work item raises its revision by one and a new item starts at one,
    so the sum of revisions counts every change; presence, memberships and skills are
    summed alike. A process compares it with the last value it saw to learn that another
    process changed the rows under its router.
    """

    return tuple(conn.execute(_FINGERPRINT).one())


def _one(*columns: Any) -> Any:
    return select(*columns).scalar_subquery()


# Built once: the engine asks for it at every sweep and around every change.
_FINGERPRINT = select(
    _one(func.count(items.c.id)),
    _one(func.coalesce(func.sum(items.c.revision), 0)),
    _one(func.count(agent_states.c.user_name)),
    _one(func.coalesce(func.sum(agent_states.c.logged_in.cast(Integer)), 0)),
    _one(func.coalesce(func.sum(func.length(agent_states.c.status)), 0)),
    _one(func.max(agent_states.c.updated_at)),
    _one(func.count(users.c.name)),
    _one(func.count(members.c.user_name)),
    _one(func.coalesce(func.sum(user_skills.c.proficiency), 0)),
)


def _record(r: Any) -> WorkItemRecord:
    return WorkItemRecord(
        id=int(r.id),
        flow_id=int(r.flow_id),
        wait_key=r.wait_key,
        version_id=int(r.version_id),
        process_name=r.process_name,
        work_item=r.work_item,
        category=r.category,
        routing=r.routing,
        workgroup=r.workgroup,
        user=r.user,
        status=r.status,
        owner=r.owner,
        offered_to=tuple(r.offered_to or ()),
        offer_expires_at=aware(r.offer_expires_at),
        priority=int(r.priority),
        description=r.description,
        details=r.details,
        due_at=aware(r.due_at),
        timeout_at=aware(r.timeout_at),
        escalate_at=aware(r.escalate_at),
        escalation=r.escalation,
        skills={str(k): int(v) for k, v in (r.skills or {}).items()},
        options=dict(r.options or {}),
        page=r.page,
        data=dict(r.data or {}),
        test=bool(r.test),
        revision=int(r.revision),
        created_at=aware(r.created_at),
        queued_at=aware(r.queued_at),
        picked_at=aware(r.picked_at),
        completed_at=aware(r.completed_at),
        completed_by=r.completed_by,
        button=r.button,
    )
