"""Every pure action kind at run time: what a flow's variables and trace show afterwards."""

from __future__ import annotations

from decimal import Decimal

import pytest

from openpas.engine import interpreter
from openpas.engine.position import Status
from openpas.expr.values import NOT_SET, Currency, Record

from .conftest import facts, run

# ---------------------------------------------------------------------- assign


def test_assign_sets_targets_in_order_and_later_ones_see_earlier_ones() -> None:
    flow = run(
        """
        process: P
        start: A
        variables:
          X: integer
          Y: integer
          Z: string
        states:
          A:
            actions:
              - assign: {X: 2, Y: =X * 10, Z: ='Y is ' & Y}
              - assign: {X: =Y + 1}
              - end process
        """
    )
    assert flow.status is Status.COMPLETED
    assert flow.variables["X"] == 21
    assert flow.variables["Y"] == 20
    assert flow.variables["Z"] == "Y is 20"


def test_assign_to_fields_of_a_complex_variable() -> None:
    flow = run(
        """
        process: P
        start: A
        types:
          Vehicle: {Make: string, Year: integer}
        variables:
          Car: Vehicle
        states:
          A:
            actions:
              - assign: {Car.Make: Volvo}
              - assign: {Car.Year: =2020 + 4}
              - end process
        """
    )
    assert flow.status is Status.COMPLETED
    car = flow.variables["Car"]
    assert isinstance(car, Record)
    assert dict(car) == {"Make": "Volvo", "Year": 2024}


def test_assign_a_complex_literal_then_change_one_field() -> None:
    flow = run(
        """
        process: P
        start: A
        types:
          Vehicle: {Make: string, Price: currency}
        variables:
          Car: Vehicle
        states:
          A:
            actions:
              - assign: {Car: {Make: Saab, Price: 100 EUR}}
              - assign: {Car.Make: Volvo}
              - end process
        """
    )
    assert dict(flow.variables["Car"]) == {
        "Make": "Volvo",
        "Price": Currency(Decimal("100"), "EUR"),
    }


def test_assign_widens_an_integer_to_a_decimal() -> None:
    flow = run(
        """
        process: P
        start: A
        variables:
          Rate: decimal
          Rates: list<decimal>
        states:
          A:
            actions:
              - assign: {Rate: =3, Rates: '=Append(Rates, 4)'}
              - end process
        """
    )
    assert flow.status is Status.COMPLETED
    assert flow.variables["Rate"] == Decimal(3)
    assert type(flow.variables["Rate"]) is Decimal
    assert [type(v) for v in flow.variables["Rates"]] == [Decimal]


SECRET_SCORE = """
process: P
start: A
variables:
  Score: {type: integer, min: 300, max: 850}
  Code: {type: string, pattern: '^[A-Z]{3}$'}
states:
  A:
    actions:
      - assign: {Score: 700}
      - assign: {Score: =Score + 987654}
      - end process
"""


def test_a_constraint_broken_at_run_time_fails_the_flow_without_showing_the_value() -> None:
    flow = run(SECRET_SCORE)
    assert flow.status is Status.ERROR
    assert flow.error is not None
    assert "state 'A', actions[1]" in flow.error
    assert "Score" in flow.error
    assert "must be at most 850" in flow.error
    assert "988354" not in flow.error
    # The variable keeps its last good value; the cursor stays on the failed action.
    assert flow.variables["Score"] == 700
    assert flow.position.frame.cursor.index == 1


def test_a_pattern_broken_at_run_time_names_the_field_not_the_value() -> None:
    flow = run(
        """
        process: P
        start: A
        variables:
          Code: {type: string, pattern: '^[A-Z]{3}$'}
        states:
          A:
            actions:
              - assign: {Code: =Lower("my-secret-text")}
              - end process
        """
    )
    assert flow.status is Status.ERROR
    assert flow.error is not None
    assert "Code" in flow.error and "does not match" in flow.error
    assert "my-secret-text" not in flow.error


# ---------------------------------------------------------------------- decision

