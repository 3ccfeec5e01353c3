"""Flows launched, run to the end and looked at, on a real database."""

from __future__ import annotations

import datetime as dt

import pytest

from openpas.errors import InputError
from openpas.expr.values import UserRef
from openpas.service import flows
from openpas.service.context import Context
from openpas.service.flows import NotAllowed, NotFound
from openpas.service.handlers import Handlers
from openpas.service.runner import Runner
from openpas.store import schema

from .conftest import Clock
from .support import publish, rows

LOAN = """
    process: Loan
    start: Intake
    details: [Applicant, Amount]
    inputs:
      Applicant: string
      Amount: {type: integer, required: true}
      Due: datetime
    variables:
      Started: boolean
      Who: user
      Test: boolean
      Code: string
    states:
      Intake:
        actions:
          - assign: {Who: =Flow.Originator, Test: =Flow.Test, Applicant: =Applicant & "!"}
          - wait: 1m
          - change state: Review
      Review:
        actions:
          - assign: {Amount: =Amount * 2}
          - end process
"""

SECRET = "Zq-7731-secret-value"

SECRETIVE = """
    process: Secretive
    start: A
    inputs: {Pin: string}
    variables: {Copy: string, Reply: string}
    states:
      A:
        actions:
          - assign: {Copy: =Pin & Pin}
          - decision:
              if: Copy <> ""
              yes: [{wait: 5m}]
          - run handler:
              handler: echo
              parameters: {text: =Copy}
              results: {text: Reply}
          - end process
"""


def test_launch_with_typed_inputs_and_with_texts(ctx: Context, runner: Runner) -> None:
    publish(ctx, LOAN)
    due = dt.datetime(2030, 2, 1, 12, 0, tzinfo=dt.UTC)
    typed = flows.launch(
        ctx, "Loan", {"Applicant": "Ann", "Amount": 10, "Due": due}, originator="u"
    )
    texted = flows.launch(ctx, "Loan", texts={"Applicant": "Bob", "Amount": "12"}, originator="u")
    assert texted > typed
    first, second = flows.details(ctx, typed), flows.details(ctx, texted)
    assert first.position.variables["Due"] == due
    assert second.position.variables["Amount"] == 12
    assert first.record.status == second.record.status == "running"


@pytest.mark.parametrize(
    ("inputs", "texts", "message"),
    [
        ({"Amount": "ten"}, None, "Amount: expected a integer"),
        (None, {"Amount": "ten"}, "Amount"),
        ({"Applicant": "Ann"}, None, "Amount: a value is required"),
        ({"Amount": 1, "Nope": 2}, None, "Nope: the process has no input"),
    ],
)
def test_bad_inputs_leave_no_flow(
    ctx: Context,
    inputs: dict[str, object] | None,
    texts: dict[str, str] | None,
    message: str,
) -> None:
    publish(ctx, LOAN)
    with pytest.raises(InputError, match=message):
        flows.launch(ctx, "Loan", inputs, texts=texts, originator="u")
    for table in (schema.flows, schema.storage, schema.history):
        assert rows(ctx, table) == []


def test_a_flow_runs_to_completion(ctx: Context, clock: Clock, runner: Runner) -> None:
    publish(ctx, LOAN)
    flow = flows.launch(ctx, "Loan", {"Applicant": "Ann", "Amount": 10}, originator="olga")
    [row] = rows(ctx, schema.flows, id=flow)
    assert (row["status"], row["runnable"], row["originator"], row["launch_mode"]) == (
        "running",
        True,
        "olga",
        "production",
    )
    assert row["details"] == "Ann · 10"

    runner.run_until_idle()
    [row] = rows(ctx, schema.flows, id=flow)
    assert (row["status"], row["state"], row["wait_kind"], row["runnable"]) == (
        "waiting",
        "Intake",
        "timer",
        False,
    )
    assert row["details"] == "Ann! · 10"  # details follow the variables
    assert rows(ctx, schema.completion) == []

    clock.advance(minutes=1)
    runner.run_until_idle()
    found = flows.details(ctx, flow)
    assert found.record.status == "completed"
    assert found.record.state == "Review"
    assert found.record.details == "Ann! · 20"
    assert found.position.variables["Who"] == UserRef("olga")
    assert found.position.variables["Test"] is False
    assert found.completion is not None
    assert (found.completion["status"], found.completion["ended_at"]) == ("completed", clock.now)
    assert found.record.ended_at == clock.now
    events = [h.event for h in found.history]
    assert events[0] == "launched" and events[-1] == "completed"
    assert "action" in events
    places = [h.place for h in found.history if h.event == "action"]
    assert any("Review" in p for p in places)


