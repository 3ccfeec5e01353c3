"""The monitor's queries: flows matching a filter, what they wait on, saved filters and
related interactions.

The filter runs in the database: a :class:`FlowCriteria` becomes one WHERE
clause over ``flowexec_flows`` (with a sub-select of ``work_items`` for
"waiting on a user or workgroup"), so counting the flows a filter matches
never loads them. Every function takes the caller's connection and never
commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)

from openpas.store.clock import aware
from openpas.store.flows import _record as flow_record
from openpas.store.records import FlowRecord
from openpas.store.schema import calls, flows, storage, timers
from openpas.store.schema_monitor import flow_interactions, monitor_filters
from openpas.store.schema_work import work_items
from openpas.store.work import OPEN

CHUNK = 500
"""Ids per IN list: well under the bind-parameter limits of both databases."""


@dataclass(frozen=True)
class FlowCriteria:
    """What a monitor filter asks of ``flowexec_flows``, plus who may see which flows.

    Attributes:
        viewable: the processes whose every flow the asker may see; None means all.
        asker: the asker's user name (the originator of a flow may always see it).
        details: text the dynamic details contain (case-insensitive); applied only to
            flows whose version is not in ``details_elsewhere`` (those are checked by
            the caller, who recomputes their details without hidden variables).
        details_elsewhere: version ids whose details the caller checks itself.
    """

    viewable: frozenset[str] | None
    asker: str
    process: str | None = None
    version: int | None = None
    statuses: tuple[str, ...] = ()
    state: str | None = None
    originator: str | None = None
    wait_kind: str | None = None
    waiting_user: str | None = None
    waiting_workgroup: str | None = None
    started_from: dt.datetime | None = None
    started_to: dt.datetime | None = None
    details: str | None = None
    details_elsewhere: frozenset[int] = frozenset()


def _where(criteria: FlowCriteria, *, with_details: bool = True) -> list[ColumnElement[bool]]:
    c = flows.c
    found: list[ColumnElement[bool]] = []
    if criteria.viewable is not None:
        found.append(
            or_(c.process_name.in_(sorted(criteria.viewable)), c.originator == criteria.asker)
            if criteria.viewable
            else c.originator == criteria.asker
        )
    if criteria.process is not None:
        found.append(c.process_name == criteria.process)
    if criteria.version is not None:
        found.append(c.version == criteria.version)
    if criteria.statuses:
        found.append(c.status.in_(list(criteria.statuses)))
    if criteria.state is not None:
        found.append(c.state == criteria.state)
    if criteria.originator is not None:
        found.append(c.originator == criteria.originator)
    if criteria.started_from is not None:
        found.append(c.created_at >= criteria.started_from)
    if criteria.started_to is not None:
        found.append(c.created_at < criteria.started_to)
    if criteria.wait_kind is not None:
        found.append(and_(c.status == "waiting", c.wait_kind == criteria.wait_kind))
    if criteria.waiting_user is not None or criteria.waiting_workgroup is not None:
        found.append(and_(c.status == "waiting", c.wait_kind == "work item"))
        found.append(c.id.in_(_holding(criteria.waiting_user, criteria.waiting_workgroup)))
    if with_details and criteria.details is not None:
        matches = func.lower(c.details).contains(criteria.details.lower(), autoescape=True)
        if criteria.details_elsewhere:
            # Those versions' details are checked by the caller, without hidden variables.
            matches = and_(matches, c.version_id.not_in(sorted(criteria.details_elsewhere)))
        found.append(matches)
    return found


def _holding(user: str | None, workgroup: str | None) -> Select[tuple[Any]]:
    """The ids of flows with an open work item ``user`` has (owns, or was sent and nobody
    picked up yet) and/or in ``workgroup``'s queue."""
    i = work_items.c
    query = select(i.flow_id).where(i.status.in_(OPEN))
    if user is not None:
        query = query.where(or_(i.owner == user, and_(i.owner.is_(None), i.user == user)))
    if workgroup is not None:
        query = query.where(i.workgroup == workgroup)
    return query


def count_matching(conn: Connection, criteria: FlowCriteria) -> int:
    """How many flows match ``criteria`` (without those of ``details_elsewhere`` when a
    details text is given)."""
    query = select(func.count()).select_from(flows).where(*_where(criteria))
    return int(conn.execute(query).scalar_one())


