"""Durability: a flow saved and restored between any two steps ends exactly as one run straight.

A server stores a flow's position as JSON after every step and may restore it
anywhere, with its process compiled afresh. These tests drive the same flows
twice, once straight through and once with a JSON round trip (and a new
Program) between every step, and compare everything a user can observe:
final variables, status, error, trace and effects.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openpas.engine import interpreter
from openpas.engine import position as positions
from openpas.engine.effects import CallHandler, StartProcess, StartTimer
from openpas.engine.launch import launch
from openpas.engine.position import Status
from openpas.engine.program import Program
from openpas.model import Definition

from .conftest import NOW, facts, load

LOOPS = """
process: Loops
start: A
types:
  Line: {Item: string, Price: currency, Qty: integer}
inputs:
  Names: {type: list<string>, initial: [Ann, Bob, Eve]}
  Rounds: {type: integer, initial: 3}
variables:
  Name: string
  I: integer
  J: integer
  Value: {type: integer, initial: 100}
  Log: list<string>
  Rates: list<decimal>
  Line: Line
  Total: {type: currency, initial: 0 EUR}
states:
  A:
    actions:
      - loop:
          over: Names
          item: Name
          index: I
          do:
            - loop:
                times: =I
                index: J
                do:
                  - assign: {Log: '=Append(Log, Name & I & J)', Rates: '=Append(Rates, J / 4)'}
      - loop:
          times: =Rounds
          index: I
          do:
            - assign:
                Line.Item: ="item" & I
                Line.Price: =MakeCurrency(I * 1.25, "EUR")
                Line.Qty: =I
            - assign: {Total: =Total + Line.Price * Line.Qty}
      - loop:
          while: Value > 1
          do: [assign: {Value: =Value // 3}]
      - loop:
          while: Value > 1
          test: after
          do: [assign: {Log: '=Append(Log, "after")'}]
      - loop:
          over: Log
          item: Name
          do:
            - decision:
                if: Name = "after"
                yes: [change state: Done]
      - end process
  Done:
    actions: [end process]
"""

TASKS = """
process: Tasks
start: A
inputs:
  N: {type: integer, initial: 6}
variables:
  Result: integer
  Kind: string
  Seen: list<integer>
states:
  A:
    actions:
      - run task: {task: Fib, inputs: {K: =N}, outputs: {R: Result}}
      - run task:
          task: Classify
          inputs: {V: =Result}
          exits:
            default: [assign: {Kind: small}]
            Big: [assign: {Kind: big}]
      - end process
tasks:
  Fib:
    inputs: {K: integer}
    outputs: {R: integer}
    variables: {A: integer, B: integer}
    actions:
      - assign: {Seen: '=Append(Seen, K)'}
      - decision:
          if: K < 2
          yes:
            - assign: {R: =K}
            - end task
      - run task: {task: Fib, inputs: {K: =K - 1}, outputs: {R: A}}
      - run task: {task: Fib, inputs: {K: =K - 2}, outputs: {R: B}}
      - assign: {R: =A + B}
      - end task
  Classify:
    inputs: {V: integer}
    actions:
      - select:
          on: V
          cases:
            0: [end task]
            1: [end task]
          default:
            - decision:
                if: V > 5
                yes: [end task: Big]
      - end task
"""

STATES = """
process: States
start: Count
variables:
  Visits: {type: integer, initial: 0}
  Path: list<string>
  When: datetime
states:
  Count:
    variables:
      Mine: {type: integer, initial: =Visits * 10}
      Entered: {type: datetime, initial: =Now()}
    actions:
      - assign: {Visits: =Visits + 1, Mine: =Mine + 1, When: =Entered}
      - assign: {Path: '=Append(Path, "count" & Mine)'}
      - select:
          on: Visits
          cases:
            1: [change state: Count]
            2: [change state: {state: Review, inputs: {Reason: second}}]
          default: [change state: {state: Review, inputs: {Reason: ="later " & Visits}}]
  Review:
    inputs: {Reason: {type: string, required: true}}
    actions:
      - assign: {Path: '=Append(Path, Reason)'}
      - decision:
          if: Visits < 4
          yes: [change state: Count]
          no: [end process]
"""

WAITS = """
process: Waits
start: A
inputs:
  SSN: {type: string, initial: 123-45-6789}
variables:
  Score: integer
  Scores: list<integer>
  Reply: string
  Woke: list<datetime>
  I: integer
  Outcome: string
states:
  A:
    actions:
      - loop:
          times: 3
          index: I
          do:
            - wait: =ToDuration(I & "h")
            - assign: {Woke: '=Append(Woke, Now())'}
            - run task: {task: Check, inputs: {Attempt: =I}, outputs: {Got: Score}}
            - assign: {Scores: '=Append(Scores, Score)'}
      - wait: {until: '=AddDays(Now(), 1)'}
      - run handler:
          handler: audit.log
          parameters: {scores: =Scores}
          wait: false
      - run process:
          process: Kid
          inputs: {Name: =SSN}
          outputs: {Answer: Reply}
      - run handler:
          handler: credit_bureau.score
          parameters: {ssn: =SSN}
          results: {score: Score}
          exits:
            NotFound: [assign: {Outcome: none}]
            failure: [assign: {Outcome: failed}]
      - end process
tasks:
  Check:
    inputs: {Attempt: integer}
    outputs: {Got: integer}
    actions:
      - run handler:
          handler: credit_bureau.score
          parameters: {ssn: =SSN, attempt: =Attempt}
          results: {score: Got}
          timeout: 5s
          exits:
            failure: [assign: {Got: -1}]
      - end task
"""

FAILS = """
process: Fails
start: A
variables:
  I: integer
  Sum: {type: integer, initial: 0, max: 20}
states:
  A:
    actions:
      - loop:
          times: 10
          index: I
          do: [assign: {Sum: =Sum + I}]
      - end process
"""

DOCUMENTS = {"loops": LOOPS, "tasks": TASKS, "states": STATES, "waits": WAITS, "fails": FAILS}


@dataclass
class Observed:
    """Everything a user can see of a flow that ran out."""

    status: Status
    error: str | None
    variables: dict[str, Any]
    stored: str
    trace: list[tuple[str, str, str]]
    effects: list[Any]
    steps: int


def _world(wait: positions.Wait, effects: list[Any], now: dt.datetime) -> tuple[dict, dt.datetime]:
    """What happens outside: timers fire when due, handlers and subprocesses reply."""
    effect = next(e for e in reversed(effects) if getattr(e, "key", None) == wait.key)
    if isinstance(effect, StartTimer):
        return {"exit": "done"}, max(now, effect.due)
    later = now + dt.timedelta(seconds=7)
    if isinstance(effect, CallHandler):
        attempt = effect.parameters.get("attempt", 0)
        if attempt == 2:
            return {"exit": "failure"}, later
        return {"exit": "success", "outputs": {"score": 600 + attempt}}, later
    assert isinstance(effect, StartProcess)
    return {"exit": "success", "outputs": {"Answer": f"hello {effect.inputs['Name']}"}}, later


def drive(
    definition: Definition,
    budgets: Callable[[], int],
    restore: Callable[[int], bool],
    inputs: dict[str, Any] | None = None,
) -> Observed:
    """Run a flow out; before engine call ``n``, round-trip it through JSON if ``restore(n)``."""
    now = NOW
    program = Program(definition)
    position = launch(program, inputs or {}, facts(definition, now), now)
    trace: list[tuple[str, str, str]] = []
    effects: list[Any] = []
    for call in range(5_000):
        if restore(call):
            text = json.dumps(positions.dump(position, definition))
            position = positions.load(json.loads(text), definition)
            program = Program(definition)
        if position.status is Status.RUNNING:
            step = interpreter.advance(program, position, facts(definition, now), now, budgets())
            trace += step.trace
            effects += step.effects
        elif position.status is Status.WAITING:
            assert position.wait is not None
            event, now = _world(position.wait, effects, now)
            key = position.wait.key
            assert interpreter.deliver(program, position, facts(definition, now), now, key, event)
        else:
            break
    else:  # pragma: no cover - a flow of these tests that never ends is a bug
        pytest.fail("the flow did not end")
    return Observed(
        position.status,
        position.error,
        dict(position.variables),
        json.dumps(positions.dump(position, definition), sort_keys=True),
        trace,
        effects,
        position.steps,
    )


def straight(definition: Definition) -> Observed:
    return drive(definition, lambda: interpreter.DEFAULT_BUDGET, lambda call: False)


def test_the_documents_run_to_their_expected_ends() -> None:
    """The reference runs are themselves right, so comparing with them means something."""
    loops = straight(load(LOOPS))
    assert loops.status is Status.COMPLETED, loops.error
    assert loops.variables["Log"][:3] == ("Ann11", "Bob21", "Bob22")
    assert str(loops.variables["Total"]) == "17.50 EUR"
    tasks = straight(load(TASKS))
    assert (tasks.status, tasks.variables["Result"], tasks.variables["Kind"]) == (
        Status.COMPLETED,
        8,
        "big",
    )
    states = straight(load(STATES))
    assert states.variables["Path"] == (
        "count1",
        "count11",
        "second",
        "count21",
        "later 3",
        "count31",
        "later 4",
    )
    waits = straight(load(WAITS))
    assert waits.status is Status.COMPLETED, waits.error
    assert waits.variables["Scores"] == (601, -1, 603)
    assert waits.variables["Reply"] == "hello 123-45-6789"
    assert len(waits.variables["Woke"]) == 3
    assert [type(e).__name__ for e in waits.effects].count("StartTimer") == 4
    fails = straight(load(FAILS))
    assert fails.status is Status.ERROR
    assert fails.error == "state 'A', actions[0].do[0]: Process.Sum: must be at most 20"


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_saving_between_every_action_changes_nothing(name: str) -> None:
    definition = load(DOCUMENTS[name])
    expected = straight(definition)
    observed = drive(definition, lambda: 1, lambda call: True)
    assert observed == expected


def _budgets(values: list[int]) -> Callable[[], int]:
    cycle: Iterator[int] = iter(values * 10_000)
    return lambda: next(cycle)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(DOCUMENTS)),
    budgets=st.lists(st.integers(min_value=1, max_value=7), min_size=1, max_size=6),
    splits=st.frozensets(st.integers(min_value=0, max_value=120), max_size=40),
)
def test_any_budgets_and_restore_points_change_nothing(
    name: str, budgets: list[int], splits: frozenset[int]
) -> None:
    definition = load(DOCUMENTS[name])
    expected = straight(definition)
    observed = drive(definition, _budgets(budgets), splits.__contains__)
    assert observed == expected
