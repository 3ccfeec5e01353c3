"""Each action kind's checks, placement, exits, unreachable actions and states."""

from __future__ import annotations

from .conftest import at, load, only, problems

HEAD = """
process: P
start: A
variables:
  Count: {type: integer, initial: 0}
  Rate: {type: decimal, initial: 0.5}
  Name: {type: string, initial: x}
  Flag: {type: boolean, initial: false}
  Names: list<string>
  Car: Vehicle
types:
  Vehicle: {Make: string}
"""


def state_actions(actions: str) -> str:
    """A process whose state A has these actions (indented by 6)."""
    return HEAD + "states:\n  A:\n    actions:\n" + actions


def test_assign_to_an_unknown_variable() -> None:
    problem = only(state_actions("      - assign: {Cuont: 1}\n      - end process\n"))
    assert problem.path == "states.A.actions[0].Cuont"
    assert problem.line == 15
    assert "unknown variable 'Cuont' (did you mean 'Count'?)" in problem.message


def test_assign_to_a_flow_fact() -> None:
    problem = only(state_actions("      - assign: {Flow.Id: 1}\n      - end process\n"))
    assert problem.path == "states.A.actions[0].Flow.Id"
    assert "a fact of the flow and cannot be changed" in problem.message


def test_assign_to_an_unknown_field() -> None:
    problem = only(state_actions("      - assign: {Car.Mkae: x}\n      - end process\n"))
    assert "Vehicle has no field 'Mkae' (did you mean 'Make'?)" in problem.message


def test_assign_a_decimal_expression_to_an_integer() -> None:
    problem = only(state_actions("      - assign: {Count: =Rate * 2}\n      - end process\n"))
    assert problem.path == "states.A.actions[0].Count"
    assert problem.line == 15
    assert problem.code == "expression"
    assert "decimal" in problem.message
    assert "integer" in problem.message


def test_assign_a_literal_that_does_not_parse() -> None:
    problem = only(state_actions("      - assign: {Flag: maybe}\n      - end process\n"))
    assert problem.path == "states.A.actions[0].Flag"
    assert "'maybe'" in problem.message


def test_expression_error_names_its_column() -> None:
    problem = only(state_actions("      - assign: {Count: '=Count + * 2'}\n      - end process\n"))
    assert problem.line == 15
    assert "at column" in problem.message


def test_decision_with_a_non_boolean_condition() -> None:
    problem = only(
        state_actions(
            "      - decision:\n          if: Count + 1\n"
            "          yes: [end process]\n          no: [end process]\n"
        )
    )
    assert problem.path == "states.A.actions[0].if"
    assert problem.line == 16
    assert "boolean" in problem.message


def test_select_with_duplicate_and_mistyped_cases() -> None:
    found = problems(
        state_actions(
            "      - select:\n          on: Count\n          cases:\n"
            "            1: [end process]\n            01: [end process]\n"
            "            two: [end process]\n          default: [end process]\n"
        )
    )
    mistyped = at(found, "states.A.actions[0].cases.two")
    assert mistyped.line == 20
    assert "'two'" in mistyped.message
    duplicate = at(found, "states.A.actions[0].cases.01")
    assert duplicate.line == 19
    assert "the case 01 is the same value as the case 1" in duplicate.message


def test_select_on_a_collection() -> None:
    problem = only(
        state_actions(
            "      - select: {on: Names, cases: {a: [end process]}}\n      - end process\n"
        )
    )
    assert "select matches single values" in problem.message


def test_loop_needs_exactly_one_mode() -> None:
    found = problems(
        state_actions(
            "      - loop: {times: 2, while: Flag, do: [{assign: {Count: 1}}]}\n"
            "      - loop: {do: [{assign: {Count: 1}}]}\n      - end process\n"
        )
    )
    assert "it has times and while" in at(found, "states.A.actions[0]").message
    assert "it has none" in at(found, "states.A.actions[1]").message


def test_loop_item_types() -> None:
    found = problems(
        state_actions(
            "      - loop: {over: Names, item: Count, do: [{assign: {Name: x}}]}\n"
            "      - loop: {over: Name, item: Name, do: [{assign: {Name: x}}]}\n"
            "      - loop: {times: 2, index: Name, item: Name, do: [{assign: {Name: x}}]}\n"
            "      - end process\n"
        )
    )
    assert "Count is a integer but the items are string" in at(
        found, "states.A.actions[0].item"
    ).message.replace("an integer", "a integer")
    assert "over needs a collection" in at(found, "states.A.actions[1].over").message
    assert "must be an integer variable" in at(found, "states.A.actions[2].index").message
    assert (
        "item applies only to loops over a collection"
        in at(found, "states.A.actions[2].item").message
    )


RUN_TASK = """
tasks:
  Check:
    inputs: {Amount: decimal, Id: {type: string, required: true}}
    outputs: {Score: integer}
    actions:
      - decision:
          if: Amount > 0
          yes: [end task]
          no: [end task: Unavailable]
"""


