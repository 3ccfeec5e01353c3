"""The in-memory runner behind ``openpas run``: a flow run out without storage."""

from __future__ import annotations

import datetime as dt

import pytest

from openpas.engine.memory import describe_wait, run_in_memory
from openpas.engine.position import Status
from openpas.errors import FlowError, InputError

from .conftest import NOW, load


def test_a_flow_runs_to_completion_with_its_inputs() -> None:
    definition = load(
        """
        process: P
        start: A
        inputs:
          N: {type: integer, initial: 3}
        variables:
          Total: {type: integer, initial: 0}
          Started: {type: datetime, initial: =Now()}
        states:
          A:
            actions:
              - loop: {times: =N, do: [assign: {Total: =Total + N}]}
              - end process
        """
    )
    position = run_in_memory(definition, {"N": 4}, clock=lambda: NOW)
    assert position.status is Status.COMPLETED
    assert position.variables["Total"] == 16
    assert position.variables["Started"] == NOW


def test_bad_inputs_are_refused() -> None:
    definition = load(
        """
        process: P
        start: A
        inputs:
          N: integer
        states:
          A:
            actions: [end process]
        """
    )
    with pytest.raises(InputError, match="M: the process has no input of that name"):
        run_in_memory(definition, {"M": 1})


ENDLESS = """
process: P
start: A
variables:
  Passes: {type: integer, initial: 0}
states:
  A:
    actions:
      - loop:
          while: true
          do: [assign: {Passes: =Passes + 1}]
      - end process
"""


def test_an_endless_loop_is_stopped_with_a_clear_error() -> None:
    position = run_in_memory(load(ENDLESS), {}, max_actions=1_000)
    assert position.status is Status.ERROR
    assert position.error == (
        "the flow ran 1,000 actions without waiting or ending; "
        "is there a loop whose condition never becomes false?"
    )
    assert position.steps <= 1_000
    assert describe_wait(position) == position.error


def test_the_limit_applies_to_a_small_budget_exactly() -> None:
    position = run_in_memory(load(ENDLESS), {}, max_actions=7)
    assert position.status is Status.ERROR
    assert position.steps == 7
    assert position.variables["Passes"] == 6


def test_a_waiting_flow_stops_and_says_what_it_waits_for() -> None:
    definition = load(
        """
        process: P
        start: A
        states:
          A:
            actions:
              - wait: 2h
              - end process
        """
    )
    times = iter([NOW, NOW + dt.timedelta(seconds=1)])
    position = run_in_memory(definition, {}, clock=lambda: next(times))
    assert position.status is Status.WAITING
    assert describe_wait(position).startswith("the flow waits for a timer (timer-")


def test_describe_wait_of_a_completed_flow_is_an_error() -> None:
    definition = load(
        """
        process: P
        start: A
        states:
          A:
            actions: [end process]
        """
    )
    position = run_in_memory(definition, {})
    assert position.status is Status.COMPLETED
    with pytest.raises(FlowError, match="the flow is completed"):
        describe_wait(position)
