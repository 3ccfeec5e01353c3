"""The process monitor on SQLite and PostgreSQL: filters, the limit, what flows wait on,
one flow's details, related interactions, saved filters and queues.

The world is the security tests' (``security_world``): Secure Loan flows wait on
olga's work item and hide SSN and Income (Personal Data: mia only). mona has the
monitor licence and supervises Officers; desi (designer) has no grant; rory
(group) views every process through a role but has no monitor licence.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from openpas import monitor
from openpas.config import settings_from
from openpas.monitor import Filter, FilterTooLoose, InvalidFilter, InvalidInteraction
from openpas.security import audit, guard, specifications
from openpas.security.rights import NotAllowed
from openpas.security.specifications import Members
from openpas.service import flows
from openpas.service.context import Context
from openpas.service.handlers import Handlers
from openpas.service.runner import Runner

from .conftest import T0, Clock
from .security_world import SSN, SecureWorld, build_secure_world
from .support import publish

TIMED = """\
process: Timed
start: Pause
details: [Tag]
inputs:
  Tag: {type: string, initial: plain}
states:
  Pause:
    actions:
      - wait: 1h
      - change state: Done
  Done:
    actions:
      - end process
"""

PARENT = """\
process: Parent
start: Spawn
states:
  Spawn:
    actions:
      - run process: {process: Timed, inputs: {Tag: ="child"}}
      - end process
"""

CALLER = """\
process: Caller
start: Ask
variables:
  Score: integer
states:
  Ask:
    actions:
      - run handler:
          handler: slow
          parameters: {n: "=1"}
          results: {score: Score}
          exits:
            failure: [end process]
            timeout: [end process]
      - end process
"""

QUEUED = """\
process: Queued
start: Wait
inputs:
  Name: {type: string, initial: q}
states:
  Wait:
    actions:
      - send work item to workgroup:
          work item: Form
          workgroup: Officers
          exits: {Done: [end process], failure: [end process]}
work items:
  Form:
    details: [Name]
    pages:
      - controls: [{field: Name}]
        buttons: [{Done: submit}]
