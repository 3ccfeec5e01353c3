"""Work items end to end: sending, routing, offers, timeouts, the lifecycle, events, queues.

Every test runs the real Runner and WorkService on SQLite and PostgreSQL, with a
small directory and small process documents of its own, and asserts what
people would see: their lists, the pages, the flow's variables and exits, the
events on the bus and the queue's figures.
"""

from __future__ import annotations

import textwrap
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openpas.directory import service as directory
from openpas.directory.errors import DirectoryError, InvalidEntry, NotFound
from openpas.events import Bus, Event
from openpas.service import flows
from openpas.service.context import Context
from openpas.service.runner import Runner
from openpas.store import work as store
from openpas.store.database import migrate, open_database
from openpas.store.records import WorkItemRecord
from openpas.work.forms import InvalidFields
from openpas.work.service import WorkError, WorkService

from .conftest import Clock
from .support import publish

DIRECTORY = """\
skills: {Lending: Lending, Spanish: Spanish}
users:
  olivia: {licence: direct}
  nolic: {licence: none}
  ann: {licence: group, skills: {Lending: 80}}
  bob: {licence: group, skills: {Lending: 60}}
  dan: {licence: group, skills: {Lending: 40}}
  tim: {licence: group, skills: {Lending: 20}}
  eve: {licence: direct, skills: {Lending: 99}}
  carol: {licence: monitor}
  sam: {licence: group, skills: {Lending: 50}}
  ula: {licence: group, skills: {Lending: 50}, utilization: 2}
  vic: {licence: group, skills: {Lending: 50}}
workgroups:
  Team: {members: [ann, bob, dan, tim, eve], supervisors: [carol], skills: {Lending: 30}}
  Seniors: {members: [sam], supervisors: [carol]}
  Duo: {members: [ula, vic]}
  Unlicensed: {members: [eve, olivia]}
"""

TEAM = ("ann", "bob", "dan", "tim")

EXITS = """\
exits:
  Done: [assign: {Result: Done}]
  Finish: [assign: {Result: Finish}]
  Drop: [assign: {Result: Drop}]
  failure: [assign: {Result: failure}]
"""


def document(name: str, send: str) -> str:
    """A process whose one state runs ``send`` (YAML actions) and ends."""
    actions = textwrap.indent(textwrap.dedent(send), " " * 6)
    return (
        textwrap.dedent(
            """\
            process: {name}
            start: Work
            inputs:
              Who: user
              Level: {{type: integer, initial: 0}}
              Skill: {{type: integer, initial: 50}}
            variables:
              Comment: {{type: string, max length: 10}}
              Amount: {{type: integer, min: 1}}
              Result: string
              Doubled: integer
            states:
              Work:
                actions:
            {actions}
                  - end process
            work items:
              Form:
                category: Tests
                details: [Comment]
                pages:
                  - name: One
                    controls:
                      - {{field: Comment}}
                      - {{field: Amount, required: true}}
                    buttons:
                      - {{Done: submit}}
                      - {{Drop: cancel}}
                      - name: More
                        next page: Two
                        actions:
                          - assign: {{Doubled: =Amount * 2}}
                  - name: Two
                    controls:
                      - {{field: Doubled, read only: true}}
                    buttons: [{{Finish: submit}}]
              Check:
                details: [Comment]
                pages:
                  - controls: [{{field: Comment}}]
                    buttons: [Done]
            """
        )
        .replace("{actions}\n", "{actions}")
        .format(name=name, actions=actions)
    )


def to_workgroup(
    workgroup: str = "Team", extra: str = "", item: str = "Form", exits: str = EXITS
) -> str:
    body = f"work item: {item}\nworkgroup: {workgroup}\n{extra}{exits}"
    return "- send work item to workgroup:\n" + textwrap.indent(body, "    ")


def to_user(user: str, extra: str = "") -> str:
    body = f"work item: Form\nuser: {user}\n{extra}{EXITS}"
    return "- send work item to user:\n" + textwrap.indent(body, "    ")