def matching(conn: Connection, criteria: FlowCriteria, limit: int) -> list[FlowRecord]:
    """The newest ``limit`` flows matching ``criteria`` (same rule as :func:`count_matching`)."""
    query = select(flows).where(*_where(criteria)).order_by(flows.c.id.desc()).limit(limit)
    return [flow_record(r) for r in conn.execute(query)]


def version_ids(conn: Connection, criteria: FlowCriteria) -> list[int]:
    """The process versions of the flows matching ``criteria`` apart from its details text."""
    query = select(flows.c.version_id).where(*_where(criteria, with_details=False)).distinct()
    return sorted(int(v) for v in conn.execute(query).scalars())


def of_versions(
    conn: Connection, criteria: FlowCriteria, versions: Collection[int], batch: int = CHUNK
) -> Iterator[list[tuple[FlowRecord, dict[str, Any]]]]:
    """Flows of ``versions`` matching ``criteria`` apart from its details text, with their
    positions, newest first, ``batch`` at a time (the caller may stop early)."""
    if not versions:
        return
    where = [*_where(criteria, with_details=False), flows.c.version_id.in_(sorted(versions))]
    before: int | None = None
    while True:
        query = (
            select(flows, storage.c.position)
            .join(storage, storage.c.flow_id == flows.c.id)
            .where(*where)
            .order_by(flows.c.id.desc())
            .limit(batch)
        )
        if before is not None:
            query = query.where(flows.c.id < before)
        rows = [(flow_record(r), dict(r.position)) for r in conn.execute(query)]
        if not rows:
            return
        yield rows
        before = rows[-1][0].id


