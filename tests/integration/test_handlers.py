"""Run Handler on a real database: outcomes, timeouts, the calls table, restore after a crash."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable

import pytest

from openpas.expr.values import NOT_SET
from openpas.service import flows
from openpas.service.context import Context
from openpas.service.handlers import HandlerResult, Handlers
from openpas.service.runner import Runner
from openpas.service.steps import PendingCall
from openpas.store import schema

from .conftest import settings
from .support import publish, rows

SCORE = """
    process: Score
    start: A
    inputs: {Ssn: string}
    variables: {Score: integer, Outcome: string}
    states:
      A:
        actions:
          - run handler:
              handler: bureau
              parameters: {ssn: =Ssn}
              results: {score: Score}
              {options}
              exits:
                failure: [{assign: {Outcome: failed}}, end process]
                timeout: [{assign: {Outcome: timed out}}, end process]
                NotFound: [{assign: {Outcome: unknown person}}, end process]
          - assign: {Outcome: scored}
          - end process
"""


def score(options: str = "") -> str:
    return SCORE.replace("{options}", options or "wait: true")


def outcome(ctx: Context, flow: int) -> tuple[str, object, object]:
    found = flows.details(ctx, flow)
    return (
        found.record.status,
        found.position.variables["Outcome"],
        found.position.variables["Score"],
    )


def bureau(calls: Counter[str]) -> Callable[..., object]:
    def handler(ssn: str) -> object:
        calls[ssn] += 1
        if ssn == "boom":
            raise RuntimeError("the bureau is down")
        if ssn == "nobody":
            return HandlerResult("NotFound")
        if ssn == "slow":
            time.sleep(0.6)
        return {"score": 700 + len(ssn)}

    return handler


@pytest.fixture
def calls(handlers: Handlers) -> Counter[str]:
    made: Counter[str] = Counter()
    handlers.register("bureau", bureau(made))
    return made


@pytest.mark.parametrize(
    ("ssn", "expected"),
    [
        ("123", ("completed", "scored", 703)),
        ("boom", ("completed", "failed", None)),
        ("nobody", ("completed", "unknown person", None)),
        ("slow", ("completed", "timed out", None)),
    ],
)
def test_handler_outcomes(
    ctx: Context, runner: Runner, calls: Counter[str], ssn: str, expected: tuple[object, ...]
) -> None:
    publish(ctx, score("timeout: 200ms"))
    flow = flows.launch(ctx, "Score", {"Ssn": ssn}, originator="u")
    runner.run_until_idle()
    status, said, value = outcome(ctx, flow)
    assert (status, said, None if value is NOT_SET else value) == expected
    assert calls[ssn] == 1
    [call] = rows(ctx, schema.calls, flow_id=flow)
    assert call["target"] == "bureau"
    assert call["ended_at"] is not None
    if ssn == "boom":
        assert (call["status"], call["result"]) == ("failed", "failure")
        assert "RuntimeError: the bureau is down" in call["error"]
    elif ssn == "slow":
        assert (call["status"], call["result"]) == ("timed-out", "timeout")
        assert "did not reply within 0.2 s" in call["error"]
    else:
        assert call["status"] == "done" and call["error"] is None


def test_an_unknown_handler_takes_the_failure_exit(ctx: Context, runner: Runner) -> None:
    publish(ctx, score().replace("handler: bureau", "handler: nowhere"))
    flow = flows.launch(ctx, "Score", {"Ssn": "1"}, originator="u")
    runner.run_until_idle()
    assert outcome(ctx, flow)[:2] == ("completed", "failed")
    [call] = rows(ctx, schema.calls, flow_id=flow)
    assert call["error"] == "no handler named 'nowhere' is registered"


def test_a_handler_not_waited_for(ctx: Context, runner: Runner, handlers: Handlers) -> None:
    release = threading.Event()
    seen: list[str] = []

    def notify(ssn: str) -> None:
        release.wait(5)
        seen.append(ssn)

    handlers.register("notify", notify)
    document = """
        process: Tell
        start: A
        inputs: {Ssn: string}
        variables: {Outcome: string}
        states:
          A:
            actions:
              - run handler: {handler: notify, parameters: {ssn: =Ssn}, wait: false}
              - assign: {Outcome: told}
              - end process
    """
    publish(ctx, document)
    flow = flows.launch(ctx, "Tell", {"Ssn": "42"}, originator="u")
    assert runner.step() == 1
    assert flows.details(ctx, flow).record.status == "completed"  # it did not wait
    [call] = rows(ctx, schema.calls, flow_id=flow)
    assert (call["status"], call["wait"]) == ("in-flight", False)
    release.set()
    assert runner.drain(5)
    assert seen == ["42"]
    [call] = rows(ctx, schema.calls, flow_id=flow)
    assert call["status"] == "done"


def test_the_default_timeout_is_the_server_parameter(
    ctx: Context, runner: Runner, calls: Counter[str]
) -> None:
    ctx.settings = settings(PAS_HandlerResponseTimeout=0.2)
    publish(ctx, score())
    flow = flows.launch(ctx, "Score", {"Ssn": "slow"}, originator="u")
    runner.run_until_idle()
    assert outcome(ctx, flow)[:2] == ("completed", "timed out")


def test_the_calls_table_shows_a_call_in_flight_then_done(
    ctx: Context, runner: Runner, handlers: Handlers
) -> None:
    release = threading.Event()
    handlers.register("bureau", lambda ssn: {"score": 1} if release.wait(5) else {})
    publish(ctx, score())
    flow = flows.launch(ctx, "Score", {"Ssn": "1"}, originator="u")
    runner.step()
    [call] = rows(ctx, schema.calls, flow_id=flow)
    assert (call["status"], call["ended_at"]) == ("in-flight", None)
    assert flows.details(ctx, flow).record.wait_kind == "call"
    release.set()
    runner.run_until_idle()
    [call] = rows(ctx, schema.calls, flow_id=flow)
    assert call["status"] == "done"
    assert outcome(ctx, flow) == ("completed", "scored", 1)


def crash_during_call(ctx: Context, make_runner: Callable[[], Runner], document: str) -> int:
    """A flow whose call was recorded in flight and never made: the server died meanwhile."""
    publish(ctx, document)
    flow = flows.launch(ctx, "Score", {"Ssn": "123"}, originator="u")
    doomed = make_runner()
    dropped: list[PendingCall] = []
    doomed._submit = dropped.append  # type: ignore[method-assign]
    assert doomed.step() == 1
    assert len(dropped) == 1
    [call] = rows(ctx, schema.calls, flow_id=flow)
    assert call["status"] == "in-flight"
    return flow


def test_restore_puts_a_flow_with_a_call_in_flight_in_error_then_retry(
    ctx: Context, make_runner: Callable[[], Runner], calls: Counter[str]
) -> None:
    flow = crash_during_call(ctx, make_runner, score())
    runner = make_runner()
    report = runner.restore()
    assert (report.restored_in_error, report.calls_retried, report.owned) == (1, 0, 1)
    found = flows.details(ctx, flow)
    assert found.record.status == "restored-in-error"
    assert "'bureau' was running when the server stopped" in (found.record.error or "")
    assert [c.status for c in found.calls] == ["interrupted"]
    runner.run_until_idle()
    assert calls["123"] == 0  # nothing is called again without a person deciding so

    flows.retry(ctx, flow, by="boss")
    runner.run_until_idle()
    assert outcome(ctx, flow) == ("completed", "scored", 703)
    assert calls["123"] == 1
    assert [c.status for c in flows.details(ctx, flow).calls] == ["interrupted", "done"]


def test_restore_then_skip_takes_the_success_exit(
    ctx: Context, make_runner: Callable[[], Runner], calls: Counter[str]
) -> None:
    flow = crash_during_call(ctx, make_runner, score())
    runner = make_runner()
    runner.restore()
    assert flows.skip(ctx, flow, by="boss") == "success"
    runner.run_until_idle()
    assert outcome(ctx, flow)[:2] == ("completed", "scored")
    assert calls["123"] == 0


def test_an_idempotent_call_is_made_again_by_the_restore(
    ctx: Context, make_runner: Callable[[], Runner], calls: Counter[str]
) -> None:
    flow = crash_during_call(ctx, make_runner, score("retry: true"))
    runner = make_runner()
    report = runner.restore()
    assert (report.restored_in_error, report.calls_retried) == (0, 1)
    runner.run_until_idle()
    assert outcome(ctx, flow) == ("completed", "scored", 703)
    assert calls["123"] == 1
    # A second restore finds nothing in flight and calls nothing again.
    assert make_runner().restore().calls_retried == 0
    assert calls["123"] == 1