@dataclass
class World:
    """One test's server: its context, engine, work items, bus and clock."""

    ctx: Context
    runner: Runner
    work: WorkService
    bus: Bus
    clock: Clock
    events: list[Event] = field(default_factory=list)
    _count: int = 0

    def process(self, send: str) -> str:
        self._count += 1
        name = f"Work {self._count}"
        publish(self.ctx, document(name, send))
        return name

    def launch(self, name: str, by: str = "olivia", mode: str = "production", **texts: str) -> int:
        flow_id = flows.launch(self.ctx, name, texts=texts, originator=by, mode=mode)
        self.runner.run_until_idle()
        return flow_id

    def items(self, user: str) -> list[tuple[str, str]]:
        """What ``user`` sees in My Work Items: (work item, status)."""
        return [(i.work_item, i.status) for i in self.work.my_items(user)]

    def only(self, user: str) -> WorkItemRecord:
        found = self.work.my_items(user)
        assert len(found) == 1, f"{user} has {found}"
        return found[0]

    def open_items(self, work_item: str) -> list[WorkItemRecord]:
        with self.ctx.read() as conn:
            found = store.search(conn, status=store.OPEN)
        return [i for i in found if i.work_item == work_item]

    def variables(self, flow_id: int) -> dict[str, Any]:
        return dict(flows.details(self.ctx, flow_id).position.variables)

    def status(self, flow_id: int) -> str:
        return flows.details(self.ctx, flow_id).record.status

    def login(self, *users: str, status: str | None = None) -> None:
        for user in users:
            directory.login(self.ctx, self.bus, user, status)

    def logout(self, *users: str) -> None:
        for user in users:
            self.work.logout(user)
            directory.logout(self.ctx, self.bus, user)

    def presence(self, user: str, status: str) -> None:
        directory.set_presence(self.ctx, self.bus, user, status)

    def finish(self, user: str, item_id: int, button: str = "Done", **values: Any) -> None:
        self.work.pick_up(user, item_id)
        if self.work.item(item_id).work_item == "Form":
            values = {"Amount": 1, **values}
        self.work.submit(user, item_id, button, values)
        self.runner.run_until_idle()


def build(ctx: Context, runner: Runner, clock: Clock, tmp_path: Path) -> World:
    bus = Bus()
    events: list[Event] = []
    bus.subscribe(events.append)
    path = tmp_path / "directory.yaml"
    path.write_text(DIRECTORY, encoding="utf-8")
    directory.import_file(ctx, bus, path)
    service = WorkService(ctx, bus, lambda: directory.snapshot(ctx))
    ctx.work = service
    service.start()

    def route(event: Event) -> None:
        if event.topic == "agent" and "user" in event.data:
            service.people_changed([str(event.data["user"])])
        elif event.topic == "directory":
            service.people_changed(None)

    bus.subscribe(route)
    return World(ctx, runner, service, bus, clock, events)


@pytest.fixture
def world(ctx: Context, runner: Runner, clock: Clock, tmp_path: Path) -> Iterator[World]:
    made = build(ctx, runner, clock, tmp_path)
    made.login(*TEAM)
    yield made


# ------------------------------------------------------------------ direct items


def test_a_direct_item_goes_to_the_licensed_user_and_its_button_resumes_the_flow(
    world: World,
) -> None:
    flow_id = world.launch(world.process(to_user("olivia")))
    item = world.only("olivia")
    assert (item.status, item.routing, item.offered_to) == ("new", "user", ("olivia",))
    assert world.items("ann") == []
    world.finish("olivia", item.id, Amount=3, Comment="fine")
    assert world.status(flow_id) == "completed"
    values = world.variables(flow_id)
    assert (values["Result"], values["Amount"], values["Comment"]) == ("Done", 3, "fine")
    assert world.work.item(item.id).completed_by == "olivia"


@pytest.mark.parametrize("user", ["nobody", "nolic"])
def test_a_direct_item_to_an_unknown_or_unlicensed_user_takes_the_failure_exit(
    world: World, user: str
) -> None:
    flow_id = world.launch(world.process(to_user(user)))
    assert world.status(flow_id) == "completed"
    assert world.variables(flow_id)["Result"] == "failure"
    assert world.items(user) == [] if user == "nolic" else True


def test_a_direct_item_to_the_originator(world: World) -> None:
    world.launch(world.process(to_user("=Flow.Originator")), by="bob")
    assert world.items("bob") == [("Form", "new")]
    assert world.items("olivia") == []


