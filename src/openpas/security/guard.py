"""The one place where data leaving the server is filtered by rights and specifications.

Every adapter (the command line, the REST API, the web pages) reads flows and
work items through these functions, with the :class:`Principal` it
authenticated, and never through the services directly. Each function checks
the caller's rights (:mod:`openpas.security.rights`) and removes what the
caller may not see (:mod:`openpas.security.specifications`):

- a variable the caller may not see is **removed**, never masked: its name is
  listed in ``hidden``, its value is nowhere in what is returned;
- dynamic details are recomputed without hidden variables;
- a work item page does not send controls bound to hidden variables, and a
  submit that changes one is refused as an invalid field;
- texts that may quote values (errors, history, call outcomes) have the text of
  every hidden value cut out, as a second line of defence;
- picking up an item whose page requires a field the user may not see holds
  it at once, with the reason (the user could never finish it).

Reporting reads only the variables whose ``report`` flag is on
(:func:`reportable_values`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from openpas.directory import service as directory
from openpas.directory.model import Licence
from openpas.engine import position as positions
from openpas.events import Event
from openpas.expr import values
from openpas.expr.values import NOT_SET
from openpas.model.definition import Definition
from openpas.model.forms import Page
from openpas.model.scopes import Variable, parse_target
from openpas.security.principal import Principal
from openpas.security.rights import (
    NotAllowed,
    Rights,
    load_rights,
    require_designer,
    require_licence,
    require_monitor,
    rights_of,
)
from openpas.security.specifications import (
    HIDDEN_TEXT,
    Scrubber,
    Specifications,
    load_specifications,
    specifications_of,
)
from openpas.service import flows as flow_service
from openpas.service import processes
from openpas.service.context import Context
from openpas.store import definitions, flows
from openpas.store import security_rights as rights_store
from openpas.store import work as work_store
from openpas.store.records import (
    CallRecord,
    FlowRecord,
    HistoryRecord,
    ProcessRecord,
    VersionRecord,
    WorkItemRecord,
)
from openpas.work import forms
from openpas.work.service import QueueReport, WorkError, WorkService

MAX_SEARCH = 1000
CANNOT_WRITE = "you may not see this field, so you cannot change it"


# ---------------------------------------------------------------------- what is returned


@dataclass(frozen=True)
class FrameView:
    """A state or task the flow is in, with the local variables the caller may see."""

    kind: str
    name: str
    variables: dict[str, Any]


@dataclass(frozen=True)
class FlowView:
    """A flow as one principal may see it.

    Attributes:
        record: the row, with dynamic details recomputed and messages cleaned.
        variables: the process variables the principal may see (typed values).
        frames: the states and tasks the flow is in, innermost last.
        hidden: the names of the variables that were removed.
        history, calls, notes, completion: as the flow service gives them, cleaned.
    """

    record: FlowRecord
    variables: dict[str, Any]
    frames: tuple[FrameView, ...]
    hidden: tuple[str, ...]
    history: list[HistoryRecord]
    calls: list[CallRecord]
    notes: list[dict[str, Any]]
    completion: dict[str, Any] | None


@dataclass(frozen=True)
class ItemView:
    """A work item as its lists show it: no form data, details without hidden variables."""

    id: int
    flow_id: int
    process_name: str
    work_item: str
    category: str
    status: str
    routing: str
    workgroup: str | None
    user: str | None
    owner: str | None
    offered_to: tuple[str, ...]
    priority: int
    description: str
    details: str
    page: str
    test: bool
    due_at: dt.datetime | None
    created_at: dt.datetime
    queued_at: dt.datetime
    picked_at: dt.datetime | None


@dataclass(frozen=True)
class PickedUp:
    """The result of picking up an item: the item, and why it was held at once (if it was)."""

    item: ItemView
    held_because: str | None = None


# ---------------------------------------------------------------------- flows


def guarded_flow(ctx: Context, p: Principal, flow_id: int) -> FlowView:
    """One flow as ``p`` may see it.

    Raises:
        NotFound: no such flow. NotAllowed: ``p`` may not view it.
    """
    found = flow_service.details(ctx, flow_id)
    rights, specs = _snapshots(ctx)
    rights.require_view(p, found.record)
    definition = found.program.definition
    position = found.position
    hidden_process = specs.hidden(p, definition.variables)
    hidden_all = set(hidden_process)
    secrets: list[Any] = [position.variables.get(n, NOT_SET) for n in hidden_process]
    hidden_frames = []
    for frame in position.frames:
        hidden_here = specs.hidden(p, _locals_of(definition, frame.kind, frame.name))
        hidden_frames.append(hidden_here)
        hidden_all |= hidden_here
        secrets += [frame.locals.get(n, NOT_SET) for n in hidden_here]
    # A secured value copied into a variable without a specification (a task input given
    # =SSN, say) would show through that variable: such copies are hidden too.
    copied = _copies_of(secrets)
    visible_process = {
        n: v for n, v in position.variables.items() if n not in hidden_process and not copied(v)
    }
    hidden_all |= {n for n in position.variables if n not in hidden_process} - set(visible_process)
    frames = []
    for frame, hidden_here in zip(position.frames, hidden_frames, strict=True):
        shown = {n: v for n, v in frame.locals.items() if n not in hidden_here and not copied(v)}
        hidden_all |= set(frame.locals) - set(shown)
        frames.append(FrameView(frame.kind, frame.name, shown))
    scrub = Scrubber(secrets)
    record = _clean_record(found.record, definition, position.variables, hidden_process, scrub)
    return FlowView(
        record=record,
        variables=visible_process,
        frames=tuple(frames),
        hidden=tuple(sorted(hidden_all)),
        history=[
            dataclasses.replace(
                h, outcome=scrub(h.outcome) or "", detail=scrub(h.detail), place=h.place
            )
            for h in found.history
        ],
        calls=[
            dataclasses.replace(c, result=scrub(c.result), error=scrub(c.error))
            for c in found.calls
        ],
        notes=found.notes,
        completion=(
            {k: scrub(v) if isinstance(v, str) else v for k, v in found.completion.items()}
            if found.completion is not None
            else None
        ),
    )


def _copies_of(secrets: Sequence[Any]) -> Callable[[Any], bool]:
    """A test: does a value carry one of the secrets (equal to it, or text containing it)?"""
    texts = [v for v in secrets if isinstance(v, str) and len(v) >= 4]
    others = [v for v in secrets if v is not NOT_SET and not isinstance(v, str | bool)]

    def carries(value: Any) -> bool:
        if isinstance(value, str):
            return any(secret in value for secret in texts)
        if value is NOT_SET or isinstance(value, bool):
            return False
        return any(value == other for other in others if type(other) is type(value))

    return carries


def guarded_search(
    ctx: Context,
    p: Principal,
    *,
    status: Sequence[str] | None = None,
    process: str | None = None,
    limit: int = 100,
) -> list[FlowRecord]:
    """The newest flows ``p`` may view, with dynamic details recomputed without hidden
    variables and messages cleaned."""
    if not 1 <= limit <= MAX_SEARCH:
        raise ValueError(f"the limit is {limit}; expected a whole number from 1 to {MAX_SEARCH}")
    if not p.administrator and p.licence < Licence.DIRECT:
        return []
    result = []
    with ctx.read() as conn:
        rights, specs = rights_of(conn), specifications_of(conn)
        ids = rights_store.visible_flow_ids(
            conn,
            processes=rights.viewable_processes(p),
            originator=p.user,
            status=status,
            process=process,
            limit=limit,
        )
        for flow_id in ids:
            found = flows.get_with_position(conn, flow_id)
            if found is None or not rights.can_view_flow(p, found[0]):
                continue
            record, stored = found
            definition = ctx.program(conn, record.version_id).definition
            hidden = specs.hidden(p, definition.variables)
            if not hidden:
                result.append(record)
                continue
            position = positions.load(stored, definition)
            scrub = Scrubber(position.variables.get(n, NOT_SET) for n in hidden)
            result.append(_clean_record(record, definition, position.variables, hidden, scrub))
    return result


def guarded_launch(
    ctx: Context,
    p: Principal,
    process: str,
    inputs: Mapping[str, Any] | None = None,
    *,
    texts: Mapping[str, str] | None = None,
    mode: str = "production",
) -> int:
    """Start a flow of ``process`` as ``p`` (its originator); the flow's id.

    Raises:
        NotAllowed: ``p`` may not launch it in that mode; and as :func:`flows.launch`.
    """
    load_rights(ctx).require_launch(p, process, mode)
    return flow_service.launch(ctx, process, inputs, texts=texts, originator=p.user, mode=mode)


def guarded_cancel(ctx: Context, p: Principal, flow_id: int, reason: str) -> None:
    """Cancel a flow (Manage right and the monitor licence; the service audits it)."""
    _manage(ctx, p, flow_id, "cancel")
    flow_service.cancel(ctx, flow_id, reason, p.user)


def guarded_retry(ctx: Context, p: Principal, flow_id: int, reason: str | None = None) -> None:
    """Retry the failed action of a flow (Manage right and the monitor licence; audited)."""
    _manage(ctx, p, flow_id, "retry")
    flow_service.retry(ctx, flow_id, p.user, reason=reason)


def guarded_skip(
    ctx: Context,
    p: Principal,
    flow_id: int,
    exit_name: str | None = None,
    reason: str | None = None,
) -> str:
    """Skip the failed action of a flow; the exit taken (Manage and monitor; audited)."""
    _manage(ctx, p, flow_id, "skip")
    return flow_service.skip(ctx, flow_id, p.user, exit_name, reason=reason)


def guarded_add_note(ctx: Context, p: Principal, flow_id: int, text: str) -> None:
    """Add a note to a flow ``p`` may view (as its author)."""
    record = _flow(ctx, flow_id)
    load_rights(ctx).require_view(p, record)
    flow_service.add_note(ctx, flow_id, p.user, text)


# ---------------------------------------------------------------------- processes


def guarded_publish(
    ctx: Context, p: Principal, text: str, source: str | None = None, reason: str | None = None
) -> tuple[VersionRecord, Definition]:
    """Publish a document (designers and administrators; the service audits it)."""
    require_designer(p, "publish processes")
    return processes.publish(ctx, text, p.user, source, reason=reason)


def guarded_set_active(
    ctx: Context, p: Principal, name: str, active: bool, reason: str | None = None
) -> None:
    """Activate or deactivate a process (designers and administrators; audited)."""
    require_designer(p, "activate or deactivate processes")
    processes.set_active(ctx, name, active, by=p.user, reason=reason)


@dataclass(frozen=True)
class LaunchInput:
    """One launch input of a process, as a launch form shows it (no value: inputs start empty)."""

    name: str
    label: str
    type: str
    required: bool
    description: str
    constraints: tuple[dict[str, Any], ...]
    """As :attr:`openpas.work.forms.FieldView.constraints`."""


def guarded_launch_form(ctx: Context, p: Principal, process: str) -> tuple[LaunchInput, ...]:
    """The launch inputs of the latest version of ``process``, for ``p``'s launch form.

    Raises:
        NotAllowed: ``p`` may not launch it. NotFound: it was never published.
    """
    load_rights(ctx).require_launch(p, process, "production")
    with ctx.read() as conn:
        found = definitions.launchable(conn, process)
        if found is None:
            raise flow_service.NotFound(f"no process named {process!r} is published")
        definition = ctx.program(conn, found[1].id).definition
    return tuple(
        LaunchInput(
            name=name,
            label=variable.decl.label or name,
            type=str(variable.type),
            required=variable.decl.required and variable.decl.initial is None,
            description=variable.decl.description,
            constraints=forms.constraints_of(definition, variable),
        )
        for name, variable in definition.variables.items()
        if variable.decl.access.is_input
    )


def guarded_processes(ctx: Context, p: Principal) -> list[ProcessRecord]:
    """The processes ``p`` may launch (administrators and designers: all of them)."""
    rights = load_rights(ctx)
    return [r for r in processes.listing(ctx) if rights.can_launch(p, r.name) or _designs(p)]


# ---------------------------------------------------------------------- work items


def guarded_items(work: WorkService, p: Principal) -> list[ItemView]:
    """The work items of ``p`` (My Work Items), without form data or hidden details."""
    if not p.administrator and p.licence < Licence.DIRECT:
        return []
    specs = load_specifications(work.ctx)
    return [_item_view(work, p, specs, r) for r in work.my_items(p.user)]


def guarded_pick_up(work: WorkService, p: Principal, item_id: int) -> PickedUp:
    """Pick up (or resume) an item; held at once when its page requires a hidden field."""
    require_licence(p, Licence.DIRECT, "work on work items")
    record = work.pick_up(p.user, item_id)
    specs = load_specifications(work.ctx)
    definition = _definition(work, record)
    page = forms.page_of(definition.work_item(record.work_item), record.page)
    blocked = sorted(
        b.key
        for b in forms.bindings(definition, record.work_item, page)
        if (b.control.required or b.variable.decl.required)
        and not specs.may_see(p, b.variable.decl.security)
    )
    held_because = None
    if blocked:
        held_because = (
            f"held automatically: the page {record.page or 'of the item'!r} requires "
            f"{', '.join(blocked)}, which {p.user} may not see"
        )
        work.hold(p.user, item_id)
        with work.ctx.db.begin() as conn:
            work_store.add_event(conn, item_id, work.ctx.clock(), "auto-held", p.user, held_because)
        record = work.item(item_id)
    return PickedUp(_item_view(work, p, specs, record), held_because)


def guarded_page(work: WorkService, p: Principal, item_id: int) -> forms.PageView:
    """The current page of an item ``p`` works on; controls bound to hidden variables are
    not sent at all, nor are choices taken from a hidden variable."""
    view = work.page(p.user, item_id)
    record = work.item(item_id)
    definition = _definition(work, record)
    specs = load_specifications(work.ctx)
    page = forms.page_of(definition.work_item(record.work_item), record.page)
    hidden_keys = _hidden_keys(definition, record.work_item, page, specs, p)
    hidden_sources = _hidden_choice_sources(definition, record.work_item, page, specs, p)
    kept = []
    for field in view.fields:
        if field.key in hidden_keys:
            continue
        if field.key in hidden_sources:
            field = dataclasses.replace(field, choices=None)
        kept.append(field)
    return dataclasses.replace(view, fields=tuple(kept))


def guarded_submit(
    work: WorkService,
    p: Principal,
    item_id: int,
    button: str,
    changes: Mapping[str, Any] | None = None,
) -> ItemView:
    """Press a button; changes to fields ``p`` may not see are refused as invalid fields.

    Raises:
        forms.InvalidFields: a change names a hidden field (nothing is changed), or the
            page is not valid.
    """
    _refuse_hidden(work, p, item_id, changes or {})
    record = work.submit(p.user, item_id, button, changes)
    return _item_view(work, p, load_specifications(work.ctx), record)


def guarded_hold(
    work: WorkService, p: Principal, item_id: int, changes: Mapping[str, Any] | None = None
) -> None:
    """Hold an item; changes to hidden fields are refused as invalid fields."""
    _refuse_hidden(work, p, item_id, changes or {})
    work.hold(p.user, item_id, changes)


def guarded_transfer(
    work: WorkService,
    p: Principal,
    item_id: int,
    *,
    to_user: str | None = None,
    to_workgroup: str | None = None,
) -> ItemView:
    """Transfer an item ``p`` has or supervises (the work item service checks which)."""
    require_licence(p, Licence.DIRECT, "transfer work items")
    record = work.transfer(p.user, item_id, to_user=to_user, to_workgroup=to_workgroup)
    return _item_view(work, p, load_specifications(work.ctx), record)


def guarded_pull(
    work: WorkService, p: Principal, item_id: int, reason: str | None = None
) -> ItemView:
    """A supervisor takes an item someone works on (the service audits it)."""
    require_licence(p, Licence.DIRECT, "pull work items")
    record = work.pull(p.user, item_id, reason=reason)
    return _item_view(work, p, load_specifications(work.ctx), record)


def guarded_queue(work: WorkService, p: Principal, workgroup: str) -> QueueReport:
    """The figures of a workgroup's queue: for its supervisors, monitors and administrators."""
    directory = work.people()
    group = directory.workgroup(workgroup)
    if p.user not in group.supervisors:
        require_monitor(p, f"see the queue of {workgroup!r} (or supervise it)")
    return work.queue(workgroup)