DECISION = """
process: P
start: A
inputs:
  Age: {type: integer, required: true}
variables:
  Category: string
states:
  A:
    actions:
      - decision:
          if: Age < 18
          yes: [assign: {Category: Minor}]
          no: [assign: {Category: Adult}]
      - decision:
          if: Age > 100
          yes: [assign: {Category: Centenarian}]
      - end process
"""


@pytest.mark.parametrize(("age", "category"), [(5, "Minor"), (18, "Adult"), (101, "Centenarian")])
def test_decision_takes_yes_or_no_then_continues_after_it(age: int, category: str) -> None:
    flow = run(DECISION, {"Age": age})
    assert flow.status is Status.COMPLETED
    assert flow.variables["Category"] == category


def test_decision_trace_names_the_block_taken() -> None:
    flow = run(DECISION, {"Age": 30})
    assert ("state 'A', actions[0]", "decision", "no") in flow.trace
    assert ("state 'A', actions[1]", "decision", "no") in flow.trace


# ---------------------------------------------------------------------- select


def _select(on_type: str, cases: dict[str, str], value: str | None) -> str:
    initial = "" if value is None else f", initial: {value}"
    written = ", ".join(f"{key}: [assign: {{Picked: {picked}}}]" for key, picked in cases.items())
    return f"""
        process: P
        start: A
        variables:
          On: {{type: {on_type}{initial}}}
          Picked: string
        states:
          A:
            actions:
              - select:
                  on: On
                  cases: {{{written}}}
                  default: [assign: {{Picked: other}}]
              - end process
        """


@pytest.mark.parametrize(
    ("on_type", "cases", "value", "picked"),
    [
        ("string", {"FR": "fr", "US": "us"}, "US", "us"),
        ("string", {"FR": "fr"}, "fr", "other"),
        ("integer", {"1": "one", "2": "two"}, "2", "two"),
        ("integer", {"1": "one"}, "3", "other"),
        ("currency", {"100 USD": "hundred"}, "100.00 USD", "hundred"),
        ("currency", {"100 USD": "hundred"}, "100 EUR", "other"),
        ("date", {"2030-01-02": "newyear"}, "2030-01-02", "newyear"),
        ("string", {"FR": "fr"}, None, "other"),
        ("integer", {"0": "zero"}, None, "other"),
    ],
)
def test_select_takes_the_equal_case_else_the_default(
    on_type: str, cases: dict[str, str], value: str | None, picked: str
) -> None:
    flow = run(_select(on_type, cases, value))
    assert flow.status is Status.COMPLETED, flow.error
    assert flow.variables["Picked"] == picked


def test_select_without_default_continues_after_it() -> None:
    flow = run(
        """
        process: P
        start: A
        variables:
          Picked: {type: string, initial: none}
        states:
          A:
            actions:
              - select:
                  on: 1 + 1
                  cases:
                    3: [assign: {Picked: three}]
              - end process
        """
    )
    assert flow.status is Status.COMPLETED
    assert flow.variables["Picked"] == "none"


# ---------------------------------------------------------------------- loop

LOOP_OVER = """
process: P
start: A
inputs:
  Names: list<string>
variables:
  Name: string
  Seen: list<string>
  Index: integer
  Passes: {type: integer, initial: 0}
states:
  A:
    actions:
      - loop:
          over: Names
          item: Name
          index: Index
          do:
            - assign: {Seen: '=Append(Seen, Index & ":" & Name)', Passes: =Passes + 1}
      - end process
"""


def test_loop_over_a_collection_sets_item_and_index_each_pass() -> None:
    flow = run(LOOP_OVER, {"Names": ("Ann", "Bob", "Eve")})
    assert flow.status is Status.COMPLETED
    assert flow.variables["Seen"] == ("1:Ann", "2:Bob", "3:Eve")
    assert flow.variables["Name"] == "Eve"
    assert flow.variables["Index"] == 3


def test_loop_over_an_empty_collection_runs_no_pass() -> None:
    flow = run(LOOP_OVER, {"Names": ()})
    assert flow.status is Status.COMPLETED
    assert flow.variables["Passes"] == 0
    assert flow.variables["Name"] is NOT_SET
    assert flow.variables["Index"] is NOT_SET


