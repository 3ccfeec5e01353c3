"""A failing action stops the flow in error where it stands; retry, skip, cancel repair it."""

from __future__ import annotations

import pytest

from openpas.engine import interpreter
from openpas.engine.position import Status
from openpas.errors import FlowError
from openpas.expr.values import NOT_SET

from .conftest import load, roundtrip, run, start

DIVIDE = """
process: P
start: A
inputs:
  Divisor: {type: integer, initial: 0}
variables:
  Result: integer
  Log: list<string>
states:
  A:
    actions:
      - assign: {Log: '=Append(Log, "before")'}
      - decision:
          if: true
          yes:
            - assign: {Result: =100 // Divisor}
      - assign: {Log: '=Append(Log, "after")'}
      - end process
"""


def test_an_evaluation_error_stops_the_flow_in_error_at_the_failed_action() -> None:
    flow = run(DIVIDE)
    assert flow.status is Status.ERROR
    assert flow.error is not None
    assert flow.error.startswith("state 'A', actions[1].yes[0]: ")
    assert "zero" in flow.error
    assert flow.variables["Log"] == ("before",)
    # The cursor is still on the failed action.
    assert flow.position.frame.cursor.block == (1, "yes")
    assert flow.position.frame.cursor.index == 0


def test_a_flow_in_error_does_not_run_on_its_own() -> None:
    flow = run(DIVIDE)
    steps = flow.position.steps
    flow.run()
    assert flow.status is Status.ERROR
    assert flow.position.steps == steps


def test_retry_runs_the_failed_action_again_after_its_cause_is_fixed() -> None:
    flow = run(DIVIDE)
    flow.position.variables["Divisor"] = 4
    interpreter.retry(flow.position)
    assert flow.status is Status.RUNNING
    assert flow.error is None
    flow.run()
    assert flow.status is Status.COMPLETED
    assert flow.variables["Result"] == 25
    assert flow.variables["Log"] == ("before", "after")


def test_retry_without_fixing_fails_the_same_way() -> None:
    flow = run(DIVIDE)
    first = flow.error
    interpreter.retry(flow.position)
    flow.run()
    assert flow.status is Status.ERROR
    assert flow.error == first


def test_retry_after_a_restore_from_json() -> None:
    flow = run(DIVIDE)
    flow.position = roundtrip(flow.position, flow.definition)
    assert flow.status is Status.ERROR
    flow.position.variables["Divisor"] = 5
    interpreter.retry(flow.position)
    flow.run()
    assert flow.variables["Result"] == 20


def test_skip_continues_after_the_failed_action() -> None:
    flow = run(DIVIDE)
    taken = interpreter.skip(flow.program, flow.position)
    assert taken == "done"
    flow.run()
    assert flow.status is Status.COMPLETED
    assert flow.variables["Result"] is NOT_SET
    assert flow.variables["Log"] == ("before", "after")


DECIDE = """
process: P
start: A
variables:
  X: integer
  Taken: string
states:
  A:
    actions:
      - decision:
          if: X > 1
          yes: [assign: {Taken: yes}]
          no: [assign: {Taken: no}]
      - end process
"""


def test_an_expression_on_not_set_fails_naming_the_variable() -> None:
    flow = run(DECIDE)
    assert flow.status is Status.ERROR
    assert flow.error is not None
    assert "state 'A', actions[0]" in flow.error
    assert "X is NOT SET" in flow.error


def test_skip_takes_the_first_exit_by_default() -> None:
    flow = run(DECIDE)
    assert interpreter.skip(flow.program, flow.position) == "yes"
    flow.run()
    assert flow.variables["Taken"] == "yes"


def test_skip_takes_a_named_exit() -> None:
    flow = run(DECIDE)
    assert interpreter.skip(flow.program, flow.position, "no") == "no"
    flow.run()
    assert flow.status is Status.COMPLETED
    assert flow.variables["Taken"] == "no"


def test_skip_refuses_an_exit_the_action_does_not_have() -> None:
    flow = run(DECIDE)
    with pytest.raises(FlowError, match=r"no exit 'maybe'; its exits: yes, no"):
        interpreter.skip(flow.program, flow.position, "maybe")
    assert flow.status is Status.ERROR
    assert flow.position.frame.cursor.index == 0