"""


@pytest.fixture
def world(
    ctx: Context, runner: Runner, tmp_path: Path, handlers: Handlers
) -> Iterator[SecureWorld]:
    release = threading.Event()
    handlers.register("slow", lambda n: {"score": 1} if release.wait(10) else {})
    built = build_secure_world(ctx, runner, tmp_path)
    for document in (TIMED, PARENT, CALLER, QUEUED):
        publish(ctx, document)
    built.grant("user", "mona", "view")
    built.grant("user", "mona", "manage")
    built.grant("role", "Viewers", "view")
    yield built
    release.set()


def ids(world: SecureWorld, user: str, **fields: object) -> list[int]:
    return [row.id for row in monitor.matching(world.ctx, world.who(user), Filter(**fields)).flows]


def timed(world: SecureWorld, by: str = "dora", tag: str = "plain") -> int:
    flow_id = flows.launch(world.ctx, "Timed", {"Tag": tag}, originator=by)
    world.runner.run_until_idle()
    return flow_id


# ---------------------------------------------------------------------- each filter field


def test_process_version_status_state_and_originator(world: SecureWorld, clock: Clock) -> None:
    first = timed(world)
    loan = world.launch()
    publish(world.ctx, TIMED.replace("initial: plain", "initial: second"))
    second = timed(world, by="desi")
    assert ids(world, "mona", process="Timed") == [second, first]
    assert ids(world, "mona", process="Timed", version=2) == [second]
    assert ids(world, "mona", originator="desi") == [second]
    assert ids(world, "mona", state="Review") == [loan]
    assert ids(world, "mona", statuses=["waiting"], process="Secure Loan") == [loan]
    assert ids(world, "mona", statuses=["completed", "error"]) == []
    clock.advance(hours=1, seconds=1)
    world.runner.run_until_idle()
    assert ids(world, "mona", statuses=["completed"]) == [second, first]
    assert ids(world, "mona", state="Done") == [second, first]


def test_details_contain_text_ignoring_case_but_never_a_hidden_value(world: SecureWorld) -> None:
    loan = world.launch()
    other = timed(world, tag="Leeway")
    assert ids(world, "mona", details="LEE") == [other, loan]
    assert ids(world, "mona", details="way") == [other]
    # SSN is in the stored details, but mona may not see it: no match, and not shown.
    assert ids(world, "mona", details=SSN[:12]) == []
    [row] = monitor.matching(world.ctx, world.who("mona"), Filter(process="Secure Loan")).flows
    assert row.details == "Lee"
    # A member of Personal Data finds the flow by it.
    specifications.set_members(
        world.ctx, world.who("root"), "Personal Data", Members.of(users=["mia", "mona"])
    )
    assert ids(world, "mona", details=SSN[:12].lower()) == [loan]
    [row] = monitor.matching(world.ctx, world.who("mona"), Filter(process="Secure Loan")).flows
    assert row.details == f"Lee · {SSN}"


def test_a_percent_sign_is_text_not_a_wildcard(world: SecureWorld) -> None:
    timed(world, tag="100% sure")
    timed(world, tag="100 sure")
    assert len(ids(world, "mona", details="0% s")) == 1
    assert len(ids(world, "mona", details="_")) == 0


def test_waiting_on_a_user_then_since_the_pick_up(world: SecureWorld, clock: Clock) -> None:
    loan = world.launch(reviewer="olga")
    timed(world)
    assert ids(world, "mona", waiting_on_user="olga") == [loan]
    assert ids(world, "mona", waiting_on_user="wade") == []
    assert ids(world, "mona", waiting_kind="work item") == [loan]
    clock.advance(minutes=5)
    [row] = monitor.matching(world.ctx, world.who("mona"), Filter(waiting_on_user="olga")).flows
    assert row.waiting is not None
    assert (row.waiting.kind, row.waiting.on, row.waiting.user) == ("work item", "olga", "olga")
    assert (row.waiting.since, row.waited_seconds, row.running_seconds) == (T0, 300.0, 300.0)
    olga = world.who("olga")
    [item] = guard.guarded_items(world.work, olga)
    guard.guarded_pick_up(world.work, olga, item.id)
    clock.advance(minutes=2)
    [row] = monitor.matching(world.ctx, world.who("mona"), Filter(waiting_on_user="olga")).flows
    assert row.waiting is not None
    assert row.waiting.item_status == "in-progress"
    assert (row.waiting.since, row.waited_seconds) == (T0 + dt.timedelta(minutes=5), 120.0)


def test_waiting_on_a_workgroup(world: SecureWorld) -> None:
    queued = flows.launch(world.ctx, "Queued", originator="dora")
    world.runner.run_until_idle()
    world.launch()  # waits on olga's item, sent to her as a user
    assert ids(world, "mona", waiting_on_workgroup="Officers") == [queued]
    assert ids(world, "mona", waiting_on_workgroup="Elsewhere") == []
    [row] = monitor.matching(
        world.ctx, world.who("mona"), Filter(waiting_on_workgroup="Officers")
    ).flows
    assert row.waiting is not None
    assert (row.waiting.kind, row.waiting.workgroup) == ("work item", "Officers")


def test_waiting_on_a_timer_a_subprocess_and_a_call(world: SecureWorld, clock: Clock) -> None:
    alone = timed(world)
    parent = flows.launch(world.ctx, "Parent", originator="dora")
    world.runner.run_until_idle()
    caller = flows.launch(world.ctx, "Caller", originator="dora")
    world.runner.step()  # the call is in flight: the handler waits for the test's end
    clock.advance(minutes=1)
    child = ids(world, "mona", process="Timed", originator="dora")
    assert alone in child and len(child) == 2
    [kid] = [i for i in child if i != alone]
    assert set(ids(world, "mona", waiting_kind="timer")) == {alone, kid}
    assert ids(world, "mona", waiting_kind="subprocess") == [parent]
    assert ids(world, "mona", waiting_kind="call") == [caller]
    rows = {r.id: r for r in monitor.matching(world.ctx, world.who("mona"), Filter()).flows}
    timer = rows[alone].waiting
    assert timer is not None and timer.kind == "timer"
    assert timer.due == T0 + dt.timedelta(hours=1)
    assert rows[alone].waited_seconds == 60.0
    sub = rows[parent].waiting
    assert sub is not None and (sub.kind, sub.subprocess_id) == ("subprocess", kid)
    call = rows[caller].waiting
    assert call is not None and (call.kind, call.on) == ("call", "slow")
    assert rows[kid].parent_id == parent


def test_started_between(world: SecureWorld, clock: Clock) -> None:
    early = timed(world)
    clock.advance(hours=2)
    middle = timed(world)
    clock.advance(hours=2)
    late = timed(world)
    window = {"started_from": T0 + dt.timedelta(hours=1), "started_to": T0 + dt.timedelta(hours=3)}
    assert ids(world, "mona", **window) == [middle]
    assert ids(world, "mona", started_from=T0 + dt.timedelta(hours=2)) == [late, middle]
    assert ids(world, "mona", started_to=T0 + dt.timedelta(hours=2)) == [early]


# ---------------------------------------------------------------------- the limit


def test_more_flows_than_the_maximum_are_refused(world: SecureWorld) -> None:
    world.ctx.settings = settings_from({"PAS Maximum Monitored Flows": 100})
    flows.launch_many(world.ctx, "Timed", [{}] * 100, originator="dora")
    result = monitor.matching(world.ctx, world.who("mona"), Filter(process="Timed"))
    assert (len(result.flows), result.total) == (100, 100)
    shown = monitor.matching(world.ctx, world.who("mona"), Filter(process="Timed"), limit=10)
    assert (len(shown.flows), shown.total) == (10, 100)
    flows.launch(world.ctx, "Timed", originator="dora")
    with pytest.raises(FilterTooLoose) as refused:
        monitor.matching(world.ctx, world.who("mona"), Filter(process="Timed"))
    assert str(refused.value) == (
        "this filter matches 101 flows, more than PAS Maximum Monitored Flows (100); narrow "
        "it (a process, a status, a state, a start window...)"
    )
    assert ids(world, "mona", process="Timed", originator="nobody") == []


def test_the_limit_counts_hidden_details_matches_too(world: SecureWorld) -> None:
    world.ctx.settings = settings_from({"PAS Maximum Monitored Flows": 100})
    texts = {"LastName": "Lee", "SSN": SSN, "Income": "1", "Reviewer": "olga"}
    flows.launch_many(world.ctx, "Secure Loan", [{}] * 101, texts=[texts] * 101, originator="dora")
    with pytest.raises(FilterTooLoose, match="matches at least 101 flows, more than"):
        monitor.matching(world.ctx, world.who("mona"), Filter(details="lee"))


def test_flows_one_may_not_view_are_neither_listed_nor_counted(world: SecureWorld) -> None:
    """Only visible flows count toward the limit: a refusal would tell desi that flows
    she may not see exist, so her filter over 101 flows (one hers) is not refused."""
    world.ctx.settings = settings_from({"PAS Maximum Monitored Flows": 100})
    flows.launch_many(world.ctx, "Timed", [{}] * 100, originator="dora")
    hers = flows.launch(world.ctx, "Timed", originator="desi")
    result = monitor.matching(world.ctx, world.who("desi"), Filter(process="Timed"))
    assert ([r.id for r in result.flows], result.total) == ([hers], 1)
    with pytest.raises(FilterTooLoose):
        monitor.matching(world.ctx, world.who("mona"), Filter(process="Timed"))


def test_the_monitor_needs_the_monitor_licence(world: SecureWorld) -> None:
    loan = world.launch()
    for user in ("rory", "olga", "dora"):
        with pytest.raises(NotAllowed, match=f"{user} may not use the process monitor"):
            monitor.matching(world.ctx, world.who(user), Filter())
        with pytest.raises(NotAllowed):
            monitor.flow_view(world.ctx, world.who(user), loan)
        with pytest.raises(NotAllowed):
            monitor.save_filter(world.ctx, world.who(user), "mine", Filter())
    assert ids(world, "root") == [loan]  # administrators need no licence


# ---------------------------------------------------------------------- one flow


def test_details_with_history_timings_and_the_current_state(
    world: SecureWorld, clock: Clock
) -> None:
    flow_id = timed(world)
    clock.advance(minutes=30)
    world.runner.run_until_idle()
    view = monitor.flow_view(world.ctx, world.who("mona"), flow_id)
    assert view.row.waiting is not None and view.row.waiting.kind == "timer"
    assert view.row.running_seconds == 1800.0
    assert view.history[0].entry.event == "launched"
    assert view.history[0].since_previous is None
    assert 'data-name="Pause" data-current="true"' in view.svg
    assert "class s0 current" in view.mermaid
    clock.advance(minutes=31)
    world.runner.run_until_idle()
    view = monitor.flow_view(world.ctx, world.who("mona"), flow_id)
    assert view.flow.record.status == "completed"
    last = view.history[-1]
    assert last.since_start == 3660.0
    assert sum(h.since_previous or 0 for h in view.history) == 3660.0
    assert any(h.since_previous == 3660.0 for h in view.history)
    assert 'data-name="Done" data-current="true"' in view.svg
    assert view.errors == ()
    assert view.can_manage


def test_details_leave_hidden_variables_out_and_show_errors_items_and_notes(
    world: SecureWorld,
) -> None:
    flow_id = world.launch()
    olga = world.who("olga")
    [item] = guard.guarded_items(world.work, olga)
    guard.guarded_pick_up(world.work, olga, item.id)
    guard.guarded_submit(world.work, olga, item.id, "Deny")
    world.runner.run_until_idle()  # Score = ToInteger(SSN) fails: the flow is in error
    guard.guarded_add_note(world.ctx, world.who("mona"), flow_id, "looking into it")
    view = monitor.flow_view(world.ctx, world.who("mona"), flow_id)
    assert view.flow.record.status == "error"
    assert "SSN" not in view.flow.variables and "Income" not in view.flow.variables
    assert {"SSN", "Income"} <= set(view.flow.hidden)
    assert SSN not in repr(view)
    assert [e.entry.event for e in view.errors] == ["error"]
    assert view.row.waiting is not None and view.row.waiting.kind == "repair"
    [summary] = view.work_items
    assert (summary.work_item, summary.status, summary.completed_by, summary.button) == (
        "Check",
        "completed",
        "olga",
        "Deny",
    )
    assert [n["text"] for n in view.flow.notes] == ["looking into it"]


def test_details_of_a_subprocess_and_its_parent(world: SecureWorld) -> None:
    parent = flows.launch(world.ctx, "Parent", originator="dora")
    world.runner.run_until_idle()
    view = monitor.flow_view(world.ctx, world.who("mona"), parent)
    [kid] = view.subprocesses
    assert (kid.process, kid.status) == ("Timed", "waiting")
    assert monitor.flow_view(world.ctx, world.who("mona"), kid.id).parent == dataclasses.replace(
        kid, id=parent, process="Parent", state="Spawn"
    )


def test_a_flow_one_may_not_view_has_no_details(world: SecureWorld) -> None:
    loan = world.launch()
    with pytest.raises(NotAllowed, match="desi may not view flow"):
        monitor.flow_view(world.ctx, world.who("desi"), loan)


# ---------------------------------------------------------------------- related interactions


def test_interactions_add_list_remove_with_rights(world: SecureWorld) -> None:
    loan = world.launch(by="dora")
    dora, rory, mona, gus = (world.who(u) for u in ("dora", "rory", "mona", "gus"))
    link = monitor.add_interaction(world.ctx, dora, loan, "call", " CALL-0042 ", "customer rang")
    assert (link.kind, link.reference, link.note, link.added_by) == (
        "call",
        "CALL-0042",
        "customer rang",
        "dora",
    )
    monitor.add_interaction(world.ctx, rory, loan, "email", "msg-7")
    assert [i.reference for i in monitor.interactions(world.ctx, rory, loan)] == [
        "CALL-0042",
        "msg-7",
    ]
    with pytest.raises(NotAllowed, match="gus may not view"):
        monitor.interactions(world.ctx, gus, loan)
    with pytest.raises(NotAllowed, match="gus may not view"):
        monitor.add_interaction(world.ctx, gus, loan, "chat", "c-1")
    with pytest.raises(NotAllowed, match="rory may not manage"):
        monitor.remove_interaction(world.ctx, rory, link.id)
    with pytest.raises(NotAllowed, match="dora may not manage"):
        monitor.remove_interaction(world.ctx, dora, link.id)
    monitor.remove_interaction(world.ctx, mona, link.id, reason="wrong call")
    assert [i.reference for i in monitor.interactions(world.ctx, mona, loan)] == ["msg-7"]
    assert [i.reference for i in monitor.flow_view(world.ctx, mona, loan).interactions] == ["msg-7"]
    with pytest.raises(monitor.NotFound, match=f"no related interaction #{link.id}"):
        monitor.remove_interaction(world.ctx, mona, link.id)
    entries = audit.listing(world.ctx, action="flow.interaction.")
    assert [(e.actor, e.action, e.target) for e in reversed(entries)] == [
        ("dora", "flow.interaction.add", f"flow #{loan}"),
        ("rory", "flow.interaction.add", f"flow #{loan}"),
        ("mona", "flow.interaction.remove", f"flow #{loan}"),
    ]
    assert entries[0].reason == "wrong call"


def test_an_interaction_names_a_known_kind_and_a_reference(world: SecureWorld) -> None:
    loan = world.launch()
    mona = world.who("mona")
    with pytest.raises(InvalidInteraction, match="'fax' is not a kind of interaction"):
        monitor.add_interaction(world.ctx, mona, loan, "fax", "f-1")
    with pytest.raises(InvalidInteraction, match="needs its reference"):
        monitor.add_interaction(world.ctx, mona, loan, "call", "  ")
    with pytest.raises(flows.NotFound, match="no flow #999"):
        monitor.add_interaction(world.ctx, mona, 999, "call", "c")
    assert monitor.interactions(world.ctx, mona, loan) == []


# ---------------------------------------------------------------------- saved filters


def test_saved_filters_per_user(world: SecureWorld) -> None:
    mona, desi = world.who("mona"), world.who("desi")
    window = Filter(statuses=["error", "waiting"], started_from=T0, process="Secure Loan")
    assert monitor.save_filter(world.ctx, mona, "Loans", window)
    assert monitor.save_filter(world.ctx, mona, "Timers", Filter(waiting_kind="timer"))
    assert monitor.save_filter(world.ctx, desi, "Loans", Filter(originator="desi"))
    assert [(f.name, f.filter) for f in monitor.filters(world.ctx, mona)] == [
        ("Loans", window),
        ("Timers", Filter(waiting_kind="timer")),
    ]
    assert not monitor.save_filter(world.ctx, mona, "Loans", Filter(process="Timed"))
    assert monitor.saved_filter(world.ctx, mona, "Loans") == Filter(process="Timed")
    assert monitor.saved_filter(world.ctx, desi, "Loans") == Filter(originator="desi")
    monitor.delete_filter(world.ctx, mona, "Timers")
    assert [f.name for f in monitor.filters(world.ctx, mona)] == ["Loans"]
    with pytest.raises(monitor.NotFound, match="mona has no saved filter 'Timers'"):
        monitor.delete_filter(world.ctx, mona, "Timers")
    with pytest.raises(InvalidFilter, match="needs a name"):
        monitor.save_filter(world.ctx, mona, " ", Filter())


def test_a_bad_filter_is_refused_field_by_field() -> None:
    with pytest.raises(InvalidFilter) as refused:
        Filter.parse(
            {
                "statuses": ["waiting", "stuck"],
                "waiting_kind": "person",
                "started_from": "2030-01-07T09:00:00",
                "colour": "red",
            }
        )
    message = str(refused.value)
    assert "statuses: 'stuck' is not a status; expected some of queued, running" in message
    assert "waiting_kind: 'person' is not a wait kind" in message
    assert "started_from: 2030-01-07T09:00:00 has no time zone" in message
    assert "colour: is not a filter field" in message
    with pytest.raises(InvalidFilter, match=r"ends .* before it begins"):
        Filter.parse({"started_from": "2030-01-07T10:00Z", "started_to": "2030-01-07T09:00Z"})
    assert Filter.parse({"process": " ", "state": "", "statuses": "error"}) == Filter(
        statuses=["error"]
    )


# ---------------------------------------------------------------------- queues


def test_queues_for_supervisors_monitors_and_administrators(world: SecureWorld) -> None:
    flows.launch(world.ctx, "Queued", originator="dora")
    world.runner.run_until_idle()
    [report] = monitor.queues(world.ctx, world.work, world.who("mona"))
    assert report.workgroup == "Officers"
    assert report.waiting + report.offered == 1
    assert [r.workgroup for r in monitor.queues(world.ctx, world.work, world.who("root"))] == [
        "Officers"
    ]
    assert monitor.queues(world.ctx, world.work, world.who("olga")) == []


def test_the_filter_runs_in_the_database(world: SecureWorld) -> None:
    """A narrow filter over many flows reads no position but those of the flows shown
    (here one Secure Loan flow, whose details are recomputed without SSN)."""
    flows.launch_many(world.ctx, "Timed", [{}] * 150, originator="dora")
    loan = world.launch()
    mona = world.who("mona")
    reads: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        reads.append(" ".join(statement.split()))

    event.listen(world.ctx.db, "before_cursor_execute", seen)
    try:
        result = monitor.matching(world.ctx, mona, Filter(state="Review"))
    finally:
        event.remove(world.ctx.db, "before_cursor_execute", seen)
    assert [r.id for r in result.flows] == [loan]
    positions = [s for s in reads if "flowexec_storage" in s]
    assert len(positions) == 1
    assert "flowexec_storage.flow_id IN" in positions[0]
    counted = [s for s in reads if s.startswith("SELECT count(*)")]
    assert len(counted) == 1 and "flowexec_flows.state =" in counted[0]