def test_a_test_launch_routes_every_item_to_the_launcher(world: World) -> None:
    by_group = world.process(to_workgroup())
    by_user = world.process(to_user("olivia"))
    world.launch(by_group, by="carol", mode="test")
    world.launch(by_user, by="carol", mode="test")
    assert [status for _, status in world.items("carol")] == ["new", "new"]
    assert all(i.test and i.offered_to == ("carol",) for i in world.work.my_items("carol"))
    assert world.items("ann") == world.items("olivia") == []


# ------------------------------------------------------------------ workgroup routing


def test_only_licensed_available_members_with_the_skills_are_offered(world: World) -> None:
    name = world.process(to_workgroup(extra="skills: {Lending: =Skill}\n"))
    world.login("eve", "carol")
    world.launch(name, Skill="50")
    item = world.only("ann")  # best skill among the eligible
    assert item.status == "new"
    # eve has the best skill but only a direct licence; carol is no member.
    for other in ("bob", "dan", "tim", "eve", "carol"):
        assert world.items(other) == []
    world.presence("ann", "Away")  # the offer moves on at once
    assert world.items("ann") == [] and world.only("bob").id == item.id
    world.logout("bob")
    waiting = world.work.item(item.id)
    assert (waiting.status, waiting.offered_to) == ("acd-wait-agent", ())  # dan has 40 < 50
    directory.set_skill(world.ctx, world.bus, "dan", "Lending", 55)
    assert world.only("dan").id == item.id


def test_the_workgroup_minimum_skill_applies_to_every_item(world: World) -> None:
    name = world.process(to_workgroup())
    world.logout("ann", "bob", "dan")
    world.launch(name)
    assert world.items("tim") == []  # Lending 20, the workgroup wants 30
    world.login("dan")
    assert world.items("dan") == [("Form", "new")]


def test_items_go_by_priority_then_time_in_queue(world: World) -> None:
    name = world.process(to_workgroup(extra="priority: =Level\n"))
    world.logout(*TEAM)
    low = world.launch(name, Level="0")
    world.clock.advance(minutes=1)
    first_high = world.launch(name, Level="5")
    world.clock.advance(minutes=1)
    second_high = world.launch(name, Level="5")
    world.login("ann")
    order = []
    for _ in range(3):
        item = world.only("ann")
        order.append(item.flow_id)
        world.finish("ann", item.id)
    assert order == [first_high, second_high, low]


def test_best_skill_then_longest_idle(world: World) -> None:
    name = world.process(to_workgroup("Duo"))
    world.login("vic")
    world.clock.advance(minutes=5)
    world.login("ula")  # same skill, idle for less time
    world.launch(name)
    assert world.items("vic") == [("Form", "new")] and world.items("ula") == []


def test_utilization_two_takes_two_items_at_once(world: World) -> None:
    name = world.process(to_workgroup("Duo"))
    world.login("ula")
    world.launch(name)
    world.launch(name)
    world.launch(name)
    assert world.items("ula") == [("Form", "new"), ("Form", "new")]
    assert world.work.queue("Duo").waiting == 3  # two offered, one still waiting


def test_an_agent_logging_in_gets_the_waiting_item_at_once(world: World) -> None:
    name = world.process(to_workgroup())
    world.logout(*TEAM)
    world.launch(name)
    world.events.clear()
    world.login("bob")
    assert world.items("bob") == [("Form", "new")]
    assert any(e.kind == "offered" and e.audience == {"bob"} for e in world.events)


def test_an_agent_becoming_available_gets_the_waiting_item_and_away_gets_nothing(
    world: World,
) -> None:
    name = world.process(to_workgroup())
    world.logout("bob", "dan", "tim")
    world.presence("ann", "Away")
    world.launch(name)
    assert world.items("ann") == []
    world.presence("ann", "Available")
    assert world.items("ann") == [("Form", "new")]


def test_a_workgroup_without_a_licensed_member_takes_the_failure_exit(world: World) -> None:
    flow_id = world.launch(world.process(to_workgroup("Unlicensed")))
    assert world.variables(flow_id)["Result"] == "failure"
    assert world.status(flow_id) == "completed"


# ------------------------------------------------------------------ offers


