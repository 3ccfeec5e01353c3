"""Request and response bodies of the REST API, apart from the domain's own types.

Responses are built from the guard's views and the stores' records by the
``*_out`` functions below, so a domain change never silently changes the API.
Variable values travel as plain JSON (:func:`openpas.expr.values.to_plain`):
decimals as strings, dates and times in ISO 8601, NOT SET as null.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from openpas.directory.model import AgentState, User, Workgroup
from openpas.expr.values import to_plain
from openpas.monitor import Filter as MonitorFilter
from openpas.monitor import (
    HistoryEntry,
    InteractionRecord,
    ItemSummary,
    MonitorFlowView,
    MonitorResult,
    MonitorRow,
    RelatedFlow,
    SavedFilter,
    Waiting,
)
from openpas.monitor.interactions import MAX_NOTE, MAX_REFERENCE
from openpas.security.guard import FlowView, ItemView
from openpas.store.records import FlowRecord, ProcessRecord, VersionRecord
from openpas.store.security_auth import TokenRecord
from openpas.store.security_rights import GrantRecord, SpecificationRecord
from openpas.work.forms import PageView
from openpas.work.service import QueueReport

NAME = Field(min_length=1, max_length=200)
MAX_ID = 2**63 - 1
"""The largest id a database keeps (64-bit)."""
REASON = Field(default=None, max_length=2000)


class Body(BaseModel):
    """A request body: unknown fields are refused, so a typo is not silently ignored."""

    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------------- sessions and tokens


class SignIn(Body):
    user: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)


class SessionOut(BaseModel):
    user: str
    csrf_token: str = Field(description="Send it in the X-CSRF-Token header of every change.")
    must_change_password: bool


class MeOut(BaseModel):
    user: str
    licence: str
    administrator: bool
    workgroups: list[str]
    roles: list[str]
    must_change_password: bool


class PasswordChange(Body):
    old: str = Field(min_length=1, max_length=1000)
    new: str = Field(min_length=1, max_length=1000)


class TokenCreate(Body):
    name: str = NAME
    expires_in: str = Field(default="30d", max_length=20, description="30d, 12h, 90m, 2w or never.")
    user: str | None = Field(default=None, max_length=100, description="Administrators only.")


class TokenOut(BaseModel):
    id: int
    user: str
    name: str
    created_at: dt.datetime
    created_by: str
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


class TokenCreated(BaseModel):
    id: int
    secret: str = Field(description="Shown this once: 'Authorization: Bearer <secret>'.")


def token_out(t: TokenRecord) -> TokenOut:
    return TokenOut(
        id=t.id,
        user=t.user,
        name=t.name,
        created_at=t.created_at,
        created_by=t.created_by,
        expires_at=t.expires_at,
        revoked_at=t.revoked_at,
        last_used_at=t.last_used_at,
    )


# ---------------------------------------------------------------------- processes


class ProcessOut(BaseModel):
    name: str
    owner: str
    active: bool
    latest_version: int
    created_at: dt.datetime


class VersionOut(BaseModel):
    name: str
    version: int
    published_at: dt.datetime
    published_by: str
    document: str | None = None


class PublishJson(Body):
    document: str = Field(min_length=1, max_length=2_000_000, description="The YAML or JSON text.")
    reason: str | None = REASON


class Activation(Body):
    reason: str | None = REASON


def process_out(p: ProcessRecord) -> ProcessOut:
    return ProcessOut(
        name=p.name,
        owner=p.owner,
        active=p.active,
        latest_version=p.latest_version,
        created_at=p.created_at,
    )


def version_out(v: VersionRecord, with_text: bool = False) -> VersionOut:
    return VersionOut(
        name=v.name,
        version=v.version,
        published_at=v.published_at,
        published_by=v.published_by,
        document=v.text if with_text else None,
    )


# ---------------------------------------------------------------------- flows


class Launch(Body):
    process: str = NAME
    values: dict[str, str] = Field(
        default_factory=dict, description="Input values as text, by variable name."
    )
    mode: Literal["production", "test"] = "production"
    overload: Literal["fail", "queue"] = Field(
        default="fail",
        description=(
            "While the server restores its flows with PAS_blockLaunchDuringRestore on: "
            "'fail' answers 503 at once; 'queue' waits for the restore (up to 60 s) and launches."
        ),
    )


class Launched(BaseModel):
    id: int
    status: str


class FlowOut(BaseModel):
    id: int
    uid: str
    process: str
    version: int
    status: str
    state: str | None
    details: str
    originator: str
    launch_mode: str
    error: str | None
    parent_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    ended_at: dt.datetime | None


class FrameOut(BaseModel):
    kind: str
    name: str
    variables: dict[str, Any]


class HistoryOut(BaseModel):
    at: dt.datetime
    event: str
    place: str
    action: str
    outcome: str
    detail: str | None


class CallOut(BaseModel):
    key: str
    kind: str
    target: str
    status: str
    attempt: int
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    result: str | None
    error: str | None


class FlowDetailsOut(BaseModel):
    flow: FlowOut
    variables: dict[str, Any]
    frames: list[FrameOut]
    hidden: list[str] = Field(description="Variables you may not see: their values are absent.")
    history: list[HistoryOut]
    calls: list[CallOut]
    notes: list[dict[str, Any]]
    completion: dict[str, Any] | None


class Cancel(Body):
    reason: str = Field(min_length=1, max_length=2000)


class Retry(Body):
    reason: str | None = REASON


class Skip(Body):
    exit: str | None = Field(default=None, max_length=200)
    reason: str | None = REASON


class Skipped(BaseModel):
    exit: str


class Note(Body):
    text: str = Field(min_length=1, max_length=10_000)


def plain_values(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: to_plain(value) for name, value in values.items()}


def flow_out(r: FlowRecord) -> FlowOut:
    return FlowOut(
        id=r.id,
        uid=r.uid,
        process=r.process_name,
        version=r.version,
        status=r.status,
        state=r.state,
        details=r.details,
        originator=r.originator,
        launch_mode=r.launch_mode,
        error=r.error,
        parent_id=r.parent_id,
        created_at=r.created_at,
        updated_at=r.updated_at,
        ended_at=r.ended_at,
    )


def flow_details_out(v: FlowView) -> FlowDetailsOut:
    return FlowDetailsOut(
        flow=flow_out(v.record),
        variables=plain_values(v.variables),
        frames=[
            FrameOut(kind=f.kind, name=f.name, variables=plain_values(f.variables))
            for f in v.frames
        ],
        hidden=list(v.hidden),
        history=[
            HistoryOut(
                at=h.at,
                event=h.event,
                place=h.place,
                action=h.action,
                outcome=h.outcome,
                detail=h.detail,
            )
            for h in v.history
        ],
        calls=[
            CallOut(
                key=c.key,
                kind=c.kind,
                target=c.target,
                status=c.status,
                attempt=c.attempt,
                started_at=c.started_at,
                ended_at=c.ended_at,
                result=c.result,
                error=c.error,
            )
            for c in v.calls
        ],
        notes=[{k: _json(x) for k, x in n.items()} for n in v.notes],
        completion={k: _json(x) for k, x in v.completion.items()} if v.completion else None,
    )


def _json(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return to_plain(value) if not isinstance(value, dict | list | float | type(None)) else value


# ---------------------------------------------------------------------- work items


class ItemOut(BaseModel):
    id: int
    flow_id: int
    process: str
    work_item: str
    category: str
    status: str
    routing: str
    workgroup: str | None
    user: str | None
    owner: str | None
    offered_to: list[str]
    priority: int
    description: str
    details: str
    page: str
    test: bool
    due_at: dt.datetime | None
    created_at: dt.datetime
    queued_at: dt.datetime
    picked_at: dt.datetime | None


class PickedUpOut(BaseModel):
    item: ItemOut
    held_because: str | None = None


class FieldOut(BaseModel):
    key: str
    label: str
    type: str
    control: str
    editable: bool
    required: bool
    value: Any
    choices: list[Any] | None
    help: str | None
    secured: str | None
    rules: list[str]


class ButtonOut(BaseModel):
    name: str
    kind: str


class PageOut(BaseModel):
    name: str
    title: str
    number: int
    count: int
    fields: list[FieldOut]
    texts: list[str]
    buttons: list[ButtonOut]


class Command(Body):
    button: str = Field(min_length=1, max_length=200)
    values: dict[str, Any] = Field(default_factory=dict, description="Field values by key.")


class Submitted(BaseModel):
    status: Literal["next page", "completed"]
    item: ItemOut
    page: PageOut | None = None


class Hold(Body):
    values: dict[str, Any] = Field(default_factory=dict)


class Transfer(Body):
    to_user: str | None = Field(default=None, max_length=100)
    to_workgroup: str | None = Field(default=None, max_length=200)


class Pull(Body):
    reason: str | None = REASON


def item_out(v: ItemView) -> ItemOut:
    return ItemOut(
        id=v.id,
        flow_id=v.flow_id,
        process=v.process_name,
        work_item=v.work_item,
        category=v.category,
        status=v.status,
        routing=v.routing,
        workgroup=v.workgroup,
        user=v.user,
        owner=v.owner,
        offered_to=list(v.offered_to),
        priority=v.priority,
        description=v.description,
        details=v.details,
        page=v.page,
        test=v.test,
        due_at=v.due_at,
        created_at=v.created_at,
        queued_at=v.queued_at,
        picked_at=v.picked_at,
    )


def page_out(p: PageView) -> PageOut:
    return PageOut(
        name=p.name,
        title=p.title,
        number=p.number,
        count=p.count,
        fields=[
            FieldOut(
                key=f.key,
                label=f.label,
                type=f.type,
                control=f.control,
                editable=f.editable,
                required=f.required,
                value=to_plain(f.value),
                choices=[to_plain(c) for c in f.choices] if f.choices is not None else None,
                help=f.help,
                secured=f.secured,
                rules=list(f.rules),
            )
            for f in p.fields
        ],
        texts=list(p.texts),
        buttons=[ButtonOut(name=n, kind=k) for n, k in p.buttons],
    )


# ---------------------------------------------------------------------- presence and queues


class StatusOut(BaseModel):
    name: str
    available: bool


class AgentOut(BaseModel):
    user: str
    logged_in: bool
    status: str
    since: dt.datetime


class Login(Body):
    status: str | None = Field(default=None, max_length=100)


class SetStatus(Body):
    status: str = Field(min_length=1, max_length=100)


def agent_out(a: AgentState) -> AgentOut:
    return AgentOut(user=a.user, logged_in=a.logged_in, status=a.status, since=a.since)


class QueueOut(BaseModel):
    workgroup: str
    waiting: int
    offered: int
    longest_wait_seconds: float
    agents_available: int
    agents_busy: int
    agents_away: int
    handled_today: int
    average_handle_seconds: float | None


def queue_out(q: QueueReport) -> QueueOut:
    return QueueOut(
        workgroup=q.workgroup,
        waiting=q.waiting,
        offered=q.offered,
        longest_wait_seconds=q.longest_wait,
        agents_available=q.agents_available,
        agents_busy=q.agents_busy,
        agents_away=q.agents_away,
        handled_today=q.handled_today,
        average_handle_seconds=q.average_handle_seconds,
    )


# ---------------------------------------------------------------------- directory


class UserOut(BaseModel):
    name: str
    display_name: str
    mailbox: str | None
    licence: str
    skills: dict[str, int]
    roles: list[str]
    utilization: int
    administrator: bool


class NewUser(Body):
    name: str = Field(min_length=1, max_length=100)
    display_name: str = Field(default="", max_length=200)
    mailbox: str | None = Field(default=None, max_length=200)
    licence: str = Field(default="none", max_length=20)
    skills: dict[str, int] = Field(default_factory=dict)
    roles: list[str] = Field(default_factory=list)
    utilization: int = Field(default=1, ge=1, le=100)
    reason: str | None = REASON


class WorkgroupOut(BaseModel):
    name: str
    members: list[str]
    supervisors: list[str]
    skills: dict[str, int]
    has_queue: bool
    distribution: str


class NewWorkgroup(Body):
    name: str = NAME
    members: list[str] = Field(default_factory=list)
    supervisors: list[str] = Field(default_factory=list)
    skills: dict[str, int] = Field(default_factory=dict)
    has_queue: bool = True
    reason: str | None = REASON


class NewSkill(Body):
    name: str = NAME
    description: str = Field(default="", max_length=2000)
    reason: str | None = REASON


class SetLicence(Body):
    licence: str = Field(min_length=1, max_length=20)
    reason: str | None = REASON


class SetProficiency(Body):
    proficiency: int = Field(ge=1, le=100)
    reason: str | None = REASON


class Change(Body):
    reason: str | None = REASON


class RoleOut(BaseModel):
    name: str
    members: list[str]


class SkillOut(BaseModel):
    name: str
    description: str


class GrantOut(BaseModel):
    kind: str
    subject: str
    right: str
    process: str
    granted_by: str
    granted_at: dt.datetime


class GrantIn(Body):
    kind: str = Field(min_length=1, max_length=20, description="user, workgroup or role")
    subject: str = Field(min_length=1, max_length=200)
    right: str = Field(min_length=1, max_length=20, description="launch, view or manage")
    process: str = Field(min_length=1, max_length=200, description="A process name or *.")


class Changed(BaseModel):
    changed: bool


class SpecificationOut(BaseModel):
    name: str
    description: str
    users: list[str]
    workgroups: list[str]
    roles: list[str]


class SpecificationIn(Body):
    description: str = Field(default="", max_length=2000)
    users: list[str] = Field(default_factory=list)
    workgroups: list[str] = Field(default_factory=list)
    roles: list[str] = Field(default_factory=list)


def user_out(u: User) -> UserOut:
    return UserOut(
        name=u.name,
        display_name=u.display_name,
        mailbox=u.mailbox,
        licence=u.licence.label,
        skills=dict(u.skills),
        roles=sorted(u.roles),
        utilization=u.utilization,
        administrator=u.administrator,
    )


def workgroup_out(w: Workgroup) -> WorkgroupOut:
    return WorkgroupOut(
        name=w.name,
        members=sorted(w.members),
        supervisors=sorted(w.supervisors),
        skills=dict(w.skills),
        has_queue=w.has_queue,
        distribution=w.distribution,
    )


def grant_out(g: GrantRecord) -> GrantOut:
    return GrantOut(
        kind=g.subject_kind,
        subject=g.subject,
        right=g.right,
        process=g.process,
        granted_by=g.granted_by,
        granted_at=g.granted_at,
    )


def specification_out(s: SpecificationRecord) -> SpecificationOut:
    return SpecificationOut(
        name=s.name,
        description=s.description,
        users=sorted(n for k, n in s.members if k == "user"),
        workgroups=sorted(n for k, n in s.members if k == "workgroup"),
        roles=sorted(n for k, n in s.members if k == "role"),
    )


# ---------------------------------------------------------------------- parameters


class ParameterOut(BaseModel):
    name: str
    value: Any
    default: Any
    unit: str
    description: str


class ParametersOut(BaseModel):
    read_only: bool = Field(
        description="Parameters come from the configuration file and the environment; "
        "change them there and restart the server."
    )
    parameters: list[ParameterOut]


# ---------------------------------------------------------------------- monitor

FlowStatus = Literal[
    "queued",
    "running",
    "waiting",
    "completed",
    "cancelled",
    "error",
    "restored-in-error",
    "propagated-error",
]
WaitKind = Literal["work item", "timer", "call", "subprocess"]


class FilterIn(Body):
    """Which flows to watch: every field given must match (an empty filter matches all)."""

    process: str | None = Field(default=None, max_length=200, description="The process name.")
    version: int | None = Field(default=None, ge=1, le=MAX_ID, description="Its version number.")
    statuses: list[FlowStatus] = Field(
        default_factory=list, max_length=8, description="Any of these statuses."
    )
    state: str | None = Field(default=None, max_length=200, description="The state it is in now.")
    originator: str | None = Field(default=None, max_length=200, description="Who started it.")
    details: str | None = Field(
        default=None,
        max_length=200,
        description="Text its dynamic details contain, ignoring case (as you may see them).",
    )
    waiting_on_user: str | None = Field(
        default=None, max_length=200, description="It waits on a work item this user has."
    )
    waiting_on_workgroup: str | None = Field(
        default=None, max_length=200, description="It waits on a work item of this queue."
    )
    waiting_kind: WaitKind | None = Field(default=None, description="What it waits on.")
    started_from: dt.datetime | None = Field(
        default=None, description="Started at or after this time (with a time zone)."
    )
    started_to: dt.datetime | None = Field(
        default=None, description="Started before this time (with a time zone)."
    )

    def to_filter(self) -> MonitorFilter:
        """The monitor's filter (raises ``InvalidFilter`` naming each bad field)."""
        return MonitorFilter.parse(self.model_dump(exclude_defaults=True))


