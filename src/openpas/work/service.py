"""Work items as people handle them: open, offer, pick up, hold, transfer, submit.

The reference's rules hold here: one owner at a time; closing or logging off
holds; holding keeps only valid values; transfer only from New, ACD - Wait
Agent or Held, to a licensed user or a workgroup with a licensed member; a
supervisor may pull an item someone is working on; a submitted page is
validated by the server, which answers with every invalid field and why; in a
test launch every item goes to the user who launched the test.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from openpas.directory.errors import NotFound as DirectoryNotFound
from openpas.directory.model import Directory, Licence
from openpas.engine import interpreter
from openpas.engine import position as positions
from openpas.engine.effects import OpenWorkItem
from openpas.engine.pages import run_button_actions
from openpas.engine.position import Position
from openpas.engine.program import Program
from openpas.errors import FlowError, OpenpasError
from openpas.events import Bus
from openpas.expr import values
from openpas.expr.values import NOT_SET
from openpas.model.actions.sending import FAILURE, TIMEOUT
from openpas.routing.decisions import Decision
from openpas.routing.errors import RoutingError
from openpas.routing.model import QueueStats
from openpas.security import audit
from openpas.service.context import Context
from openpas.service.steps import after_status_change, change_of, facts_of
from openpas.store import directory as directory_store
from openpas.store import flows, work
from openpas.store.records import FlowRecord, WorkItemRecord
from openpas.work import forms
from openpas.work.dispatch import WAIT_AGENT, Dispatcher, item_of

TRANSFERABLE = ("new", WAIT_AGENT, "held")


class WorkError(OpenpasError):
    """The work item cannot do that now."""


@dataclass(frozen=True)
class QueueReport:
    """What a supervisor sees of a workgroup's queue."""

    workgroup: str
    waiting: int
    offered: int
    longest_wait: float
    agents_available: int
    agents_busy: int
    agents_away: int
    handled_today: int
    average_handle_seconds: float | None