def test_run_task_checks_inputs_outputs_and_exits() -> None:
    found = problems(
        state_actions(
            "      - run task:\n          task: Check\n"
            "          inputs: {Amont: 1, Amount: abc}\n"
            "          outputs: {Score: Name, Rank: Count}\n"
            "          exits:\n            Unavailble: [end process]\n"
            "      - end process\n"
        )
        + RUN_TASK
    )
    assert (
        "has no input 'Amont' (did you mean 'Amount'?)"
        in at(found, "states.A.actions[0].inputs.Amont").message
    )
    assert at(found, "states.A.actions[0].inputs.Amount").line == 17
    assert "requires the input 'Id'" in at(found, "states.A.actions[0].inputs").message
    assert "the output Score is a integer but Name is a string" in at(
        found, "states.A.actions[0].outputs.Score"
    ).message.replace("an integer", "a integer")
    assert "has no output 'Rank'" in at(found, "states.A.actions[0].outputs.Rank").message
    unknown_exit = at(found, "states.A.actions[0].exits.Unavailble")
    assert unknown_exit.line == 20
    assert "did you mean 'Unavailable'?" in unknown_exit.message


def test_run_task_of_an_unknown_task() -> None:
    problem = only(state_actions("      - run task: Chek\n      - end process\n") + RUN_TASK)
    assert problem.path == "states.A.actions[0].task"
    assert "unknown task 'Chek' (did you mean 'Check'?)" in problem.message


def test_change_state_inputs_against_the_target_state() -> None:
    found = problems(
        state_actions(
            "      - change state: {state: B, inputs: {Reasn: x, Level: high}}\n"
            "  B:\n    inputs: {Reason: string, Level: integer}\n    actions: [end process]\n"
        )
    )
    assert (
        "state 'B' has no input 'Reasn' (did you mean 'Reason'?)"
        in at(found, "states.A.actions[0].inputs.Reasn").message
    )
    assert "'high'" in at(found, "states.A.actions[0].inputs.Level").message


def test_change_state_to_an_unknown_state() -> None:
    problem = only(state_actions("      - change state: Z\n"))
    assert problem.path == "states.A.actions[0].state"
    assert problem.line == 15
    assert "unknown state 'Z'" in problem.message


def test_state_only_actions_inside_a_task() -> None:
    found = problems(
        state_actions("      - run task: T\n      - end process\n") + "tasks:\n  T:\n    actions:\n"
        "      - decision: {if: true, yes: [change state: A], no: [end process]}\n"
    )
    change = at(found, "tasks.T.actions[0].yes[0]")
    assert change.line == 20
    assert change.code == "placement"
    assert "change state can only be used in a state, not in a task" in change.message
    assert (
        "end process can only be used in a state" in at(found, "tasks.T.actions[0].no[0]").message
    )


def test_end_task_in_a_state() -> None:
    problem = only(state_actions("      - end task\n"))
    assert problem.path == "states.A.actions[0]"
    assert "end task can only be used in a task, not in a state" in problem.message


def test_a_task_path_without_end_task_is_a_missing_exit() -> None:
    found = problems(
        state_actions("      - run task: T\n      - end process\n") + "tasks:\n  T:\n    actions:\n"
        "      - decision: {if: true, yes: [end task], no: [{assign: {Count: 1}}]}\n"
    )
    problem = at(found, "tasks.T.actions")
    assert problem.code == "missing-exit"
    assert problem.line == 19
    assert "without end task" in problem.message


def test_a_state_path_without_leaving_is_a_missing_exit() -> None:
    problem = only(
        state_actions(
            "      - decision: {if: Flag, yes: [end process], no: [{assign: {Count: 1}}]}\n"
        )
    )
    assert problem.path == "states.A.actions"
    assert problem.code == "missing-exit"
    assert "without change state or end process" in problem.message


def test_an_action_after_one_that_always_leaves_is_unreachable() -> None:
    problem = only(state_actions("      - end process\n      - assign: {Count: 1}\n"))
    assert problem.path == "states.A.actions[1]"
    assert problem.line == 16
    assert problem.code == "unreachable-action"
    assert "can never run" in problem.message


def test_unreachable_state() -> None:
    problem = only(state_actions("      - end process\n  Orphan:\n    actions: [end process]\n"))
    assert problem.path == "states.Orphan"
    assert problem.line == 16
    assert problem.code == "unreachable-state"
    assert "'Orphan' can never be reached from the start state 'A'" in problem.message


def test_unused_task_is_only_a_warning() -> None:
    definition = load(state_actions("      - end process\n") + RUN_TASK)
    assert [w.code for w in definition.warnings] == ["unused"]
    assert definition.warnings[0].path == "tasks.Check"


def test_a_state_without_actions() -> None:
    problem = only(HEAD + "states:\n  A:\n    actions: []\n")
    assert problem.code == "empty"
    assert "has no actions" in problem.message


def test_problems_in_many_actions_are_all_reported() -> None:
    found = problems(
        state_actions(
            "      - assign: {Nope: 1}\n      - assign: {Count: =Rate}\n"
            "      - decision: {if: Count, yes: [end process], no: [change state: Zz]}\n"
        )
    )
    assert [p.line for p in found] == [15, 16, 17, 17]


def test_problems_inside_an_unreachable_action_are_reported_too() -> None:
    found = problems(state_actions("      - end process\n      - assign: {Nope: 1}\n"))
    assert [p.code for p in found] == ["unreachable-action", "unknown"]