def test_an_offer_not_picked_up_in_time_goes_to_the_next_agent(world: World) -> None:
    name = world.process(to_workgroup(extra="offer timeout: 5m\n"))
    world.launch(name)
    item = world.only("ann")
    world.clock.advance(minutes=4)
    world.runner.tick()
    assert world.only("ann").id == item.id  # not yet
    world.clock.advance(minutes=2)
    world.runner.tick()
    assert world.items("ann") == []
    assert world.only("bob").id == item.id
    world.clock.advance(minutes=6)
    world.work.sweep()
    assert world.items("bob") == [] and world.only("dan").id == item.id
    world.runner.run_until_idle()  # nothing is due: the engine goes idle


def test_offer_to_two_and_the_first_pick_up_wins(world: World) -> None:
    name = world.process(to_workgroup(extra="offer to: 2\n"))
    world.launch(name)
    item = world.only("ann")
    assert world.only("bob").id == item.id
    world.events.clear()
    world.work.pick_up("bob", item.id)
    assert world.items("ann") == []
    assert world.items("bob") == [("Form", "in-progress")]
    assert any(e.kind == "revoked" and e.audience == {"ann"} for e in world.events)
    with pytest.raises(WorkError, match="in-progress"):
        world.work.pick_up("ann", item.id)


def test_allocate_gives_the_item_in_progress_without_an_offer(world: World) -> None:
    world.launch(world.process(to_workgroup(extra="allocate: true\n")))
    item = world.only("ann")
    assert (item.status, item.owner, item.offered_to) == ("in-progress", "ann", ())
    assert world.work.page("ann", item.id).name == "One"


# ------------------------------------------------------------------ duties


def test_separation_of_duties_and_retain_familiar(world: World) -> None:
    check = to_workgroup(item="Check", exits="exits:\n  failure: [assign: {Result: failure}]\n")
    excluding = world.process(check + to_workgroup(extra="exclude: [Check]\n"))
    flow_id = world.launch(excluding)
    world.finish("ann", world.only("ann").id)
    assert world.items("ann") == []  # ann finished the check: someone else does the form
    assert world.only("bob").work_item == "Form"
    world.finish("bob", world.only("bob").id)
    assert world.status(flow_id) == "completed"

    preferring = world.process(check + to_workgroup(extra="prefer: Check\n"))
    world.presence("ann", "Away")
    world.launch(preferring)
    check_item = world.only("bob")
    world.work.pick_up("bob", check_item.id)
    world.presence("ann", "Available")
    world.work.submit("bob", check_item.id, "Done")  # bob did the check
    world.runner.run_until_idle()
    # ann is free and has the better skill, but the form goes to bob, who knows the case.
    assert [i.offered_to for i in world.open_items("Form")] == [("bob",)]


# ------------------------------------------------------------------ escalation, timeout


def test_escalation_to_another_workgroup(world: World) -> None:
    name = world.process(to_workgroup(extra="escalate: {after: 1h, workgroup: Seniors}\n"))
    world.logout(*TEAM)
    world.login("sam")
    world.launch(name)
    assert world.items("sam") == []
    world.clock.advance(minutes=61)
    world.runner.tick()
    item = world.only("sam")
    assert item.workgroup == "Seniors"
    world.finish("sam", item.id)


def test_an_item_picked_up_in_time_does_not_escalate(world: World) -> None:
    name = world.process(to_workgroup(extra="escalate: {after: 1h, workgroup: Seniors}\n"))
    world.launch(name)
    item = world.only("ann")
    world.work.pick_up("ann", item.id)
    world.clock.advance(hours=2)
    assert world.work.sweep() == 1  # the escalation is dropped...
    assert world.work.sweep() == 0  # ...once, so the engine can go idle
    assert world.work.item(item.id).workgroup == "Team"


def test_escalation_to_the_supervisors(world: World) -> None:
    name = world.process(to_workgroup(extra="escalate: {after: 1h, supervisors: true}\n"))
    world.logout(*TEAM)
    flow_id = world.launch(name)
    world.clock.advance(hours=2)
    world.runner.run_until_idle()
    assert world.items("carol") == [("Form", "new")]
    world.finish("carol", world.only("carol").id)
    assert world.variables(flow_id)["Result"] == "Done"