class FilterOut(BaseModel):
    process: str | None
    version: int | None
    statuses: list[str]
    state: str | None
    originator: str | None
    details: str | None
    waiting_on_user: str | None
    waiting_on_workgroup: str | None
    waiting_kind: str | None
    started_from: dt.datetime | None
    started_to: dt.datetime | None


class SavedFilterOut(BaseModel):
    name: str
    filter: FilterOut
    created_at: dt.datetime
    updated_at: dt.datetime


class WaitingOut(BaseModel):
    kind: str = Field(description="work item, timer, call, subprocess, or repair (in error).")
    on: str = Field(description="Who or what it waits on, in words.")
    since: dt.datetime | None
    user: str | None
    workgroup: str | None
    item_id: int | None
    item_status: str | None
    due: dt.datetime | None
    subprocess_id: int | None


class MonitorRowOut(BaseModel):
    id: int
    process: str
    version: int
    status: str
    state: str | None
    waiting: WaitingOut | None = Field(description="None when running or ended.")
    waited_seconds: float | None
    running_seconds: float
    originator: str
    details: str = Field(description="Without the variables you may not see.")
    error: str | None
    started_at: dt.datetime
    ended_at: dt.datetime | None
    test: bool
    parent_id: int | None


class MonitorResultOut(BaseModel):
    flows: list[MonitorRowOut] = Field(description="Newest first (the first 'limit' of them).")
    total: int = Field(description="How many flows you may view the filter matches.")