def test_skip_refuses_a_named_exit_on_an_action_without_exits() -> None:
    flow = run(DIVIDE)
    with pytest.raises(FlowError, match=r"no exit 'yes'"):
        interpreter.skip(flow.program, flow.position, "yes")
    assert flow.status is Status.ERROR
    assert flow.position.frame.cursor.block == (1, "yes")


def test_cancel_stops_the_flow_for_good() -> None:
    flow = run(DECIDE)
    interpreter.cancel(flow.position, "cancelled by ann: duplicate")
    assert flow.status is Status.CANCELLED
    assert flow.status.is_final
    assert flow.error == "cancelled by ann: duplicate"
    flow.run()
    assert flow.status is Status.CANCELLED


def test_cancel_a_waiting_flow_forgets_what_it_waited_for() -> None:
    flow = run(
        """
        process: P
        start: A
        states:
          A:
            actions:
              - wait: 1h
              - end process
        """
    )
    assert flow.status is Status.WAITING
    key = flow.position.wait.key if flow.position.wait else ""
    interpreter.cancel(flow.position, "no longer needed")
    assert flow.position.wait is None
    assert not flow.deliver(key, exit="done")
    assert flow.status is Status.CANCELLED


# ---------------------------------------------------------------------- atomic actions


def test_an_assign_that_fails_half_way_changes_nothing_so_retry_is_safe() -> None:
    flow = run(
        """
        process: P
        start: A
        inputs:
          Divisor: {type: integer, initial: 0}
        variables:
          Count: {type: integer, initial: 0}
          Result: integer
        states:
          A:
            actions:
              - assign: {Count: =Count + 1, Result: =10 // Divisor}
              - end process
        """
    )
    assert flow.status is Status.ERROR
    assert flow.variables["Count"] == 0
    flow.position.variables["Divisor"] = 2
    interpreter.retry(flow.position)
    flow.run()
    assert flow.status is Status.COMPLETED
    assert flow.variables["Count"] == 1
    assert flow.variables["Result"] == 5


LOOP_ITEMS = """
process: P
start: A
inputs:
  Codes: {type: list<string>, initial: [ABC, TOO-LONG, XYZ]}
variables:
  Code: {type: string, max length: 3}
  Seen: list<string>
states:
  A:
    actions:
      - assign: {Seen: '=Append(Seen, "start")'}
      - loop:
          over: Codes
          item: Code
          do: [assign: {Seen: '=Append(Seen, Code)'}]
      - end process
"""


def test_a_loop_whose_first_item_breaks_a_rule_fails_on_the_loop() -> None:
    flow = run(LOOP_ITEMS, {"Codes": ("LONGER",)})
    assert flow.status is Status.ERROR
    assert flow.error is not None
    assert flow.error.startswith("state 'A', actions[1]: ")
    assert "Process.Code: must have at most 3 characters" in flow.error
    assert "LONGER" not in flow.error
    # Retrying after fixing the collection runs the loop from the start.
    assert flow.position.frame.cursor.index == 1
    flow.position.variables["Codes"] = ("DEF",)
    interpreter.retry(flow.position)
    flow.run()
    assert flow.status is Status.COMPLETED, flow.error
    assert flow.variables["Seen"] == ("start", "DEF")


def test_a_loop_item_breaking_a_rule_later_fails_on_the_loop_and_skip_leaves_it() -> None:
    flow = run(LOOP_ITEMS)
    assert flow.status is Status.ERROR
    assert flow.error == "state 'A', actions[1]: Process.Code: must have at most 3 characters"
    assert flow.variables["Seen"] == ("start", "ABC")
    flow.position.variables["Codes"] = ("ABC", "DEF", "XYZ")
    interpreter.retry(flow.position)
    flow.run()
    # The loop took its items when it started: the second pass still sees TOO-LONG.
    assert flow.status is Status.ERROR
    assert flow.variables["Seen"] == ("start", "ABC")
    # Skipping the loop, which failed between passes, leaves it.
    with pytest.raises(FlowError, match="no exit 'do'"):
        interpreter.skip(flow.program, flow.position, "do")
    assert interpreter.skip(flow.program, flow.position) == "done"
    flow.run()
    assert flow.status is Status.COMPLETED, flow.error
    assert flow.variables["Seen"] == ("start", "ABC")