def test_the_overall_timeout_takes_the_timeout_exit_and_cancels_the_item(world: World) -> None:
    timeout = to_workgroup(extra="timeout: 1d\n").replace(
        "    exits:\n", "    exits:\n      timeout: [assign: {Result: timeout}]\n"
    )
    flow_id = world.launch(world.process(timeout))
    item = world.only("ann")
    world.work.pick_up("ann", item.id)
    world.clock.advance(hours=25)
    world.runner.run_until_idle()
    assert world.variables(flow_id)["Result"] == "timeout"
    assert world.work.item(item.id).status == "cancelled"
    assert world.items("ann") == []


# ------------------------------------------------------------------ lifecycle


def test_one_owner_hold_keeps_valid_values_and_logout_holds(world: World) -> None:
    world.launch(world.process(to_workgroup()))
    item = world.only("ann")
    world.work.pick_up("ann", item.id)
    world.logout("bob")
    world.login("bob")
    with pytest.raises(WorkError, match="bob cannot pick up"):
        world.work.pick_up("bob", item.id)
    world.work.hold("ann", item.id, {"Comment": "kept", "Amount": "abc"})
    world.work.pick_up("ann", item.id)
    world.work.hold("ann", item.id, {"Comment": "far too long for ten"})
    world.work.pick_up("ann", item.id)
    fields = {f.key: f.value for f in world.work.page("ann", item.id).fields}
    assert fields["Comment"] == "kept"  # the invalid change kept the last valid value
    assert world.work.item(item.id).owner == "ann"
    world.logout("ann")
    assert world.work.item(item.id).status == "held"


def test_transfer_rules(world: World) -> None:
    world.login("sam")
    world.launch(world.process(to_workgroup()))
    item = world.only("ann")
    world.work.pick_up("ann", item.id)
    with pytest.raises(WorkError, match="only new, waiting or held"):
        world.work.transfer("ann", item.id, to_user="bob")
    world.work.hold("ann", item.id)
    with pytest.raises(WorkError, match="nolic has no licence"):
        world.work.transfer("ann", item.id, to_user="nolic")
    with pytest.raises(WorkError, match="no member licensed"):
        world.work.transfer("ann", item.id, to_workgroup="Unlicensed")
    with pytest.raises(WorkError, match="neither has"):
        world.work.transfer("dan", item.id, to_user="bob")
    world.work.transfer("ann", item.id, to_workgroup="Seniors")
    assert world.only("sam").id == item.id
    world.work.transfer("carol", item.id, to_user="olivia")  # the supervisor moves it on
    assert (world.only("olivia").status, world.items("sam")) == ("new", [])


def test_a_supervisor_pulls_an_item_in_progress(world: World) -> None:
    world.launch(world.process(to_workgroup()))
    item = world.only("ann")
    world.work.pick_up("ann", item.id)
    with pytest.raises(WorkError, match="does not supervise"):
        world.work.pull("bob", item.id)
    world.work.pull("carol", item.id)
    assert world.items("ann") == [] and world.items("carol") == [("Form", "in-progress")]
    with pytest.raises(WorkError):
        world.work.submit("ann", item.id, "Done", {"Amount": 1})


def test_a_cancel_button_finishes_without_keeping_the_values(world: World) -> None:
    flow_id = world.launch(world.process(to_workgroup()))
    item = world.only("ann")
    world.work.pick_up("ann", item.id)
    world.work.submit("ann", item.id, "Drop", {"Comment": "not kept", "Amount": "x"})
    world.runner.run_until_idle()
    values = world.variables(flow_id)
    assert values["Result"] == "Drop" and "Comment" not in {
        k for k, v in values.items() if v == "not kept"
    }


def test_an_invalid_page_answers_every_field_and_changes_nothing(world: World) -> None:
    flow_id = world.launch(world.process(to_workgroup()))
    item = world.only("ann")
    world.work.pick_up("ann", item.id)
    before = world.work.item(item.id)
    with pytest.raises(InvalidFields) as invalid:
        world.work.submit("ann", item.id, "Done", {"Comment": "eleven chars"})
    assert set(invalid.value.invalid) == {"Comment", "Amount"}
    assert "required" in invalid.value.invalid["Amount"]
    with pytest.raises(InvalidFields) as broken:
        world.work.submit("ann", item.id, "Done", {"Amount": "0"})
    assert list(broken.value.invalid) == ["Amount"]
    after = world.work.item(item.id)
    assert (after.status, after.data, after.revision) == (
        "in-progress",
        before.data,
        before.revision,
    )
    assert world.status(flow_id) == "waiting"