class TimedHistoryOut(HistoryOut):
    since_previous_seconds: float | None = Field(description="None for the first entry.")
    since_start_seconds: float
    error: bool


class InteractionOut(BaseModel):
    id: int
    flow_id: int
    kind: str
    reference: str
    note: str | None
    added_by: str
    added_at: dt.datetime


class InteractionIn(Body):
    kind: str = Field(min_length=1, max_length=20, description="call, chat, email or other.")
    reference: str = Field(
        min_length=1,
        max_length=MAX_REFERENCE,
        description="Its reference in the system that handled it (a call id...).",
    )
    note: str | None = Field(default=None, max_length=MAX_NOTE)


class MonitorItemOut(BaseModel):
    id: int
    work_item: str
    status: str
    routing: str
    workgroup: str | None
    user: str | None
    owner: str | None
    offered_to: list[str]
    created_at: dt.datetime
    queued_at: dt.datetime
    picked_at: dt.datetime | None
    completed_at: dt.datetime | None
    completed_by: str | None
    button: str | None


class RelatedFlowOut(BaseModel):
    id: int
    process: str
    version: int
    status: str
    state: str | None


class MonitorFlowOut(BaseModel):
    details: FlowDetailsOut = Field(
        description="As GET /flows/{id}: variables you may not see are absent."
    )
    row: MonitorRowOut
    history: list[TimedHistoryOut]
    errors: list[TimedHistoryOut] = Field(description="The history entries that are errors.")
    interactions: list[InteractionOut]
    work_items: list[MonitorItemOut] = Field(description="Oldest first; no form data.")
    parent: RelatedFlowOut | None = Field(description="None: none, or not yours to view.")
    subprocesses: list[RelatedFlowOut] = Field(description="Those you may view.")
    can_manage: bool = Field(description="You may cancel, retry, skip and remove links.")
    mermaid: str = Field(description="The state diagram; the current state has class current.")
    svg: str = Field(description="The state diagram; the current state has data-current.")


