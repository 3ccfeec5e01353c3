"""Names, custom types, constraints, initial values and duplicate declarations."""

from __future__ import annotations

import pytest

from .conftest import at, load, only, problems


def process_with(variables: str, types: str = "{}") -> str:
    return f"""
process: P
start: A
types: {types}
variables: {variables}
states:
  A:
    actions: [end process]
"""


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("Loan Amount", "contains a space; write it as 'LoanAmount'"),
        ("loanAmount", "must start with an upper-case letter"),
        ("Loan-Amount", "contains '-'"),
        ("Process", "'Process' is a reserved word"),
        ("Local", "is a reserved word"),
        ("Flow", "is a reserved word"),
        ("NotSet", "is a reserved word"),
        ("X" * 101, "longer than 100 characters"),
    ],
)
def test_variable_naming_rules(name: str, words: str) -> None:
    problem = only(process_with(f"{{'{name}': integer}}"))
    assert problem.path == f"variables.{name}"
    assert problem.line == 4
    assert problem.code == "name"
    assert words in problem.message


def test_states_tasks_work_items_and_pages_may_have_spaces() -> None:
    definition = load(
        """
        process: Car Loan
        start: Collect Information
        variables: {Last_Name2: string}
        states:
          Collect Information:
            actions:
              - run task: Check Credit
              - end process
        tasks:
          Check Credit:
            actions: [end task]
        work items:
          Loan Application:
            details: [Last_Name2]
            pages:
              - name: First Page
                controls: [{field: Last_Name2}]
                buttons: [Submit Now]
        """
    )
    assert definition.name == "Car Loan"
    assert "Collect Information" in definition.states


@pytest.mark.parametrize("bad", ["collect info", "Do  It", "Check-Credit", " Lead"])
def test_element_naming_rules(bad: str) -> None:
    text = f"""
process: P
start: A
states:
  A:
    actions: [run task: T, end process]
  '{bad}':
    actions: [end process]
tasks:
  T:
    actions: [end task]
  '{bad}':
    actions: [end task]
"""
    found = problems(text)
    assert "the state name" in at(found, f"states.{bad}").message
    assert at(found, f"states.{bad}").line == 6
    assert "the task name" in at(found, f"tasks.{bad}").message
    assert at(found, f"tasks.{bad}").line == 11


def test_unknown_start_state_with_suggestion() -> None:
    problem = only("process: P\nstart: Aproved\nstates:\n  Approved:\n    actions: [end process]\n")
    assert problem.path == "start"
    assert problem.line == 2
    assert "the start state 'Aproved' does not exist (did you mean 'Approved'?)" in problem.message


def test_no_states() -> None:
    problem = only("process: P\nstart: A\n")
    assert problem.path == "states"
    assert "at least one state" in problem.message


def test_unknown_type_with_suggestion() -> None:
    problem = only(process_with("{X: integr}"))
    assert problem.path == "variables.X.type"
    assert problem.line == 4
    assert "unknown type 'integr' (did you mean 'integer'?)" in problem.message


def test_unknown_custom_type_with_suggestion() -> None:
    problem = only(process_with("{X: Vehicel}", "{Vehicle: {Make: string}}"))
    assert "did you mean 'Vehicle'?" in problem.message


def test_simple_custom_type_with_constraints() -> None:
    definition = load(
        """
        process: P
        start: A
        types:
          Phone: {base: string, pattern: '^[0-9]+$', max length: 5}
        variables:
          Home: {type: Phone, initial: '123'}
          Numbers: list<Phone>
        states:
          A:
            actions: [end process]
        """
    )
    rules = definition.variables["Home"].rules
    assert rules.violations("12a") == ["does not match ^[0-9]+$"]
    assert rules.violations("123456") == ["must have at most 5 characters"]
    item_rules = definition.variables["Numbers"].rules.item
    assert item_rules is not None
    assert item_rules.violations("x") == ["does not match ^[0-9]+$"]


def test_initial_value_breaking_a_custom_type_constraint() -> None:
    problem = only(
        process_with(
            "{Home: {type: Phone, initial: abc}}", "{Phone: {base: string, pattern: '^[0-9]+$'}}"
        )
    )
    assert problem.path == "variables.Home.initial"
    assert "breaks a constraint" in problem.message
    assert "does not match ^[0-9]+$" in problem.message


def test_complex_type_with_fields() -> None:
    definition = load(
        """
        process: P
        start: A
        types:
          Vehicle:
            VIN: {type: string, max length: 17}
            Price: decimal
        variables:
          Car: Vehicle
        states:
          A:
            actions:
              - assign: {Car.Price: 1000.50}
              - end process
        """
    )
    assert [name for name, _ in definition.types["Vehicle"].fields] == ["VIN", "Price"]


def test_complex_type_field_problems() -> None:
    found = problems(process_with("{}", "{Vehicle: {vin: string, Make: strng}, Empty: {}}"))
    assert "the field name 'vin'" in at(found, "types.Vehicle.vin").message
    assert "did you mean 'string'?" in at(found, "types.Vehicle.Make.type").message


def test_recursive_types_are_a_cycle_problem() -> None:
    found = problems(
        """
        process: P
        start: A
        types:
          Person:
            Name: string
            Boss: Person
          Ping: {Pong: Pong}
          Pong: {Ping: Ping}
        states:
          A:
            actions: [end process]
        """
    )
    cycles = [p for p in found if p.code == "cycle"]
    assert {p.path for p in cycles} == {"types.Person", "types.Ping"}
    assert "the type 'Person' contains itself: Person -> Person" in cycles[0].message
    assert any("Ping -> Pong -> Ping" in p.message for p in cycles)
    assert at(found, "types.Person").line == 4