# ---------------------------------------------------------------------- reporting


def event_visible(ctx: Context, p: Principal, event: Event) -> bool:
    """Whether ``p`` may receive an event of the bus (the live lists of clients).

    The users named in its audience do; queue events go to administrators,
    monitor licences and the workgroup's supervisors; flow events to those
    with the monitor licence who may view the flow; events about nobody in
    particular to administrators.
    """
    if p.user in event.audience:
        return True
    monitor = p.administrator or p.licence >= Licence.MONITOR
    if event.topic == "queue":
        if monitor:
            return True
        group = directory.snapshot(ctx).workgroups.get(str(event.data.get("workgroup")))
        return group is not None and p.user in group.supervisors
    if event.topic == "flow":
        flow_id = event.data.get("id", event.data.get("flow"))
        if not monitor or not isinstance(flow_id, int):
            return False
        with ctx.read() as conn:
            record = flows.get(conn, flow_id)
        return record is not None and load_rights(ctx).can_view_flow(p, record)
    return not event.audience and p.administrator


def reportable_values(definition: Definition, found: Mapping[str, Any]) -> dict[str, Any]:
    """The process variables of ``found`` whose ``report`` flag is on (nothing else is
    ever logged for reporting)."""
    return {
        name: value
        for name, value in found.items()
        if name in definition.variables and definition.variables[name].decl.report
    }