def test_launch_modes_and_originator(ctx: Context, runner: Runner) -> None:
    publish(ctx, LOAN)
    flow = flows.launch(
        ctx, "Loan", {"Applicant": "T", "Amount": 1}, originator="tess", mode="test"
    )
    runner.run_until_idle()
    found = flows.details(ctx, flow)
    assert found.record.status == "waiting"
    assert found.record.launch_mode == "test"
    assert found.position.variables["Test"] is True
    assert found.record.originator == "tess"
    assert found.position.variables["Who"] == UserRef("tess")
    assert found.history[0].detail == "by tess (test)"
    with pytest.raises(NotAllowed, match="launch mode 'staging'"):
        flows.launch(ctx, "Loan", {"Amount": 1}, originator="tess", mode="staging")
    with pytest.raises(NotFound, match="no process named 'Lona'"):
        flows.launch(ctx, "Lona", {"Amount": 1}, originator="tess")


def test_numeric_ids_increase(ctx: Context) -> None:
    publish(ctx, LOAN)
    ids = [
        flows.launch(ctx, "Loan", {"Applicant": "A", "Amount": n}, originator="u") for n in range(5)
    ]
    assert ids == sorted(ids) and len(set(ids)) == 5


def test_notes(ctx: Context) -> None:
    publish(ctx, LOAN)
    flow = flows.launch(ctx, "Loan", {"Amount": 1}, originator="u")
    flows.add_note(ctx, flow, "mia", "  called the customer  ")
    flows.add_note(ctx, flow, "max", "waiting for papers")
    notes = flows.details(ctx, flow).notes
    assert [(n["author"], n["text"]) for n in notes] == [
        ("mia", "called the customer"),
        ("max", "waiting for papers"),
    ]
    with pytest.raises(NotAllowed, match="needs some text"):
        flows.add_note(ctx, flow, "mia", "   ")
    with pytest.raises(NotFound, match="no flow #999999"):
        flows.add_note(ctx, 999_999, "mia", "hello")


def test_search_by_status_and_process(ctx: Context, clock: Clock, runner: Runner) -> None:
    publish(ctx, LOAN)
    publish(ctx, LOAN.replace("process: Loan", "process: Lease"))
    loans = [
        flows.launch(ctx, "Loan", {"Applicant": "A", "Amount": n}, originator="u") for n in range(3)
    ]
    lease = flows.launch(ctx, "Lease", {"Applicant": "L", "Amount": 1}, originator="u")
    runner.run_until_idle()
    flows.cancel(ctx, loans[0], "duplicate", by="boss")

    assert [f.id for f in flows.search(ctx, process="Loan")] == loans[::-1]
    assert [f.id for f in flows.search(ctx, status=["waiting"])] == [lease, loans[2], loans[1]]
    assert [f.id for f in flows.search(ctx, status=["cancelled"])] == [loans[0]]
    assert [f.id for f in flows.search(ctx, status=["waiting"], process="Lease")] == [lease]
    assert len(flows.search(ctx, limit=2)) == 2


def test_no_variable_value_leaves_the_flow_storage(
    ctx: Context, clock: Clock, runner: Runner, handlers: Handlers
) -> None:
    handlers.register("echo", lambda text: {"text": text})
    publish(ctx, SECRETIVE)
    flow = flows.launch(ctx, "Secretive", {"Pin": SECRET}, originator="u")
    flows.add_note(ctx, flow, "mia", "a note without values")
    runner.run_until_idle()
    clock.advance(minutes=5)
    runner.run_until_idle()
    found = flows.details(ctx, flow)
    assert found.record.status == "completed"
    assert found.position.variables["Reply"] == SECRET * 2  # the value went where it should
    for table in (schema.history, schema.calls, schema.notes, schema.flows, schema.completion):
        text = repr(rows(ctx, table))
        assert SECRET not in text, f"{table.name} holds a variable value"
    assert len(rows(ctx, schema.history, flow_id=flow)) > 4