def test_a_loop_index_breaking_a_rule_does_not_lose_a_pass_on_retry() -> None:
    flow = run(
        """
        process: P
        start: A
        variables:
          Limit: {type: integer, initial: 2}
          I: {type: integer, max: 2}
          Passes: list<integer>
        states:
          A:
            actions:
              - loop:
                  times: 3
                  index: I
                  do: [assign: {Passes: '=Append(Passes, I)'}]
              - end process
        """
    )
    assert flow.status is Status.ERROR
    # Between passes the loop itself is at fault, not an action past the end of its body.
    assert flow.error == "state 'A', actions[0]: Process.I: must be at most 2"
    assert flow.variables["Passes"] == (1, 2)
    interpreter.retry(flow.position)
    flow.run()
    # Still the third pass that fails: retrying never skips a pass.
    assert flow.status is Status.ERROR
    assert flow.variables["Passes"] == (1, 2)


TASK_OUTPUT = """
process: P
start: A
variables:
  Fee: {type: integer, max: 10}
  After: {type: boolean, initial: false}
states:
  A:
    actions:
      - run task: {task: Compute, outputs: {Charged: Fee}}
      - assign: {After: true}
      - end process
tasks:
  Compute:
    inputs: {Base: {type: integer, initial: 50}}
    outputs: {Charged: integer}
    actions:
      - assign: {Charged: =Base}
      - end task
"""


def test_a_task_output_breaking_a_rule_fails_on_end_task_and_retry_returns_again() -> None:
    flow = run(TASK_OUTPUT)
    assert flow.status is Status.ERROR
    assert flow.error is not None
    assert flow.error.startswith("task 'Compute', actions[1]: ")
    assert "Process.Fee: must be at most 10" in flow.error
    assert flow.variables["After"] is False
    # The task is still there to be repaired: change its output, retry the End Task.
    assert [f.kind for f in flow.position.frames] == ["state", "task"]
    flow.position.frame.locals["Charged"] = 7
    interpreter.retry(flow.position)
    flow.run()
    assert flow.status is Status.COMPLETED
    assert flow.variables["Fee"] == 7
    assert flow.variables["After"] is True


def test_a_task_input_breaking_its_rule_fails_on_run_task() -> None:
    flow = run(
        """
        process: P
        start: A
        variables:
          Amount: {type: integer, initial: -5}
          Fee: integer
        states:
          A:
            actions:
              - run task: {task: Compute, inputs: {Base: =Amount}, outputs: {Charged: Fee}}
              - end process
        tasks:
          Compute:
            inputs: {Base: {type: integer, min: 0}}
            outputs: {Charged: integer}
            actions:
              - assign: {Charged: =Base * 2}
              - end task
        """
    )
    assert flow.status is Status.ERROR
    assert flow.error is not None
    assert flow.error.startswith("state 'A', actions[0]: ")
    assert "Base: must be at least 0" in flow.error
    assert [f.kind for f in flow.position.frames] == ["state"]
    flow.position.variables["Amount"] = 4
    interpreter.retry(flow.position)
    flow.run()
    assert flow.status is Status.COMPLETED
    assert flow.variables["Fee"] == 8


def test_a_state_whose_initial_value_fails_is_entered_on_retry_not_before() -> None:
    definition = load(
        """
        process: P
        start: A
        variables:
          Base: integer
          Seen: integer
        states:
          A:
            actions:
              - change state: B
          B:
            variables:
              Double: {type: integer, initial: =Base * 2}
            actions:
              - assign: {Seen: =Double}
              - end process
        """
    )
    flow = start(definition).run()
    assert flow.status is Status.ERROR
    assert flow.error is not None
    assert flow.error.startswith("state 'A', actions[0]: ")
    assert "Base is NOT SET" in flow.error
    assert flow.position.state == "A"
    flow.position.variables["Base"] = 21
    interpreter.retry(flow.position)
    flow.run()
    assert flow.status is Status.COMPLETED
    assert flow.variables["Seen"] == 42