# ---------------------------------------------------------------------- helpers


def _snapshots(ctx: Context) -> tuple[Rights, Specifications]:
    with ctx.read() as conn:
        return rights_of(conn), specifications_of(conn)


def _flow(ctx: Context, flow_id: int) -> FlowRecord:
    with ctx.read() as conn:
        record = flows.get(conn, flow_id)
    if record is None:
        raise flow_service.NotFound(f"there is no flow #{flow_id}")
    return record


def _manage(ctx: Context, p: Principal, flow_id: int, what: str) -> None:
    record = _flow(ctx, flow_id)
    require_monitor(p, f"{what} flows (managing is done in the monitor)")
    load_rights(ctx).require_manage(p, record.process_name)


def _designs(p: Principal) -> bool:
    return p.administrator or p.licence >= Licence.DESIGNER


def _locals_of(definition: Definition, kind: str, name: str) -> Mapping[str, Variable]:
    tables = {"state": definition.states, "task": definition.tasks}
    return tables.get(kind, {}).get(name, {})


def _details(definition: Definition, names: Sequence[str], found: Mapping[str, Any]) -> str:
    return " · ".join(
        values.format_value(found[n]) for n in names if found.get(n, NOT_SET) is not NOT_SET
    )[:1000]


def _clean_record(
    record: FlowRecord,
    definition: Definition,
    variables: Mapping[str, Any],
    hidden: Iterable[str],
    scrub: Scrubber,
) -> FlowRecord:
    hidden_set = set(hidden)
    if not hidden_set:
        return record
    shown = [n for n in definition.spec.details if n not in hidden_set]
    return dataclasses.replace(
        record,
        details=_details(definition, shown, variables),
        error=scrub(record.error),
    )


