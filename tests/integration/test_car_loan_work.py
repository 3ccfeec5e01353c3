"""The car loan sends a borderline request to the Loan Officers' queue; people work it.

Walks one item through pick up, the next page, hold, resume, transfer and a
finishing button, and checks that the flow takes the exit of that button.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from openpas.directory import service as directory
from openpas.events import Bus, Event
from openpas.expr.values import NOT_SET
from openpas.service import flows, processes
from openpas.service.context import Context
from openpas.service.runner import Runner
from openpas.work.forms import InvalidFields
from openpas.work.service import WorkError, WorkService

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def events(ctx: Context) -> list[Event]:
    return []


@pytest.fixture
def work(ctx: Context, events: list[Event]) -> Iterator[WorkService]:
    bus = Bus()
    bus.subscribe(events.append)
    directory.import_file(ctx, bus, EXAMPLES / "directory.yaml")
    service = WorkService(ctx, bus, lambda: directory.snapshot(ctx))
    ctx.work = service
    service.start()
    bus.subscribe(
        lambda e: (
            service.people_changed([str(e.data["user"])])
            if e.topic == "agent" and "user" in e.data
            else None
        )
    )
    for officer in ("ann", "bob", "dan"):
        directory.login(ctx, bus, officer)
    processes.publish(ctx, (EXAMPLES / "car_loan.yaml").read_text(), "admin")
    yield service


def borderline_loan(ctx: Context, runner: Runner) -> int:
    """No SSN (no score) and a payment taking 20 % of the income: a person decides."""
    flow_id = flows.launch(
        ctx,
        "Car Loan",
        texts={"LastName": "Lee", "LoanAmount": "25000 USD", "AnnualIncome": "25000 USD"},
        originator="olivia",
    )
    runner.run_until_idle()
    return flow_id


def test_a_borderline_loan_waits_in_the_queue_and_the_best_skilled_officer_gets_it(
    ctx: Context, runner: Runner, work: WorkService, events: list[Event]
) -> None:
    flow_id = borderline_loan(ctx, runner)
    record = flows.details(ctx, flow_id).record
    assert (record.status, record.state, record.wait_kind) == ("waiting", "Review", "work item")
    offered = work.my_items("ann")
    assert [(i.work_item, i.status, i.workgroup) for i in offered] == [
        ("Loan Review", "new", "Loan Officers")
    ]
    assert offered[0].skills == {"Lending": 50} and offered[0].priority == 2
    # bob (Lending 40) and dan (20) lack the skill; carol is not a member.
    assert work.my_items("bob") == work.my_items("dan") == work.my_items("carol") == []
    assert any(e.kind == "offered" and e.audience == {"ann"} for e in events)
    assert "Lee" in offered[0].details


def test_pick_up_hold_transfer_resume_and_finish_by_button(
    ctx: Context, runner: Runner, work: WorkService
) -> None:
    flow_id = borderline_loan(ctx, runner)
    item = work.my_items("ann")[0]

    with pytest.raises(WorkError):
        work.pick_up("bob", item.id)  # not offered to bob
    work.pick_up("ann", item.id)
    first = work.page("ann", item.id)
    assert first.title == "Applicant and loan" and not any(f.editable for f in first.fields)
    work.submit("ann", item.id, "Next")
    decision = work.page("ann", item.id)
    assert decision.name == "Decision"
    assert [b for b, _ in decision.buttons] == ["Approve", "Deny"]

    with pytest.raises(InvalidFields) as invalid:
        work.submit("ann", item.id, "Deny", {"ReviewComment": "x" * 501})
    assert "at most 500 characters" in invalid.value.invalid["ReviewComment"]

    work.hold("ann", item.id, {"ReviewComment": "income too low for this car"})
    assert work.item(item.id).status == "held"
    work.pick_up("ann", item.id)  # resume
    assert work.item(item.id).status == "in-progress"
    work.hold("ann", item.id)

    with pytest.raises(WorkError):
        work.transfer("ann", item.id, to_user="nobody")  # no such user
    work.transfer("ann", item.id, to_user="carol")  # the supervisor
    moved = work.item(item.id)
    assert (moved.status, moved.offered_to, moved.owner) == ("new", ("carol",), None)
    work.pick_up("carol", item.id)
    assert work.page("carol", item.id).name == "Decision"
    kept = {f.key: f.value for f in work.page("carol", item.id).fields}
    assert kept["ReviewComment"] == "income too low for this car"
    work.submit("carol", item.id, "Deny")

    runner.run_until_idle()
    details = flows.details(ctx, flow_id)
    assert details.record.status == "completed"
    variables = details.position.variables
    assert variables["Status"] == "Denied"
    assert variables["LoanDenyReason"] == "income too low for this car"  # the Deny exit ran
    done = work.item(item.id)
    assert (done.status, done.button, done.completed_by) == ("completed", "Deny", "carol")


def test_approve_takes_the_approve_exit(ctx: Context, runner: Runner, work: WorkService) -> None:
    flow_id = borderline_loan(ctx, runner)
    item = work.my_items("ann")[0]
    work.pick_up("ann", item.id)
    work.submit("ann", item.id, "Next")
    work.submit("ann", item.id, "Approve", {"ReviewComment": "fine"})
    runner.run_until_idle()
    variables = flows.details(ctx, flow_id).position.variables
    assert variables["Status"] == "Approved" and variables["LoanApproved"] is True
    assert variables["ReviewComment"] == "fine"
    queue = work.queue("Loan Officers")
    assert queue.handled_today == 1 and queue.waiting == 0


def test_a_test_launch_sends_the_item_to_the_launcher(
    ctx: Context, runner: Runner, work: WorkService
) -> None:
    flows.launch(
        ctx,
        "Car Loan",
        texts={"LastName": "Lee", "LoanAmount": "25000 USD", "AnnualIncome": "25000 USD"},
        originator="admin",
        mode="test",
    )
    runner.run_until_idle()
    assert [i.work_item for i in work.my_items("admin")] == ["Loan Review"]
    assert work.my_items("ann") == []


def test_an_empty_optional_field_with_rules_is_no_value(
    ctx: Context, runner: Runner, work: WorkService
) -> None:
    flow_id = borderline_loan(ctx, runner)
    item = work.my_items("ann")[0]
    work.pick_up("ann", item.id)
    work.submit("ann", item.id, "Next")
    work.hold("ann", item.id, {"ReviewComment": "first thoughts"})
    work.pick_up("ann", item.id)
    # Clearing the comment (max length 500) is no value, not a text that breaks a rule.
    work.submit("ann", item.id, "Approve", {"ReviewComment": ""})
    runner.run_until_idle()
    variables = flows.details(ctx, flow_id).position.variables
    assert variables["Status"] == "Approved"
    assert variables["ReviewComment"] is NOT_SET


def test_routing_latency_is_measured(ctx: Context, runner: Runner, work: WorkService) -> None:
    from openpas import metrics

    before = metrics.REGISTRY.get_sample_value("openpas_routing_seconds_count") or 0.0
    borderline_loan(ctx, runner)
    after = metrics.REGISTRY.get_sample_value("openpas_routing_seconds_count") or 0.0
    assert after == before + 1