def test_pages_with_actions_between_them(world: World) -> None:
    flow_id = world.launch(world.process(to_workgroup()))
    item = world.only("ann")
    world.work.pick_up("ann", item.id)
    world.work.submit("ann", item.id, "More", {"Amount": "21"})
    page = world.work.page("ann", item.id)
    assert (page.name, page.number, page.count) == ("Two", 2, 2)
    assert {f.key: f.value for f in page.fields} == {"Doubled": 42}
    world.work.submit("ann", item.id, "Finish")
    world.runner.run_until_idle()
    values = world.variables(flow_id)
    assert (values["Result"], values["Doubled"], values["Amount"]) == ("Finish", 42, 21)


def test_cancelling_the_flow_cancels_its_items(world: World) -> None:
    flow_id = world.launch(world.process(to_workgroup()))
    item = world.only("ann")
    flows.cancel(world.ctx, flow_id, "withdrawn", "admin")
    assert world.work.item(item.id).status == "cancelled"
    assert world.items("ann") == []
    assert world.work.queue("Team").waiting == 0


def test_a_restart_keeps_owned_items_and_offers_the_others_again(world: World) -> None:
    name = world.process(to_workgroup())
    world.launch(name)
    world.launch(name)
    owned = world.only("ann")
    world.work.pick_up("ann", owned.id)
    offered = world.only("bob")
    restarted = WorkService(world.ctx, world.bus, lambda: directory.snapshot(world.ctx))
    world.ctx.work = restarted
    restarted.start()
    assert restarted.item(owned.id).owner == "ann"
    assert [(i.id, i.status) for i in restarted.my_items("bob")] == [(offered.id, "new")]
    assert restarted.dispatcher.router.owner(owned.id) == "ann"
    assert restarted.dispatcher.router.offers(offered.id) == ("bob",)
    third = world.launch(name)
    assert [i.flow_id for i in restarted.my_items("dan")] == [third]  # ann and bob are full


def test_another_process_picking_up_is_seen_by_the_engine(world: World) -> None:
    """A command in its own process changes the rows; the engine's router follows them."""
    name = world.process(to_workgroup())
    world.launch(name)
    item = world.only("ann")
    command = WorkService(world.ctx, Bus(), lambda: directory.snapshot(world.ctx))
    command.start()
    command.pick_up("ann", item.id)
    command.submit("ann", item.id, "Done", {"Amount": 2})
    world.runner.run_until_idle()
    second = world.launch(name)
    assert [i.flow_id for i in world.work.my_items("ann")] == [second]


# ------------------------------------------------------------------ events and queues


def test_events_carry_the_right_audience(world: World) -> None:
    world.launch(world.process(to_workgroup()))
    item = world.only("ann")
    world.work.pick_up("ann", item.id)
    world.work.hold("ann", item.id)
    world.work.pick_up("ann", item.id)
    world.work.submit("ann", item.id, "Done", {"Amount": 1})
    seen = [(e.topic, e.kind, e.audience) for e in world.events if e.topic != "agent"]
    for kind in ("offered", "picked-up", "held", "completed"):
        assert ("work item", kind, frozenset({"ann"})) in seen, kind
    assert ("queue", "changed", frozenset()) in seen
    queue_events = [e for e in world.events if e.topic == "queue"]
    assert all(e.data == {"workgroup": "Team"} for e in queue_events)


def test_queue_statistics(world: World) -> None:
    name = world.process(to_workgroup())
    world.presence("tim", "Away")
    world.logout("dan")
    world.launch(name)
    world.clock.advance(minutes=10)
    world.launch(name)
    world.clock.advance(minutes=10)
    world.launch(name)
    report = world.work.queue("Team")
    # ann and bob each hold an offer; the oldest item waits for 20 minutes.
    assert (report.waiting, report.offered, report.longest_wait) == (3, 2, 1200.0)
    assert (report.agents_available, report.agents_busy, report.agents_away) == (0, 2, 2)
    first = world.only("ann")
    world.work.pick_up("ann", first.id)
    world.clock.advance(minutes=3)
    world.work.submit("ann", first.id, "Done", {"Amount": 1})
    world.runner.run_until_idle()
    report = world.work.queue("Team")
    assert (report.handled_today, report.average_handle_seconds) == (1, 180.0)
    assert report.waiting == 2 and report.longest_wait == 780.0  # the second, since t+10m