class WorkService:
    """The work items of one server: every operation is one transaction, then routing."""

    def __init__(self, ctx: Context, bus: Bus, people: Callable[[], Directory]) -> None:
        self.ctx = ctx
        self.bus = bus
        self.people = people
        self.dispatcher = Dispatcher(ctx, bus, people)
        self._lock = threading.RLock()
        self._tx_directory: tuple[Any, Directory] | None = None
        self._seen: tuple[Any, ...] | None = None
        """The rows' fingerprint the router agrees with (None: rebuild at the next sweep)."""

    def start(self) -> None:
        """Build the router from the rows (after a start, or in a command of its own)."""
        with self._lock:
            self.dispatcher.rebuild()
            with self.ctx.read() as conn:
                self._seen = work.fingerprint(conn)

    def resync(self) -> bool:
        """Rebuild the router when another process changed the rows under it; whether it did.

        Several processes may work on one database (the engine, commands, a second
        node): each changes rows and its own router only. Every change this service
        makes itself moves the remembered fingerprint along with it, so a different
        fingerprint means someone else changed the work items or the presence of
        agents, and the router is rebuilt from the rows (which changes nothing when
        they agree).
        """
        with self._lock:
            with self.ctx.read() as conn:
                now_seen = work.fingerprint(conn)
            if now_seen == self._seen:
                return False
            self.start()
            return True

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Connection]:
        """One transaction of this service, followed by the fingerprint when nobody else
        wrote in between (otherwise the next sweep rebuilds)."""
        with self._lock, self.ctx.db.begin() as conn:
            before = work.fingerprint(conn)
            yield conn
            after = work.fingerprint(conn)
            if before == self._seen:
                self._seen = after

    # ------------------------------------------------------------------ from the engine

    def open(
        self,
        conn: Connection,
        flow: FlowRecord,
        program: Program,
        position: Position,
        effect: OpenWorkItem,
        now: dt.datetime,
    ) -> int | None:
        """Create the item in the flow's transaction; None (and the flow takes its
        failure exit) when it cannot be delivered."""
        directory = self._directory_in(conn)
        definition = program.definition
        spec = definition.work_item(effect.work_item)
        routing, target = effect.routing, effect.target
        if flow.launch_mode == "test":
            routing, target = "user", flow.originator  # a test's items go to its launcher
        reason = self._undeliverable(directory, routing, target)
        if reason is not None:
            event = {"exit": FAILURE}
            interpreter.deliver(program, position, facts_of(flow), now, effect.key, event)
            position.error = None
            return None
        data = {
            "process": dict(effect.values.get("process", {})),
            "local": dict(effect.values.get("local", {})),
        }
        done_by = work.finished_by(
            conn, flow.id, [*effect.exclude, *([effect.prefer] if effect.prefer else [])]
        )
        escalation = None
        escalate_at = None
        if effect.escalate is not None:
            escalate_at = now + dt.timedelta(seconds=effect.escalate.after)
            escalation = {
                "workgroup": effect.escalate.workgroup,
                "supervisors": effect.escalate.supervisors,
            }
        details = " · ".join(
            values.format_value(_value(data, name))
            for name in spec.details
            if _value(data, name) is not NOT_SET
        )
        row = {
            "flow_id": flow.id,
            "wait_key": effect.key,
            "version_id": flow.version_id,
            "process_name": flow.process_name,
            "work_item": effect.work_item,
            "category": spec.category,
            "routing": routing,
            "workgroup": target if routing == "workgroup" else None,
            "user": target if routing == "user" else None,
            "status": WAIT_AGENT if routing == "workgroup" else "new",
            "owner": None,
            "offered_to": [target] if routing == "user" else [],
            "offer_expires_at": None,
            "priority": effect.priority,
            "description": effect.description[:1000],
            "details": details[:1000],
            "due_at": effect.due,
            "timeout_at": effect.timeout_at,
            "escalate_at": escalate_at,
            "escalation": escalation,
            "skills": dict(effect.skills),
            "options": {
                "offer_timeout": effect.offer_timeout,
                "offer_to": effect.offer_to,
                "allocate": effect.allocate,
                "excluded": sorted(done_by[n] for n in effect.exclude if n in done_by),
                "preferred": done_by.get(effect.prefer) if effect.prefer else None,
            },
            "page": spec.pages[0].name or "",
            "data": forms.encode(definition, effect.work_item, data),
            "test": flow.launch_mode == "test",
            "created_at": now,
            "queued_at": now,
        }
        with self._lock:
            before = work.fingerprint(conn)
            item_id = work.insert_item(conn, row)
            work.add_event(conn, item_id, now, "created", target)
            if before == self._seen:
                self._seen = work.fingerprint(conn)
        return item_id

    def _directory_in(self, conn: Connection) -> Directory:
        """The directory as this transaction sees it, read once per transaction (a step
        of many flows opens many items)."""
        transaction = conn.get_transaction()
        cached = self._tx_directory
        if cached is not None and cached[0] is transaction:
            return cached[1]
        directory = directory_store.load(conn)  # in this transaction: no second connection
        self._tx_directory = (transaction, directory)
        return directory

    @staticmethod
    def _undeliverable(directory: Directory, routing: str, target: str) -> str | None:
        try:
            if routing == "user":
                user = directory.user(target)
                if user.licence < Licence.DIRECT:
                    return f"{target} has no licence for work items"
                return None
            group = directory.workgroup(target)
        except DirectoryNotFound as exc:
            return exc.message
        if not group.has_queue:
            return f"the workgroup {target!r} has no queue"
        if not directory.licensed_members(target, Licence.GROUP):
            return f"the workgroup {target!r} has no member licensed for workgroup items"
        return None

    def opened(self, item_id: int) -> None:
        """After the flow's commit: route the new item at once."""
        self.opened_many([item_id])

    def opened_many(self, item_ids: list[int]) -> None:
        """After a step's commit: route all the items it opened, in one transaction."""
        if not item_ids:
            return
        now = self.ctx.clock()
        direct: list[WorkItemRecord] = []
        queues: set[str] = set()
        with self._writing() as conn:
            for item_id in item_ids:
                record = work.get(conn, item_id)
                if record is None:
                    continue
                if record.routing == "workgroup":
                    decided = self.dispatcher.router.enqueue(item_of(record), now)
                    self.dispatcher.apply(conn, decided, now)
                    queues.add(record.workgroup or "")
                else:
                    direct.append(record)
        for record in direct:
            self.bus.publish("work item", "offered", {"id": record.id}, {record.user or ""})
        for workgroup in sorted(queues - {""}):
            self.bus.publish("queue", "changed", {"workgroup": workgroup})

    def cancel_items_of(self, conn: Connection, flow_id: int, now: dt.datetime) -> None:
        """The flow was cancelled: its open items are cancelled too (in its transaction)."""
        with self._lock:
            before = work.fingerprint(conn)
            for record in work.of_flow(conn, flow_id):
                if record.status in work.OPEN:
                    self._change(
                        conn,
                        record,
                        status="cancelled",
                        completed_at=now,
                        offered_to=[],
                        offer_expires_at=None,
                    )
                    work.add_event(
                        conn, record.id, now, "cancelled", None, "the flow was cancelled"
                    )
                    if record.routing == "workgroup":
                        self.dispatcher.apply(conn, self.dispatcher.forget(record.id), now)
            if before == self._seen:
                self._seen = work.fingerprint(conn)

    # ------------------------------------------------------------------ people

    def my_items(self, user: str) -> list[WorkItemRecord]:
        with self.ctx.read() as conn:
            return work.of_user(conn, user)

    def item(self, item_id: int) -> WorkItemRecord:
        with self.ctx.read() as conn:
            record = work.get(conn, item_id)
        if record is None:
            raise WorkError(f"there is no work item #{item_id}")
        return record

    def pick_up(self, user: str, item_id: int) -> WorkItemRecord:
        """Take an item offered to ``user`` (New), or resume one ``user`` holds."""
        now = self.ctx.clock()
        with self._writing() as conn:
            record = self._get(conn, item_id)
            if record.status == "held" and record.owner == user:
                self._change(conn, record, status="in-progress", picked_at=now)
                work.add_event(conn, item_id, now, "resumed", user)
                self._own(conn, record, user, now)
            elif record.status == "new" and user in record.offered_to:
                self._change(
                    conn,
                    record,
                    status="in-progress",
                    owner=user,
                    offered_to=[],
                    offer_expires_at=None,
                    picked_at=now,
                )
                work.add_event(conn, item_id, now, "picked-up", user)
                if record.routing == "workgroup":
                    decided = self.dispatcher.router.accept(item_id, user, now)
                    self.dispatcher.apply(conn, decided, now)
            elif record.status == "in-progress" and record.owner == user:
                return record
            else:
                raise WorkError(self._not_yours(record, user, "pick up"))
            result = self._get(conn, item_id)
        self._published("picked-up", result, user)
        return result

    def hold(self, user: str, item_id: int, changes: Mapping[str, Any] | None = None) -> None:
        """Close without finishing: valid changed values are kept, invalid ones are not."""
        now = self.ctx.clock()
        with self._writing() as conn:
            record = self._get(conn, item_id)
            if record.status != "in-progress" or record.owner != user:
                raise WorkError(self._not_yours(record, user, "hold"))
            self._hold(conn, record, user, changes or {}, now)
        self._published("held", record, user)

    def _hold(
        self,
        conn: Connection,
        record: WorkItemRecord,
        user: str,
        changes: Mapping[str, Any],
        now: dt.datetime,
    ) -> None:
        definition = self.ctx.program(conn, record.version_id).definition
        data = forms.decode(definition, record.work_item, record.data)
        kept, _invalid = forms.apply(
            definition, record.work_item, record.page, data, changes, strict=False
        )
        self._change(
            conn, record, status="held", data=forms.encode(definition, record.work_item, kept)
        )
        work.add_event(conn, record.id, now, "held", user)
        if record.routing == "workgroup":
            decided = self.dispatcher.release(user, record.id, now)
            self.dispatcher.apply(conn, decided, now)

    def logout(self, user: str) -> int:
        """Hold every item ``user`` works on (logging off holds); how many."""
        now = self.ctx.clock()
        held = 0
        with self._writing() as conn:
            for record in work.of_user(conn, user):
                if record.status == "in-progress" and record.owner == user:
                    self._hold(conn, record, user, {}, now)
                    held += 1
        return held

    def transfer(
        self,
        actor: str,
        item_id: int,
        *,
        to_user: str | None = None,
        to_workgroup: str | None = None,
        reason: str | None = None,
    ) -> WorkItemRecord:
        """Move an item (New, ACD - Wait Agent or Held) to a user or a workgroup.

        A supervisor moving an item that is not theirs is recorded in the audit log.
        """
        if (to_user is None) == (to_workgroup is None):
            raise WorkError("transfer to a user or to a workgroup")
        now = self.ctx.clock()
        directory = self.people()
        with self._writing() as conn:
            record = self._get(conn, item_id)
            if record.status not in TRANSFERABLE:
                raise WorkError(
                    f"work item #{item_id} is {record.status}; only new, waiting or held "
                    "items can be transferred"
                )
            involved = {record.owner, *record.offered_to} - {None}
            if actor not in involved and not self._supervises(directory, actor, record):
                raise WorkError(f"{actor} neither has work item #{item_id} nor supervises it")
            if actor not in involved:
                audit.record(
                    conn,
                    actor,
                    "work.transfer",
                    f"work item #{item_id}",
                    reason,
                    {"from": record.owner or record.workgroup, "to": to_user or to_workgroup},
                    at=now,
                )
            problem = self._undeliverable(
                directory, "user" if to_user else "workgroup", to_user or to_workgroup or ""
            )
            if problem is not None:
                raise WorkError(f"cannot transfer: {problem}")
            router = self.dispatcher.router
            if record.routing == "workgroup":
                # Withdraw its offers first: the item may go to one of those agents.
                self.dispatcher.apply(conn, self.dispatcher.forget(item_id), now)
                record = self._get(conn, item_id)
            decided: list[Decision] = []
            if to_user is not None:
                self._change(
                    conn,
                    record,
                    status="new",
                    routing="user",
                    user=to_user,
                    owner=None,
                    offered_to=[to_user],
                    offer_expires_at=None,
                    workgroup=record.workgroup,
                )
                work.add_event(conn, item_id, now, "transferred", actor, f"to {to_user}")
                self.dispatcher.apply(conn, decided, now)
            else:
                self._change(
                    conn,
                    record,
                    status=WAIT_AGENT,
                    routing="workgroup",
                    workgroup=to_workgroup,
                    user=None,
                    owner=None,
                    offered_to=[],
                    offer_expires_at=None,
                    queued_at=now,
                )
                work.add_event(conn, item_id, now, "transferred", actor, f"to {to_workgroup}")
                moved = self._get(conn, item_id)
                decided += router.enqueue(item_of(moved), now)
                self.dispatcher.apply(conn, decided, now)
            result = self._get(conn, item_id)
        self._published("transferred", result, actor, {to_user} if to_user else set())
        return result

    def pull(self, supervisor: str, item_id: int, *, reason: str | None = None) -> WorkItemRecord:
        """A supervisor takes an item someone is working on (their unsaved data is lost;
        audited)."""
        now = self.ctx.clock()
        directory = self.people()
        with self._writing() as conn:
            record = self._get(conn, item_id)
            if not self._supervises(directory, supervisor, record):
                raise WorkError(f"{supervisor} does not supervise work item #{item_id}")
            if record.status != "in-progress" or record.owner == supervisor:
                raise WorkError(f"work item #{item_id} is {record.status}; nothing to pull")
            previous = record.owner
            self._change(conn, record, owner=supervisor, picked_at=now)
            work.add_event(conn, item_id, now, "pulled", supervisor, f"from {previous}")
            audit.record(
                conn,
                supervisor,
                "work.pull",
                f"work item #{item_id}",
                reason,
                {"from": previous},
                at=now,
            )
            if record.routing == "workgroup" and previous:
                decided = self.dispatcher.release(previous, item_id, now)
                self.dispatcher.apply(conn, decided, now)
                self._own(conn, record, supervisor, now)
            result = self._get(conn, item_id)
        self._published("pulled", result, supervisor, {previous} if previous else set())
        return result

    def _own(self, conn: Connection, record: WorkItemRecord, user: str, now: dt.datetime) -> None:
        """An agent works on a workgroup item again: it counts toward their load (as it
        does after a rebuild, which owns every item in progress)."""
        if record.routing != "workgroup" or user not in self.dispatcher.router.agents():
            return
        if record.id in self.dispatcher.router:
            return
        self.dispatcher.apply(conn, self.dispatcher.router.own(item_of(record), user), now)

    @staticmethod
    def _supervises(directory: Directory, user: str, record: WorkItemRecord) -> bool:
        if record.workgroup is None or record.workgroup not in directory.workgroups:
            return False
        return user in directory.workgroup(record.workgroup).supervisors

    # ------------------------------------------------------------------ pages

    def page(self, user: str, item_id: int) -> forms.PageView:
        """The current page of an item ``user`` works on, with its values."""
        with self.ctx.read() as conn:
            record = self._get(conn, item_id)
            if record.status != "in-progress" or record.owner != user:
                raise WorkError(self._not_yours(record, user, "open"))
            definition = self.ctx.program(conn, record.version_id).definition
        data = forms.decode(definition, record.work_item, record.data)
        return forms.view(definition, record.work_item, record.page, data)

    def submit(
        self, user: str, item_id: int, button: str, changes: Mapping[str, Any] | None = None
    ) -> WorkItemRecord:
        """Press a button of the current page.

        A submit button checks the page (raising :class:`forms.InvalidFields` with
        every invalid field and changing nothing); a button with a next page runs
        its actions and moves there; any other button finishes the item and the
        flow continues on that exit.
        """
        now = self.ctx.clock()
        with self._writing() as conn:
            record = self._get(conn, item_id)
            if record.status != "in-progress" or record.owner != user:
                raise WorkError(self._not_yours(record, user, "submit"))
            program = self.ctx.program(conn, record.version_id)
            definition = program.definition
            spec = definition.work_item(record.work_item)
            page = forms.page_of(spec, record.page)
            pressed = forms.button_of(page, button)
            data = forms.decode(definition, record.work_item, record.data)
            if not forms.is_cancel(pressed):
                data, invalid = forms.apply(
                    definition, record.work_item, record.page, data, changes or {}, strict=True
                )
                if invalid:
                    raise forms.InvalidFields(invalid)
            if pressed.next_page is not None:
                if pressed.actions:
                    flow = flows.get(conn, record.flow_id)
                    assert flow is not None
                    page_index = spec.pages.index(page)
                    button_index = page.buttons.index(pressed)
                    try:
                        data = run_button_actions(
                            program,
                            record.work_item,
                            page_index,
                            button_index,
                            data,
                            facts_of(flow),
                            now,
                        )
                    except FlowError as exc:
                        raise WorkError(f"the button {button!r} failed: {exc.message}") from None
                self._change(
                    conn,
                    record,
                    page=pressed.next_page,
                    data=forms.encode(definition, record.work_item, data),
                )
                work.add_event(conn, item_id, now, "page", user, pressed.next_page)
                result = self._get(conn, item_id)
                kind = "page"
            else:
                keep = {} if forms.is_cancel(pressed) else data
                self._finish(conn, record, button, user, keep, now)
                result = self._get(conn, item_id)
                kind = "completed"
        self._published(kind, result, user)
        return result

    def _finish(
        self,
        conn: Connection,
        record: WorkItemRecord,
        exit_name: str,
        user: str | None,
        data: Mapping[str, Any],
        now: dt.datetime,
    ) -> None:
        status = "completed" if exit_name not in (TIMEOUT, FAILURE) else "cancelled"
        self._change(
            conn,
            record,
            status=status,
            button=exit_name,
            completed_at=now,
            completed_by=user,
            offered_to=[],
            offer_expires_at=None,
        )
        work.add_event(conn, record.id, now, status, user, exit_name)
        if record.routing == "workgroup":
            self.dispatcher.apply(conn, self.dispatcher.forget(record.id), now)
        found = flows.get_with_position(conn, record.flow_id)
        if found is None:
            return
        flow, stored = found
        program = self.ctx.program(conn, flow.version_id)
        position = positions.load(stored, program.definition)
        event = {"exit": exit_name, "values": dict(data)}
        delivered = interpreter.deliver(
            program, position, facts_of(flow), now, record.wait_key, event
        )
        if delivered and flows.save(conn, flow, change_of(program, position), now):
            after_status_change(self.ctx, conn, flow, program, position, now)

    # ------------------------------------------------------------------ time

    def sweep(self) -> int:
        """Expire offers, escalate, and time out items whose time has come; how many.

        First the router is rebuilt if another process changed the rows under it.
        """
        self.resync()
        now = self.ctx.clock()
        count = 0
        with self._writing() as conn:
            for record in work.due(conn, now):
                if record.timeout_at is not None and record.timeout_at <= now:
                    self._finish(conn, record, TIMEOUT, None, {}, now)
                    count += 1
                    continue
                if record.offer_expires_at is not None and record.offer_expires_at <= now:
                    self._expire_offers(conn, record, now)
                    record = self._get(conn, record.id)
                    count += 1
                if record.escalate_at is not None and record.escalate_at <= now:
                    if record.status in (WAIT_AGENT, "new"):
                        self._escalate(conn, record, now)
                    else:
                        # Someone picked it up in time: escalation no longer applies.
                        self._change(conn, record, escalate_at=None)
                    count += 1
        return count

    def _expire_offers(self, conn: Connection, record: WorkItemRecord, now: dt.datetime) -> None:
        """Offers not picked up in time go to the next eligible agents."""
        router = self.dispatcher.router
        if record.routing != "workgroup":
            self._change(conn, record, offer_expires_at=None)
            return
        for agent in record.offered_to:
            current = self._get(conn, record.id)
            remaining = [a for a in current.offered_to if a != agent]
            # The row drops the offer first: the router's next decision may offer it anew.
            self._change(
                conn,
                current,
                offered_to=remaining,
                status="new" if remaining else WAIT_AGENT,
                offer_expires_at=current.offer_expires_at if remaining else None,
            )
            work.add_event(conn, record.id, now, "offer-expired", agent)
            self.bus.publish(
                "work item", "revoked", {"id": record.id, "flow": record.flow_id}, {agent}
            )
            try:
                decided = router.offer_timeout(record.id, agent, now)
            except RoutingError:
                decided = []  # the router had already moved on (rebuilt from other rows)
            self.dispatcher.apply(conn, decided, now)

    def _escalate(self, conn: Connection, record: WorkItemRecord, now: dt.datetime) -> None:
        escalation = record.escalation or {}
        router = self.dispatcher.router
        decided = self.dispatcher.forget(record.id)
        target = escalation.get("workgroup")
        if target:
            self._change(
                conn,
                record,
                workgroup=target,
                status=WAIT_AGENT,
                offered_to=[],
                offer_expires_at=None,
                escalate_at=None,
            )
            moved = self._get(conn, record.id)
            decided += router.enqueue(item_of(moved), now)
            work.add_event(conn, record.id, now, "escalated", None, f"to {target}")
        else:
            directory = self.people()
            supervisors = sorted(directory.workgroup(record.workgroup or "").supervisors)
            self._change(
                conn,
                record,
                routing="user",
                status="new",
                offered_to=supervisors,
                offer_expires_at=None,
                escalate_at=None,
            )
            work.add_event(conn, record.id, now, "escalated", None, "to the supervisors")
        self.dispatcher.apply(conn, decided, now)

    # ------------------------------------------------------------------ supervisors

    def queue(self, workgroup: str) -> QueueReport:
        now = self.ctx.clock()
        with self._lock:
            stats: QueueStats = self.dispatcher.router.stats(workgroup, now)
        midnight = now.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        with self.ctx.read() as conn:
            handled, average = work.handled_since(conn, workgroup, midnight)
        return QueueReport(
            workgroup,
            stats.waiting,
            stats.offered,
            stats.longest_wait,
            stats.available,
            stats.busy,
            stats.away,
            handled,
            average,
        )

    def people_changed(self, users: list[str] | None = None) -> None:
        """The directory changed (presence, login, skills, membership): route at once."""
        with self._lock:
            self.dispatcher.sync_people(users)

    # ------------------------------------------------------------------ helpers

    def _get(self, conn: Connection, item_id: int) -> WorkItemRecord:
        record = work.get(conn, item_id)
        if record is None:
            raise WorkError(f"there is no work item #{item_id}")
        return record

    def _change(self, conn: Connection, record: WorkItemRecord, **values_: Any) -> None:
        if not work.change(conn, record, **values_):
            raise WorkError(f"work item #{record.id} changed meanwhile; look at it again")

    @staticmethod
    def _not_yours(record: WorkItemRecord, user: str, what: str) -> str:
        holder = record.owner or ", ".join(record.offered_to) or record.workgroup or "nobody"
        return f"{user} cannot {what} work item #{record.id}: it is {record.status}" + (
            f" ({holder})" if holder else ""
        )

    def _published(
        self, kind: str, record: WorkItemRecord, user: str, others: set[str] | None = None
    ) -> None:
        audience = {user, *(others or set())} - {""}
        self.bus.publish(
            "work item",
            kind,
            {"id": record.id, "status": record.status, "flow": record.flow_id},
            audience,
        )
        if record.workgroup:
            self.bus.publish("queue", "changed", {"workgroup": record.workgroup})


def _value(data: Mapping[str, Mapping[str, Any]], name: str) -> Any:
    local = data.get("local", {})
    if name in local:
        return local[name]
    return data.get("process", {}).get(name, NOT_SET)