def filter_out(f: MonitorFilter) -> FilterOut:
    return FilterOut(
        process=f.process,
        version=f.version,
        statuses=list(f.statuses),
        state=f.state,
        originator=f.originator,
        details=f.details,
        waiting_on_user=f.waiting_on_user,
        waiting_on_workgroup=f.waiting_on_workgroup,
        waiting_kind=f.waiting_kind,
        started_from=f.started_from,
        started_to=f.started_to,
    )


def saved_filter_out(s: SavedFilter) -> SavedFilterOut:
    return SavedFilterOut(
        name=s.name, filter=filter_out(s.filter), created_at=s.created_at, updated_at=s.updated_at
    )


def waiting_out(w: Waiting) -> WaitingOut:
    return WaitingOut(
        kind=w.kind,
        on=w.on,
        since=w.since,
        user=w.user,
        workgroup=w.workgroup,
        item_id=w.item_id,
        item_status=w.item_status,
        due=w.due,
        subprocess_id=w.subprocess_id,
    )


def monitor_row_out(r: MonitorRow) -> MonitorRowOut:
    return MonitorRowOut(
        id=r.id,
        process=r.process,
        version=r.version,
        status=r.status,
        state=r.state,
        waiting=waiting_out(r.waiting) if r.waiting is not None else None,
        waited_seconds=r.waited_seconds,
        running_seconds=r.running_seconds,
        originator=r.originator,
        details=r.details,
        error=r.error,
        started_at=r.started_at,
        ended_at=r.ended_at,
        test=r.test,
        parent_id=r.parent_id,
    )