# ------------------------------------------------------------------ property


PEOPLE = ("ann", "bob", "dan", "tim", "ula", "vic")
OPERATIONS = ("launch", "login", "logout", "away", "available", "pickup", "hold", "transfer")
OPERATIONS += ("submit", "sweep")
Step = tuple[str, int, int]

steps = st.lists(
    st.tuples(
        st.sampled_from(OPERATIONS),
        st.integers(0, len(PEOPLE) - 1),
        st.integers(0, 7),
    ),
    min_size=1,
    max_size=25,
)


def check_rows(world: World) -> None:
    """What must hold of the rows after every operation."""
    people = directory.snapshot(world.ctx)
    with world.ctx.read() as conn:
        items = store.search(conn)
        load: dict[str, int] = {}
        for item in items:
            if item.status == "in-progress" or item.status == "held":
                assert item.owner and not item.offered_to, item
            elif item.status == "new":
                assert item.offered_to and item.owner is None, item  # not lost
            elif item.status == "acd-wait-agent":
                assert not item.offered_to and item.owner is None, item
            elif item.status == "completed":
                flow = flows.details(world.ctx, item.flow_id).record
                assert flow.wait_key != item.wait_key, (item, flow)
            for agent in item.offered_to:
                group = people.workgroup(item.workgroup or "")
                user = people.user(agent)
                assert agent in group.members and people.is_available(agent), (item, agent)
                needed = {**group.skills}
                for skill, level in item.skills.items():
                    needed[skill] = max(level, needed.get(skill, 0))
                assert all(user.proficiency(s) >= v for s, v in needed.items()), (item, agent)
                load[agent] = load.get(agent, 0) + 1
            if item.status == "in-progress" and item.owner:
                load[item.owner] = load.get(item.owner, 0) + 1
        for agent, count in load.items():
            assert count <= people.user(agent).utilization, (agent, count)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(script=steps)
def test_random_operations_keep_the_rules(script: list[Step], tmp_path_factory: Any) -> None:
    tmp = tmp_path_factory.mktemp("prop")
    engine = open_database(f"sqlite:///{tmp / 'work.db'}")
    migrate(engine)
    clock = Clock()
    ctx = Context(engine, str(uuid.uuid4()), clock=clock)
    ctx.restored.set()
    runner = Runner(ctx)
    try:
        world = build(ctx, runner, clock, tmp)
        name = world.process(
            to_workgroup(
                item="Check",
                extra="offer timeout: 5m\nskills: {Lending: =Skill}\n",
                exits="exits:\n  failure: [assign: {Result: failure}]\n",
            )
        )
        for op, who, number in script:
            user = PEOPLE[who]
            mine = world.work.my_items(user)
            item = mine[number % len(mine)] if mine else None
            try:
                if op == "launch":
                    world.launch(name, Skill=str(30 + 10 * (number % 4)))
                elif op == "login":
                    world.login(user)
                elif op == "logout":
                    world.logout(user)
                elif op in ("away", "available"):
                    world.presence(user, "Away" if op == "away" else "Available")
                elif op == "pickup" and item is not None:
                    world.work.pick_up(user, item.id)
                elif op == "hold" and item is not None:
                    world.work.hold(user, item.id)
                elif op == "transfer" and item is not None:
                    world.work.transfer(user, item.id, to_workgroup=("Team", "Duo")[number % 2])
                elif op == "submit" and item is not None:
                    world.work.submit(user, item.id, "Done")
                    runner.run_until_idle()
                elif op == "sweep":
                    clock.advance(minutes=6)
                    runner.tick()
            except (WorkError, DirectoryError, InvalidEntry, NotFound):
                pass  # refused: a rule said no; the rows must still hold
            check_rows(world)
    finally:
        runner.close(grace=5.0)
        engine.dispose()