def test_loop_over_takes_the_items_it_started_with() -> None:
    flow = run(
        """
        process: P
        start: A
        variables:
          Names: {type: list<string>, initial: [a, b]}
          Name: string
          Passes: {type: integer, initial: 0}
        states:
          A:
            actions:
              - loop:
                  over: Names
                  item: Name
                  do:
                    - assign: {Names: '=Append(Names, Name)', Passes: =Passes + 1}
              - end process
        """
    )
    assert flow.variables["Passes"] == 2
    assert flow.variables["Names"] == ("a", "b", "a", "b")


LOOP_TIMES = """
process: P
start: A
inputs:
  Count: {type: integer, initial: 3}
variables:
  Index: integer
  Sum: {type: integer, initial: 0}
states:
  A:
    actions:
      - loop:
          times: =Count
          index: Index
          do: [assign: {Sum: =Sum + Index}]
      - end process
"""


@pytest.mark.parametrize(("count", "total"), [(0, 0), (1, 1), (4, 10)])
def test_loop_times(count: int, total: int) -> None:
    flow = run(LOOP_TIMES, {"Count": count})
    assert flow.status is Status.COMPLETED
    assert flow.variables["Sum"] == total


def test_loop_times_not_set_fails_the_flow() -> None:
    flow = run(LOOP_TIMES.replace("initial: 3", "initial: 1"), {"Count": NOT_SET})
    assert flow.status is Status.ERROR
    assert flow.error is not None
    assert "NOT SET" in flow.error and "state 'A', actions[0]" in flow.error


LOOP_WHILE = """
process: P
start: A
inputs:
  Value: {type: integer, initial: 100}
variables:
  Passes: {type: integer, initial: 0}
states:
  A:
    actions:
      - loop:
          while: Value > 1
          test: TEST
          do: [assign: {Value: =Value // 2, Passes: =Passes + 1}]
      - end process
"""


@pytest.mark.parametrize(
    ("test", "value", "passes"),
    [("before", 100, 6), ("after", 100, 6), ("before", 1, 0), ("after", 1, 1)],
)
def test_loop_while_tests_before_or_after_each_pass(test: str, value: int, passes: int) -> None:
    flow = run(LOOP_WHILE.replace("TEST", test), {"Value": value})
    assert flow.status is Status.COMPLETED
    assert flow.variables["Passes"] == passes


def test_nested_loops_each_keep_their_own_count() -> None:
    flow = run(
        """
        process: P
        start: A
        variables:
          I: integer
          J: integer
          Cells: list<string>
        states:
          A:
            actions:
              - loop:
                  times: 3
                  index: I
                  do:
                    - loop:
                        times: =I
                        index: J
                        do: [assign: {Cells: '=Append(Cells, I & "." & J)'}]
              - end process
        """
    )
    assert flow.status is Status.COMPLETED
    assert flow.variables["Cells"] == ("1.1", "2.1", "2.2", "3.1", "3.2", "3.3")


def test_a_loop_body_may_leave_the_loop_by_changing_state() -> None:
    flow = run(
        """
        process: P
        start: A
        variables:
          I: integer
        states:
          A:
            actions:
              - loop:
                  times: 10
                  index: I
                  do:
                    - decision:
                        if: I = 3
                        yes: [change state: B]
              - end process
          B:
            actions: [end process]
        """
    )
    assert flow.status is Status.COMPLETED
    assert flow.variables["I"] == 3
    assert flow.position.state == "B"


# ---------------------------------------------------------------------- run task / end task

TASKS = """
process: P
start: A
inputs:
  Amount: {type: integer, initial: 10}
variables:
  Fee: integer
  Result: string
states:
  A:
    actions:
      - run task:
          task: Compute
          inputs: {Base: =Amount, Rate: 3}
          outputs: {Charged: Fee}
          exits:
            default: [assign: {Result: accepted}]
            Invalid: [assign: {Result: rejected}]
      - end process
tasks:
  Compute:
    inputs:
      Base: {type: integer, required: true}
      Rate: integer
    outputs:
      Charged: integer
    variables:
      Amount: {type: string, initial: shadow}
    actions:
      - decision:
          if: Base <= 0
          yes: [end task: Invalid]
      - assign: {Charged: =Base * Rate}
      - end task
"""