def monitor_result_out(r: MonitorResult) -> MonitorResultOut:
    return MonitorResultOut(flows=[monitor_row_out(row) for row in r.flows], total=r.total)


def timed_history_out(h: HistoryEntry) -> TimedHistoryOut:
    e = h.entry
    return TimedHistoryOut(
        at=e.at,
        event=e.event,
        place=e.place,
        action=e.action,
        outcome=e.outcome,
        detail=e.detail,
        since_previous_seconds=h.since_previous,
        since_start_seconds=h.since_start,
        error=h.error,
    )


def interaction_out(i: InteractionRecord) -> InteractionOut:
    return InteractionOut(
        id=i.id,
        flow_id=i.flow_id,
        kind=i.kind,
        reference=i.reference,
        note=i.note,
        added_by=i.added_by,
        added_at=i.added_at,
    )


def monitor_item_out(i: ItemSummary) -> MonitorItemOut:
    return MonitorItemOut(
        id=i.id,
        work_item=i.work_item,
        status=i.status,
        routing=i.routing,
        workgroup=i.workgroup,
        user=i.user,
        owner=i.owner,
        offered_to=list(i.offered_to),
        created_at=i.created_at,
        queued_at=i.queued_at,
        picked_at=i.picked_at,
        completed_at=i.completed_at,
        completed_by=i.completed_by,
        button=i.button,
    )


def related_flow_out(r: RelatedFlow) -> RelatedFlowOut:
    return RelatedFlowOut(
        id=r.id, process=r.process, version=r.version, status=r.status, state=r.state
    )


def monitor_flow_out(v: MonitorFlowView) -> MonitorFlowOut:
    return MonitorFlowOut(
        details=flow_details_out(v.flow),
        row=monitor_row_out(v.row),
        history=[timed_history_out(h) for h in v.history],
        errors=[timed_history_out(h) for h in v.errors],
        interactions=[interaction_out(i) for i in v.interactions],
        work_items=[monitor_item_out(i) for i in v.work_items],
        parent=related_flow_out(v.parent) if v.parent is not None else None,
        subprocesses=[related_flow_out(k) for k in v.subprocesses],
        can_manage=v.can_manage,
        mermaid=v.mermaid,
        svg=v.svg,
    )