def positions_of(conn: Connection, flow_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The stored positions of some flows, by flow id."""
    found: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(flow_ids):
        query = select(storage.c.flow_id, storage.c.position).where(storage.c.flow_id.in_(chunk))
        found.update({int(r.flow_id): dict(r.position) for r in conn.execute(query)})
    return found


# ---------------------------------------------------------------------- what flows wait on


@dataclass(frozen=True)
class OpenItem:
    """An open work item of a flow, as the monitor shows who has it."""

    id: int
    flow_id: int
    wait_key: str
    work_item: str
    status: str
    routing: str
    workgroup: str | None
    user: str | None
    owner: str | None
    queued_at: dt.datetime
    picked_at: dt.datetime | None


@dataclass(frozen=True)
class PendingCall:
    """A call of a flow in flight."""

    flow_id: int
    key: str
    target: str
    started_at: dt.datetime | None


@dataclass(frozen=True)
class PendingTimer:
    """A timer of a flow."""

    flow_id: int
    key: str
    due_at: dt.datetime


@dataclass(frozen=True)
class Child:
    """A subprocess of a flow."""

    id: int
    parent_id: int
    parent_key: str | None
    process_name: str
    status: str
    created_at: dt.datetime


def open_items(conn: Connection, flow_ids: Sequence[int]) -> list[OpenItem]:
    """The open work items of some flows."""
    i = work_items.c
    found = []
    for chunk in _chunks(flow_ids):
        query = (
            select(
                i.id,
                i.flow_id,
                i.wait_key,
                i.work_item,
                i.status,
                i.routing,
                i.workgroup,
                i.user,
                i.owner,
                i.queued_at,
                i.picked_at,
            )
            .where(i.flow_id.in_(chunk), i.status.in_(OPEN))
            .order_by(i.id)
        )
        found += [
            OpenItem(
                int(r.id),
                int(r.flow_id),
                r.wait_key,
                r.work_item,
                r.status,
                r.routing,
                r.workgroup,
                r.user,
                r.owner,
                aware(r.queued_at),
                aware(r.picked_at),
            )
            for r in conn.execute(query)
        ]
    return found


def pending_calls(conn: Connection, flow_ids: Sequence[int]) -> list[PendingCall]:
    """The calls in flight of some flows."""
    found = []
    for chunk in _chunks(flow_ids):
        query = select(calls.c.flow_id, calls.c.key, calls.c.target, calls.c.started_at).where(
            calls.c.flow_id.in_(chunk), calls.c.status == "in-flight"
        )
        found += [
            PendingCall(int(r.flow_id), r.key, r.target, aware(r.started_at))
            for r in conn.execute(query)
        ]
    return found


def pending_timers(conn: Connection, flow_ids: Sequence[int]) -> list[PendingTimer]:
    """The timers of some flows."""
    found = []
    for chunk in _chunks(flow_ids):
        query = select(timers.c.flow_id, timers.c.key, timers.c.due_at).where(
            timers.c.flow_id.in_(chunk)
        )
        found += [PendingTimer(int(r.flow_id), r.key, aware(r.due_at)) for r in conn.execute(query)]
    return found


def children(conn: Connection, flow_ids: Sequence[int]) -> list[Child]:
    """The subprocesses of some flows."""
    c = flows.c
    found = []
    for chunk in _chunks(flow_ids):
        query = (
            select(c.id, c.parent_id, c.parent_key, c.process_name, c.status, c.created_at)
            .where(c.parent_id.in_(chunk))
            .order_by(c.id)
        )
        found += [
            Child(
                int(r.id),
                int(r.parent_id),
                r.parent_key,
                r.process_name,
                r.status,
                aware(r.created_at),
            )
            for r in conn.execute(query)
        ]
    return found


# ---------------------------------------------------------------------- saved filters


@dataclass(frozen=True)
class SavedFilterRecord:
    """One row of ``monitor_filters``."""

    user: str
    name: str
    definition: dict[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime


def save_filter(
    conn: Connection, user: str, name: str, definition: dict[str, Any], now: dt.datetime
) -> bool:
    """Create or replace ``user`` 's filter ``name``; True when it was new."""
    f = monitor_filters.c
    changed = conn.execute(
        update(monitor_filters)
        .where(f.user == user, f.name == name)
        .values(definition=definition, updated_at=now)
    )
    if changed.rowcount == 1:
        return False
    conn.execute(
        insert(monitor_filters).values(
            user=user, name=name, definition=definition, created_at=now, updated_at=now
        )
    )
    return True


def filters_of(conn: Connection, user: str) -> list[SavedFilterRecord]:
    """``user`` 's saved filters, by name."""
    f = monitor_filters.c
    rows = conn.execute(select(monitor_filters).where(f.user == user).order_by(f.name))
    return [
        SavedFilterRecord(
            r.user,
            r.name,
            dict(r.definition),
            aware(r.created_at),
            aware(r.updated_at),
        )
        for r in rows
    ]


def delete_filter(conn: Connection, user: str, name: str) -> bool:
    """Delete ``user`` 's filter ``name``; False when there was none."""
    f = monitor_filters.c
    outcome = conn.execute(delete(monitor_filters).where(f.user == user, f.name == name))
    return outcome.rowcount == 1


# ---------------------------------------------------------------------- related interactions


@dataclass(frozen=True)
class InteractionRecord:
    """An interaction outside openpas linked to a flow."""

    id: int
    flow_id: int
    kind: str
    reference: str
    note: str | None
    added_by: str
    added_at: dt.datetime


def add_interaction(
    conn: Connection,
    flow_id: int,
    kind: str,
    reference: str,
    note: str | None,
    by: str,
    now: dt.datetime,
) -> int:
    """Link an interaction to a flow; the link's id."""
    return int(
        conn.execute(
            insert(flow_interactions)
            .values(
                flow_id=flow_id,
                kind=kind,
                reference=reference,
                note=note,
                added_by=by,
                added_at=now,
            )
            .returning(flow_interactions.c.id)
        ).scalar_one()
    )


def interactions_of(conn: Connection, flow_id: int) -> list[InteractionRecord]:
    """The interactions linked to a flow, oldest first."""
    i = flow_interactions.c
    rows = conn.execute(select(flow_interactions).where(i.flow_id == flow_id).order_by(i.id))
    return [_interaction(r) for r in rows]


def interaction(conn: Connection, interaction_id: int) -> InteractionRecord | None:
    """One link, or None."""
    i = flow_interactions.c
    row = conn.execute(select(flow_interactions).where(i.id == interaction_id)).first()
    return _interaction(row) if row else None


def remove_interaction(conn: Connection, interaction_id: int) -> bool:
    """Delete a link; False when there was none."""
    i = flow_interactions.c
    outcome = conn.execute(delete(flow_interactions).where(i.id == interaction_id))
    return outcome.rowcount == 1


def _interaction(r: Any) -> InteractionRecord:
    return InteractionRecord(
        int(r.id),
        int(r.flow_id),
        r.kind,
        r.reference,
        r.note,
        r.added_by,
        aware(r.added_at),
    )


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    unique = sorted(set(ids))
    for start in range(0, len(unique), CHUNK):
        yield unique[start : start + CHUNK]


__all__ = [
    "Child",
    "FlowCriteria",
    "InteractionRecord",
    "OpenItem",
    "PendingCall",
    "PendingTimer",
    "SavedFilterRecord",
]