def test_run_task_passes_inputs_takes_outputs_and_the_default_exit() -> None:
    flow = run(TASKS, {"Amount": 7})
    assert flow.status is Status.COMPLETED
    assert flow.variables["Fee"] == 21
    assert flow.variables["Result"] == "accepted"
    assert flow.variables["Amount"] == 7
    assert [f.kind for f in flow.position.frames] == ["state"]


def test_run_task_takes_a_named_exit() -> None:
    flow = run(TASKS, {"Amount": -1})
    assert flow.status is Status.COMPLETED
    assert flow.variables["Result"] == "rejected"
    assert flow.variables["Fee"] is NOT_SET
    assert ("task 'Compute', actions[0].yes[0]", "end task", "Invalid") in flow.trace


def test_a_task_that_calls_itself_forever_fails_the_flow() -> None:
    flow = run(
        """
        process: P
        start: A
        states:
          A:
            actions:
              - run task: Again
              - end process
        tasks:
          Again:
            actions:
              - run task: Again
              - end task
        """
    )
    assert flow.status is Status.ERROR
    assert flow.error is not None
    assert f"nested more than {interpreter.MAX_TASK_DEPTH} deep" in flow.error
    assert "task 'Again', actions[0]" in flow.error


def test_recursion_that_ends_returns_through_every_level() -> None:
    flow = run(
        """
        process: P
        start: A
        variables:
          Result: integer
        states:
          A:
            actions:
              - run task: {task: Fact, inputs: {N: 5}, outputs: {R: Result}}
              - end process
        tasks:
          Fact:
            inputs: {N: integer}
            outputs: {R: integer}
            variables: {Sub: integer}
            actions:
              - decision:
                  if: N <= 1
                  yes:
                    - assign: {R: 1}
                    - end task
              - run task: {task: Fact, inputs: {N: =N - 1}, outputs: {R: Sub}}
              - assign: {R: =N * Sub}
              - end task
        """
    )
    assert flow.status is Status.COMPLETED, flow.error
    assert flow.variables["Result"] == 120


# ---------------------------------------------------------------------- change state / end process

STATES = """
process: P
start: A
variables:
  Log: list<string>
states:
  A:
    actions:
      - change state: {state: B, inputs: {Greeting: hello}}
  B:
    inputs:
      Greeting: {type: string, required: true}
    variables:
      Visits: {type: integer, initial: 0}
      Note: string
    actions:
      - assign:
          Visits: =Visits + 1
          Log: '=Append(Log, Greeting & " " & Visits & " " & IsSet(Note))'
          Note: seen
      - decision:
          if: Count(Log) < 3
          yes: [change state: {state: B, inputs: {Greeting: again}}]
      - end process
"""


def test_change_state_sets_the_target_inputs_and_fresh_locals() -> None:
    flow = run(STATES)
    assert flow.status is Status.COMPLETED, flow.error
    # Each entry into B starts its locals afresh: Visits back to 0, Note NOT SET.
    assert flow.variables["Log"] == ("hello 1 false", "again 1 false", "again 1 false")
    assert flow.position.state == "B"
    assert len(flow.position.frames) == 1


def test_end_process_completes_the_flow_and_nothing_runs_after_it() -> None:
    flow = run(
        """
        process: P
        start: A
        variables:
          Reached: {type: boolean, initial: false}
        states:
          A:
            actions:
              - decision:
                  if: true
                  yes: [end process]
              - assign: {Reached: true}
              - end process
        """
    )
    assert flow.status is Status.COMPLETED
    assert flow.variables["Reached"] is False
    assert flow.trace[-1] == ("state 'A', actions[0].yes[0]", "end process", "completed")
    # A completed flow is left alone.
    step = interpreter.advance(flow.program, flow.position, facts(flow.definition), flow.now)
    assert step.actions == 0
    assert flow.status is Status.COMPLETED
