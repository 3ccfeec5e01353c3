"""One flow in the monitor: everything about it, as the asker may see it.

Built on :func:`openpas.security.guard.guarded_flow`, so variables the asker
may not see are absent, and texts that could quote them are cleaned, exactly
as everywhere else. On top of it the monitor adds the time between history
entries, the errors, the related interactions, the work items, the parent
and the subprocesses, and the state diagram with the current state marked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from openpas.model.diagram import mermaid, svg
from openpas.monitor.rows import MonitorRow, rows_of
from openpas.security.guard import FlowView, guarded_flow
from openpas.security.principal import Principal
from openpas.security.rights import require_monitor, rights_of
from openpas.service.context import Context
from openpas.store import flows
from openpas.store import monitor as store
from openpas.store import work as work_store
from openpas.store.monitor import InteractionRecord
from openpas.store.records import FlowRecord, HistoryRecord

ERROR_EVENTS = frozenset({"error", "restored-in-error", "propagated-error", "call-interrupted"})


@dataclass(frozen=True)
class HistoryEntry:
    """One history entry with its timing.

    Attributes:
        since_previous: seconds since the entry before (None for the first).
        since_start: seconds since the flow started.
        error: whether the entry records an error.
    """

    entry: HistoryRecord
    since_previous: float | None
    since_start: float
    error: bool


@dataclass(frozen=True)
class ItemSummary:
    """A work item of the flow: where it is and who has (or had) it; no form data."""

    id: int
    work_item: str
    status: str
    routing: str
    workgroup: str | None
    user: str | None
    owner: str | None
    offered_to: tuple[str, ...]
    created_at: dt.datetime
    queued_at: dt.datetime
    picked_at: dt.datetime | None
    completed_at: dt.datetime | None
    completed_by: str | None
    button: str | None


@dataclass(frozen=True)
class RelatedFlow:
    """The parent or a subprocess of the flow (only those the asker may view)."""

    id: int
    process: str
    version: int
    status: str
    state: str | None


@dataclass(frozen=True)
class MonitorFlowView:
    """A flow as the monitor shows it.

    Attributes:
        flow: the guard's view (record, variables without hidden ones, frames, hidden
            names, history, calls, notes, completion).
        row: the flow's monitor row (what it waits on, for how long).
        history: the history with timings; errors: the entries that are errors.
        interactions: the related interactions.
        work_items: the flow's work items, oldest first.
        parent: the flow that started this one (None: none, or not viewable).
        subprocesses: the flows this one started that the asker may view.
        can_manage: whether the asker may cancel, retry, skip and remove links.
        mermaid, svg: the state diagram with the current state marked.
    """

    flow: FlowView
    row: MonitorRow
    history: tuple[HistoryEntry, ...]
    errors: tuple[HistoryEntry, ...]
    interactions: tuple[InteractionRecord, ...]
    work_items: tuple[ItemSummary, ...]
    parent: RelatedFlow | None
    subprocesses: tuple[RelatedFlow, ...]
    can_manage: bool
    mermaid: str
    svg: str


def flow_view(ctx: Context, p: Principal, flow_id: int) -> MonitorFlowView:
    """Everything the monitor shows of one flow ``p`` may view.

    Raises:
        NotAllowed: ``p`` has no monitor licence, or may not view the flow.
        NotFound: no such flow (``openpas.service.flows.NotFound``).
    """
    require_monitor(p)
    view = guarded_flow(ctx, p, flow_id)
    record = view.record
    now = ctx.clock()
    with ctx.read() as conn:
        rights = rights_of(conn)
        definition = ctx.program(conn, record.version_id).definition
        row = rows_of(conn, [record], now)[0]
        links = store.interactions_of(conn, flow_id)
        items = work_store.of_flow(conn, flow_id)
        parent_record = flows.get(conn, record.parent_id) if record.parent_id else None
        kids = [k for k in flows.children(conn, flow_id) if rights.can_view_flow(p, k)]
        parent = (
            parent_record
            if parent_record is not None and rights.can_view_flow(p, parent_record)
            else None
        )
        can_manage = rights.can_manage(p, record.process_name)
    history = _timed(view.history, record.created_at)
    current = record.state if record.state in definition.spec.states else None
    return MonitorFlowView(
        flow=view,
        row=row,
        history=history,
        errors=tuple(h for h in history if h.error),
        interactions=tuple(links),
        work_items=tuple(
            ItemSummary(
                i.id,
                i.work_item,
                i.status,
                i.routing,
                i.workgroup,
                i.user,
                i.owner,
                i.offered_to,
                i.created_at,
                i.queued_at,
                i.picked_at,
                i.completed_at,
                i.completed_by,
                i.button,
            )
            for i in items
        ),
        parent=_related(parent) if parent is not None else None,
        subprocesses=tuple(_related(k) for k in kids),
        can_manage=can_manage,
        mermaid=mermaid(definition, current=current),
        svg=svg(definition, current=current),
    )


def _timed(entries: list[HistoryRecord], started: dt.datetime) -> tuple[HistoryEntry, ...]:
    found = []
    previous: dt.datetime | None = None
    for entry in entries:
        found.append(
            HistoryEntry(
                entry,
                (entry.at - previous).total_seconds() if previous is not None else None,
                (entry.at - started).total_seconds(),
                entry.event in ERROR_EVENTS,
            )
        )
        previous = entry.at
    return tuple(found)


def _related(record: FlowRecord) -> RelatedFlow:
    return RelatedFlow(record.id, record.process_name, record.version, record.status, record.state)
