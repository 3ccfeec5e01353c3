"""Wait, Run Handler and Run Process: the flow suspends with an effect and resumes on delivery."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from openpas.engine.effects import CallHandler, StartProcess, StartTimer
from openpas.engine.position import Status
from openpas.expr.values import NOT_SET

from .conftest import NOW, Flow, roundtrip, run

# ---------------------------------------------------------------------- wait

WAIT_FOR = """
process: P
start: A
variables:
  Woke: datetime
states:
  A:
    actions:
      - wait: 1h30m
      - assign: {Woke: =Now()}
      - end process
"""


def test_wait_for_a_duration_suspends_with_a_timer_due_after_it() -> None:
    flow = run(WAIT_FOR)
    assert flow.status is Status.WAITING
    assert flow.position.wait is not None
    assert flow.position.wait.kind == "timer"
    [timer] = flow.effects
    assert isinstance(timer, StartTimer)
    assert timer.due == NOW + dt.timedelta(hours=1, minutes=30)
    assert timer.key == flow.position.wait.key
    assert ("state 'A', actions[0]", "wait", "waits for timer") in flow.trace


def test_the_timer_key_resumes_the_flow() -> None:
    flow = run(WAIT_FOR)
    [timer] = flow.effects
    flow.now = timer.due
    assert flow.deliver(timer.key, exit="done")
    assert flow.status is Status.RUNNING
    assert flow.position.wait is None
    flow.run()
    assert flow.status is Status.COMPLETED
    assert flow.variables["Woke"] == timer.due


def test_a_wrong_key_is_ignored() -> None:
    flow = run(WAIT_FOR)
    [timer] = flow.effects
    assert not flow.deliver("timer-999", exit="done")
    assert flow.status is Status.WAITING
    assert flow.position.wait is not None and flow.position.wait.key == timer.key
    # A duplicate delivery after the flow moved on is ignored too.
    assert flow.deliver(timer.key, exit="done")
    assert not flow.deliver(timer.key, exit="done")


def test_wait_until_a_time() -> None:
    flow = run(
        """
        process: P
        start: A
        variables:
          Due: {type: datetime, initial: 2030-03-04T05:06:07+01:00}
        states:
          A:
            actions:
              - wait: {until: =Due}
              - wait: {until: '=AddDays(Due, 1)'}
              - end process
        """
    )
    [timer] = flow.effects
    assert isinstance(timer, StartTimer)
    assert timer.due == dt.datetime(2030, 3, 4, 4, 6, 7, tzinfo=dt.UTC)
    flow.deliver(timer.key, exit="done")
    flow.run()
    assert flow.status is Status.WAITING
    second = flow.effects[-1]
    assert second.due == timer.due + dt.timedelta(days=1)
    assert second.key != timer.key


def test_wait_keys_are_unique_in_a_loop() -> None:
    flow = run(
        """
        process: P
        start: A
        states:
          A:
            actions:
              - loop:
                  times: 3
                  do: [wait: 1s]
              - end process
        """
    )
    keys = []
    while flow.status is Status.WAITING:
        [timer] = flow.steps[-1].effects
        keys.append(timer.key)
        flow.deliver(timer.key, exit="done")
        flow.run()
    assert flow.status is Status.COMPLETED
    assert len(set(keys)) == 3


def test_wait_for_a_not_set_duration_fails_the_flow() -> None:
    flow = run(
        """
        process: P
        start: A
        variables:
          Pause: duration
        states:
          A:
            actions:
              - wait: {for: =Pause}
              - end process
        """
    )
    assert flow.status is Status.ERROR
    assert flow.error == "state 'A', actions[0]: the duration to wait is NOT SET"
    assert flow.effects == []


# ---------------------------------------------------------------------- run handler

HANDLER = """
process: P
start: A
inputs:
  SSN: {type: string, initial: 123-45-6789}
variables:
  Score: {type: integer, max: 850}
  Outcome: string
states:
  A:
    actions:
      - run handler:
          handler: credit_bureau.score
          parameters: {ssn: =SSN, year: =2000 + 30}
          results: {score: Score}
          timeout: 10s
          exits:
            success: [assign: {Outcome: scored}]
            failure: [assign: {Outcome: failed}]
            timeout: [assign: {Outcome: timed out}]
            NotFound: [assign: {Outcome: unknown}]
      - end process