def _definition(work: WorkService, record: WorkItemRecord) -> Definition:
    with work.ctx.read() as conn:
        return work.ctx.program(conn, record.version_id).definition


def _item_view(
    work: WorkService, p: Principal, specs: Specifications, record: WorkItemRecord
) -> ItemView:
    definition = _definition(work, record)
    data = forms.decode(definition, record.work_item, record.data)
    local_decl = definition.work_items[record.work_item]
    hidden_process = specs.hidden(p, definition.variables)
    hidden_local = specs.hidden(p, local_decl)
    visible: dict[str, Any] = {
        **{k: v for k, v in data.get("process", {}).items() if k not in hidden_process},
        **{k: v for k, v in data.get("local", {}).items() if k not in hidden_local},
    }
    secrets = [v for k, v in data.get("process", {}).items() if k in hidden_process]
    secrets += [v for k, v in data.get("local", {}).items() if k in hidden_local]
    scrub = Scrubber(secrets)
    spec = definition.work_item(record.work_item)
    return ItemView(
        id=record.id,
        flow_id=record.flow_id,
        process_name=record.process_name,
        work_item=record.work_item,
        category=record.category,
        status=record.status,
        routing=record.routing,
        workgroup=record.workgroup,
        user=record.user,
        owner=record.owner,
        offered_to=record.offered_to,
        priority=record.priority,
        description=scrub(record.description) or "",
        details=_details(definition, spec.details, visible),
        page=record.page,
        test=record.test,
        due_at=record.due_at,
        created_at=record.created_at,
        queued_at=record.queued_at,
        picked_at=record.picked_at,
    )


