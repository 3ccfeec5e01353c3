"""The process monitor: the flows a filter matches, and the supervisors' queue figures.

Only users with the monitor licence (and administrators) use the monitor.
A filter lists only the flows the asker may view (the guard's rules: View or
Manage on the process, or having started the flow), and is refused when it
matches more of them than the server parameter ``PAS Maximum Monitored Flows``.

Flows the asker may not view are never counted: the limit, the total and the
rows are about visible flows only, so neither a result nor a refusal tells
anything about flows the asker may not see. Likewise the details text is
matched against the details as the asker sees them (without the variables a
security specification hides from them), so a filter cannot probe a hidden
value.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from openpas.directory.model import Licence
from openpas.engine import position as positions
from openpas.expr.values import NOT_SET
from openpas.model.definition import Definition
from openpas.monitor.errors import FilterTooLoose
from openpas.monitor.filters import Filter
from openpas.monitor.rows import MonitorRow, rows_of
from openpas.security.guard import _clean_record, guarded_queue
from openpas.security.principal import Principal
from openpas.security.rights import Rights, require_monitor, rights_of
from openpas.security.specifications import Scrubber, Specifications, specifications_of
from openpas.service.context import Context
from openpas.store import monitor as store
from openpas.store.monitor import FlowCriteria
from openpas.store.records import FlowRecord
from openpas.work.service import QueueReport, WorkService


@dataclass(frozen=True)
class MonitorResult:
    """The flows a filter matches, newest first.

    Attributes:
        flows: the rows (all of them, or the first ``limit`` asked for).
        total: how many flows the filter matches (never more than the maximum).
    """

    flows: list[MonitorRow]
    total: int


def matching(
    ctx: Context, p: Principal, chosen: Filter, *, limit: int | None = None
) -> MonitorResult:
    """The flows ``p`` may view that ``chosen`` matches, newest first.

    Args:
        limit: return only the first rows (``total`` still counts them all).

    Raises:
        NotAllowed: ``p`` has no monitor licence.
        FilterTooLoose: more than ``PAS Maximum Monitored Flows`` flows match.
        ValueError: ``limit`` is below 1.
    """
    require_monitor(p)
    if limit is not None and limit < 1:
        raise ValueError(f"the limit is {limit}; expected a whole number of 1 or more")
    maximum = ctx.settings.max_monitored_flows
    wanted = maximum if limit is None else min(limit, maximum)
    now = ctx.clock()
    with ctx.read() as conn:
        rights, specs = rights_of(conn), specifications_of(conn)
        base = _criteria(rights, p, chosen)
        hidden = _hidden_by_version(ctx, conn, specs, p, store.version_ids(conn, base))
        secret = frozenset(v for v, names in hidden.items() if names)
        needle = chosen.details.lower() if chosen.details else None
        criteria = dataclasses.replace(
            base,
            details=chosen.details,
            details_elsewhere=secret if needle else frozenset(),
        )
        total = store.count_matching(conn, criteria)
        # Versions with hidden variables: their details are recomputed before matching.
        recomputed: list[FlowRecord] = []
        at_least = False
        if needle is not None and secret:
            for batch in store.of_versions(conn, base, secret):
                for record, stored in batch:
                    clean = _cleaned(ctx, conn, record, stored, hidden[record.version_id])
                    if needle in clean.details.lower() and rights.can_view_flow(p, record):
                        recomputed.append(clean)
                if total + len(recomputed) > maximum:
                    at_least = True  # stop reading: the filter is refused anyway
                    break
        total += len(recomputed)
        if total > maximum:
            raise FilterTooLoose(total, maximum, at_least=at_least)
        records = [r for r in store.matching(conn, criteria, wanted) if rights.can_view_flow(p, r)]
        records = _clean_all(ctx, conn, specs, p, records, hidden)
        if needle is not None:
            # A version published while we read is matched again on the cleaned details.
            records = [r for r in records if needle in r.details.lower()]
        records = sorted([*records, *recomputed], key=lambda r: r.id, reverse=True)[:wanted]
        return MonitorResult(rows_of(conn, records, now), total)


def queues(ctx: Context, work: WorkService, p: Principal) -> list[QueueReport]:
    """The queue figures of every workgroup ``p`` supervises (every workgroup for monitor
    licences and administrators), by workgroup name, through the guard."""
    directory = work.people()
    if p.administrator or p.licence >= Licence.MONITOR:
        names = sorted(directory.workgroups)
    else:
        names = sorted(w.name for w in directory.supervised_by(p.user))
    return [guarded_queue(work, p, name) for name in names]


# ---------------------------------------------------------------------- helpers


def _criteria(rights: Rights, p: Principal, chosen: Filter) -> FlowCriteria:
    return FlowCriteria(
        viewable=rights.viewable_processes(p),
        asker=p.user,
        process=chosen.process,
        version=chosen.version,
        statuses=chosen.statuses,
        state=chosen.state,
        originator=chosen.originator,
        wait_kind=chosen.waiting_kind,
        waiting_user=chosen.waiting_on_user,
        waiting_workgroup=chosen.waiting_on_workgroup,
        started_from=chosen.started_from,
        started_to=chosen.started_to,
    )


def _hidden_by_version(
    ctx: Context, conn: Connection, specs: Specifications, p: Principal, versions: list[int]
) -> dict[int, frozenset[str]]:
    """For each version, the process variables ``p`` may not see."""
    return {
        v: frozenset(specs.hidden(p, ctx.program(conn, v).definition.variables)) for v in versions
    }


def _cleaned(
    ctx: Context,
    conn: Connection,
    record: FlowRecord,
    stored: Mapping[str, Any],
    hidden: frozenset[str],
) -> FlowRecord:
    """``record`` as the guard shows it: details without, and error cut of, hidden values."""
    if not hidden:
        return record
    definition: Definition = ctx.program(conn, record.version_id).definition
    found = positions.load(dict(stored), definition).variables
    scrub = Scrubber(found.get(n, NOT_SET) for n in hidden)
    return _clean_record(record, definition, found, hidden, scrub)


def _clean_all(
    ctx: Context,
    conn: Connection,
    specs: Specifications,
    p: Principal,
    records: list[FlowRecord],
    hidden: dict[int, frozenset[str]],
) -> list[FlowRecord]:
    unseen = sorted({r.version_id for r in records} - set(hidden))
    hidden.update(_hidden_by_version(ctx, conn, specs, p, unseen))
    dirty = [r.id for r in records if hidden.get(r.version_id)]
    stored = store.positions_of(conn, dirty) if dirty else {}
    return [
        _cleaned(ctx, conn, r, stored[r.id], hidden[r.version_id]) if r.id in stored else r
        for r in records
    ]