"""


def _called(text: str = HANDLER) -> tuple[Flow, CallHandler]:
    flow = run(text)
    assert flow.status is Status.WAITING
    [call] = flow.effects
    assert isinstance(call, CallHandler)
    return flow, call


def test_run_handler_suspends_with_a_call_of_typed_parameters() -> None:
    flow, call = _called()
    assert call.handler == "credit_bureau.score"
    assert call.parameters == {"ssn": "123-45-6789", "year": 2030}
    assert call.wait is True
    assert call.timeout == 10.0
    assert call.default_timeout is False
    assert call.retry is False
    assert flow.position.wait is not None
    assert flow.position.wait.kind == "call"
    assert flow.position.wait.key == call.key


def test_a_reply_sets_the_result_variables_and_takes_success() -> None:
    flow, call = _called()
    assert flow.deliver(call.key, exit="success", outputs={"score": 720, "extra": "ignored"})
    flow.run()
    assert flow.status is Status.COMPLETED
    assert flow.variables["Score"] == 720
    assert flow.variables["Outcome"] == "scored"


def test_a_reply_with_a_named_result_takes_that_exit() -> None:
    flow, call = _called()
    flow.deliver(call.key, exit="NotFound", outputs={})
    flow.run()
    assert flow.variables["Outcome"] == "unknown"
    assert flow.variables["Score"] is NOT_SET


def test_an_unknown_result_name_takes_failure() -> None:
    flow, call = _called()
    flow.deliver(call.key, exit="Surprise", outputs={})
    flow.run()
    assert flow.variables["Outcome"] == "failed"


def test_failure_and_timeout_take_their_exits_without_results() -> None:
    for exit_name, outcome in (("failure", "failed"), ("timeout", "timed out")):
        flow, call = _called()
        flow.deliver(call.key, exit=exit_name, outputs={"score": 1})
        flow.run()
        assert flow.status is Status.COMPLETED
        assert flow.variables["Outcome"] == outcome
        assert flow.variables["Score"] is NOT_SET


def test_a_result_of_the_wrong_type_stops_the_flow_on_the_handler() -> None:
    flow, call = _called()
    assert flow.deliver(call.key, exit="success", outputs={"score": "seven hundred"})
    assert flow.status is Status.ERROR
    assert flow.error is not None
    assert flow.error.startswith("state 'A', actions[0]: Process.Score is a integer")
    assert "seven hundred" not in flow.error
    assert flow.variables["Score"] is NOT_SET


def test_a_result_breaking_a_rule_stops_the_flow_without_showing_it() -> None:
    flow, call = _called()
    flow.deliver(call.key, exit="success", outputs={"score": 9999})
    assert flow.status is Status.ERROR
    assert flow.error == "state 'A', actions[0]: Process.Score: must be at most 850"


def test_a_handler_not_waited_for_continues_at_once_with_its_call() -> None:
    flow = run(
        """
        process: P
        start: A
        variables:
          After: {type: boolean, initial: false}
        states:
          A:
            actions:
              - run handler:
                  handler: audit.log
                  parameters: {what: '"started"'}
                  wait: false
              - assign: {After: true}
              - end process
        """
    )
    assert flow.status is Status.COMPLETED
    assert flow.variables["After"] is True
    [call] = flow.effects
    assert isinstance(call, CallHandler)
    assert call.wait is False
    assert call.parameters == {"what": "started"}
    assert call.default_timeout is True


def test_a_handler_without_timeout_uses_the_server_default_and_zero_means_none() -> None:
    _, call = _called(HANDLER.replace("timeout: 10s", "retry: true"))
    assert call.timeout is None
    assert call.default_timeout is True
    assert call.retry is True
    _, call = _called(HANDLER.replace("timeout: 10s", "timeout: 0s"))
    assert call.timeout is None
    assert call.default_timeout is False


# ---------------------------------------------------------------------- run process

SUBPROCESS = """
process: P
start: A
variables:
  Name: {type: string, initial: Ann}
  Reply: string
  Done: {type: boolean, initial: false}
states:
  A:
    actions:
      - run process:
          process: Kid
          inputs: {Name: =Name, Count: =1 + 2}
          outputs: {Answer: Reply}
          exits:
            success: [assign: {Done: true}]
      - end process
"""


def test_run_process_starts_a_subprocess_and_waits_for_its_outputs() -> None:
    flow = run(SUBPROCESS)
    assert flow.status is Status.WAITING
    [start] = flow.effects
    assert isinstance(start, StartProcess)
    assert start.process == "Kid"
    assert start.inputs == {"Name": "Ann", "Count": 3}
    assert start.wait is True
    assert start.outputs == ("Answer",)
    assert flow.position.wait is not None
    assert flow.position.wait.kind == "subprocess"
    assert flow.position.wait.key == start.key
    assert flow.deliver(start.key, exit="success", outputs={"Answer": "hello Ann"})
    flow.run()
    assert flow.status is Status.COMPLETED
    assert flow.variables["Reply"] == "hello Ann"
    assert flow.variables["Done"] is True


def test_a_subprocess_output_of_the_wrong_type_stops_the_flow() -> None:
    flow = run(SUBPROCESS)
    [start] = flow.effects
    flow.deliver(start.key, exit="success", outputs={"Answer": 42})
    assert flow.status is Status.ERROR
    assert "Process.Reply is a string" in (flow.error or "")


def test_a_subprocess_not_waited_for_continues_at_once() -> None:
    flow = run(
        """
        process: P
        start: A
        states:
          A:
            actions:
              - run process: {process: Kid, wait: false}
              - end process
        """
    )
    assert flow.status is Status.COMPLETED
    [start] = flow.effects
    assert isinstance(start, StartProcess)
    assert start.wait is False


def test_a_waiting_flow_survives_json_and_resumes() -> None:
    flow = run(SUBPROCESS)
    [start] = flow.effects
    flow.position = roundtrip(flow.position, flow.definition)
    assert flow.status is Status.WAITING
    assert flow.deliver(start.key, exit="success", outputs={"Answer": "hi"})
    flow.run()
    assert flow.variables["Reply"] == "hi"


def test_wait_until_keeps_its_zone() -> None:
    flow = run(
        """
        process: P
        start: A
        timezone: Europe/Paris
        states:
          A:
            actions:
              - wait: {until: 2030-07-01T09:00}
              - end process
        """
    )
    [timer] = flow.effects
    assert timer.due == dt.datetime(2030, 7, 1, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