def _hidden_keys(
    definition: Definition,
    work_item: str,
    page: Page,
    specs: Specifications,
    p: Principal,
) -> set[str]:
    return {
        b.key
        for b in forms.bindings(definition, work_item, page)
        if not specs.may_see(p, b.variable.decl.security)
    }


def _hidden_choice_sources(
    definition: Definition,
    work_item: str,
    page: Page,
    specs: Specifications,
    p: Principal,
) -> set[str]:
    """Keys of controls whose choices come from a variable ``p`` may not see."""
    scope = definition.scope("work item", work_item)
    found = set()
    for b in forms.bindings(definition, work_item, page):
        source = b.control.choices_from
        if source is None:
            continue
        target = parse_target(source)
        ref = scope.resolve(target.prefix, target.name)
        variable = scope.variable(ref)
        if variable is not None and not specs.may_see(p, variable.decl.security):
            found.add(b.key)
    return found


def _refuse_hidden(
    work: WorkService, p: Principal, item_id: int, changes: Mapping[str, Any]
) -> None:
    if not changes:
        return
    record = work.item(item_id)
    if record.owner != p.user:
        return  # the work item service refuses it with its own message
    definition = _definition(work, record)
    page = forms.page_of(definition.work_item(record.work_item), record.page)
    hidden = _hidden_keys(definition, record.work_item, page, load_specifications(work.ctx), p)
    refused = {key: CANNOT_WRITE for key in changes if key in hidden}
    if refused:
        raise forms.InvalidFields(refused)


__all__ = [
    "CANNOT_WRITE",
    "HIDDEN_TEXT",
    "FlowView",
    "FrameView",
    "ItemView",
    "LaunchInput",
    "NotAllowed",
    "PickedUp",
    "Scrubber",
    "WorkError",
    "guarded_add_note",
    "guarded_cancel",
    "guarded_flow",
    "guarded_hold",
    "guarded_items",
    "guarded_launch",
    "guarded_launch_form",
    "guarded_page",
    "guarded_pick_up",
    "guarded_processes",
    "guarded_publish",
    "guarded_pull",
    "guarded_queue",
    "guarded_retry",
    "guarded_search",
    "guarded_set_active",
    "guarded_skip",
    "guarded_submit",
    "guarded_transfer",
    "reportable_values",
]