def test_list_of_list_is_refused() -> None:
    problem = only(process_with("{Grid: list<list<integer>>}"))
    assert problem.path == "variables.Grid.type"
    assert "a collection of collections is not supported" in problem.message


def test_a_native_type_cannot_be_redefined() -> None:
    found = problems(process_with("{}", "{String: {base: string}}"))
    assert "native type" in at(found, "types.String").message


@pytest.mark.parametrize(
    ("declaration", "key", "words"),
    [
        ("{type: boolean, min: 1}", "min", "min and max do not apply to a boolean"),
        ("{type: integer, pattern: '^1$'}", "pattern", "pattern applies only to text"),
        ("{type: string, pattern: '(['}", "pattern", "not a valid regular expression"),
        ("{type: integer, min: 10, max: 1}", "min", "min 10 is greater than max 1"),
        ("{type: string, min length: 5, max length: 2}", "min length", "greater than max"),
        ("{type: integer, decimal places: 2}", "decimal places", "do not apply to a integer"),
        ("{type: integer, choices: [1, two]}", "choices", "choice 2"),
        ("{type: integer, min items: 1}", "min items", "apply only to collections"),
        ("{type: date, min: yesterday}", "min", "min:"),
    ],
)
def test_constraints_that_do_not_fit_the_type(declaration: str, key: str, words: str) -> None:
    problem = only(process_with(f"{{X: {declaration}}}"))
    assert problem.path == f"variables.X.{key}"
    assert problem.line == 4
    assert problem.code == "constraint"
    assert words in problem.message


@pytest.mark.parametrize(
    ("declaration", "words"),
    [
        ("{type: integer, min: 1, initial: 0}", "must be at least 1"),
        ("{type: string, choices: [New, Done], initial: Old}", "must be one of: New, Done"),
        ("{type: string, max length: 2, initial: abc}", "at most 2 characters"),
        ("{type: list<integer>, max items: 1, initial: [1, 2]}", "at most 1 items"),
    ],
)
def test_initial_values_that_break_constraints(declaration: str, words: str) -> None:
    problem = only(process_with(f"{{X: {declaration}}}"))
    assert problem.path == "variables.X.initial"
    assert problem.line == 4
    assert "breaks a constraint" in problem.message
    assert words in problem.message


@pytest.mark.parametrize(
    ("declaration", "words"),
    [
        ("{type: integer, initial: abc}", "'abc'"),
        ("{type: date, initial: 2024-13-45}", "2024-13-45"),
        ("{type: boolean, initial: yes}", "'yes'"),
        ("{type: integer, initial: 1.5}", "1.5"),
    ],
)
def test_initial_values_that_do_not_parse(declaration: str, words: str) -> None:
    problem = only(process_with(f"{{X: {declaration}}}"))
    assert problem.path == "variables.X.initial"
    assert "the initial value is not valid" in problem.message
    assert words in problem.message


def test_initial_expression_is_checked() -> None:
    problem = only(process_with("{X: {type: integer, initial: '=1 +'}}"))
    assert problem.path == "variables.X.initial"
    assert problem.code == "expression"
    assert "column" in problem.message


def test_required_without_initial_value() -> None:
    problem = only(process_with("{X: {type: integer, required: true}}"))
    assert problem.path == "variables.X"
    assert problem.code == "required-initial"
    assert "X is required but has no initial value" in problem.message


def test_required_input_needs_no_initial_value() -> None:
    load(
        """
        process: P
        start: A
        inputs: {X: {type: integer, required: true}}
        states:
          A:
            actions: [end process]
        """
    )


def test_duplicate_declarations_across_variables_and_inputs() -> None:
    problem = only(
        """
        process: P
        start: A
        variables: {X: integer}
        inputs: {X: integer}
        states:
          A:
            actions: [end process]
        """
    )
    assert problem.path == "inputs.X"
    assert problem.line == 4
    assert "'X' is declared both in variables and in inputs" in problem.message


def test_input_and_output_of_different_types() -> None:
    problem = only(
        """
        process: P
        start: A
        states:
          A:
            actions: [run task: T, end process]
        tasks:
          T:
            inputs: {V: integer}
            outputs: {V: string}
            actions: [end task]
        """
    )
    assert problem.path == "tasks.T.outputs.V"
    assert problem.line == 9
    assert "input of type integer and an output of type string" in problem.message


def test_a_state_has_no_outputs() -> None:
    problem = only(
        """
        process: P
        start: A
        states:
          A:
            outputs: {R: integer}
            actions: [end process]
        """
    )
    assert problem.path == "states.A.outputs"
    assert problem.line == 5
    assert "a state has no outputs" in problem.message


def test_dynamic_details_must_be_process_variables() -> None:
    problem = only(
        """
        process: P
        start: A
        details: [LastNme]
        variables: {LastName: string}
        states:
          A:
            actions: [end process]
        """
    )
    assert problem.path == "details[0]"
    assert problem.line == 3
    assert "did you mean 'LastName'?" in problem.message


def test_bad_timezone_and_format() -> None:
    found = problems(
        "process: P\nstart: A\nformat: 9\ntimezone: Mars/Base\n"
        "states: {A: {actions: [end process]}}\n"
    )
    assert "format 1, not 9" in at(found, "format").message
    assert at(found, "timezone").line == 4
    assert "'Mars/Base' is not a known time zone" in at(found, "timezone").message
