"""Variables at run time: NOT SET, initial values, launch inputs and their text forms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from openpas.engine.launch import parse_inputs
from openpas.engine.position import Status
from openpas.errors import InputError
from openpas.expr.values import NOT_SET, Currency, Mailbox, UserRef

from .conftest import NOW, load, run, start

# ---------------------------------------------------------------------- NOT SET


def test_arithmetic_on_not_set_fails_the_flow_naming_the_variable() -> None:
    flow = run(
        """
        process: P
        start: A
        variables:
          Amount: currency
          Total: currency
        states:
          A:
            actions:
              - assign: {Total: =Amount * 2}
              - end process
        """
    )
    assert flow.status is Status.ERROR
    assert flow.error is not None
    assert flow.error.startswith("state 'A', actions[0]: ")
    assert "Amount is NOT SET" in flow.error
    assert flow.variables["Total"] is NOT_SET


def test_not_set_can_be_tested_and_defaulted() -> None:
    flow = run(
        """
        process: P
        start: A
        variables:
          Amount: integer
          Known: boolean
          Total: integer
        states:
          A:
            actions:
              - assign: {Known: =IsSet(Amount), Total: '=Default(Amount, 5) * 2'}
              - end process
        """
    )
    assert flow.status is Status.COMPLETED, flow.error
    assert flow.variables["Known"] is False
    assert flow.variables["Total"] == 10


def test_a_variable_can_be_assigned_not_set() -> None:
    flow = run(
        """
        process: P
        start: A
        variables:
          Name: {type: string, initial: Ann}
        states:
          A:
            actions:
              - assign: {Name: =NotSet}
              - end process
        """
    )
    assert flow.status is Status.COMPLETED, flow.error
    assert flow.variables["Name"] is NOT_SET


# ---------------------------------------------------------------------- initial values

INITIALS = """
process: P
start: A
types:
  Vehicle: {Make: string, Year: integer}
variables:
  Started: {type: datetime, initial: =Now()}
  Tomorrow: {type: date, initial: '=AddDays(Today(), 1)'}
  Count: {type: integer, initial: 3}
  Rate: {type: decimal, initial: 2}
  Price: {type: currency, initial: 9.99 EUR}
  Flag: {type: boolean, initial: true}
  Names: list<string>
  Numbers: {type: list<integer>, initial: [1, 2]}
  Car: Vehicle
  Nothing: string
  Who: {type: user, initial: =Flow.Originator}
states:
  A:
    variables:
      Entered: {type: datetime, initial: =Now()}
      Seen: list<string>
      Copy: {type: integer, initial: =Count * 10}
    actions:
      - wait: 1m
      - end process
"""


def test_initial_values_literals_expressions_and_empty_collections() -> None:
    flow = run(INITIALS)
    variables = flow.variables
    assert variables["Started"] == NOW
    assert variables["Tomorrow"] == dt.date(2030, 1, 3)
    assert variables["Count"] == 3
    assert variables["Rate"] == Decimal(2) and type(variables["Rate"]) is Decimal
    assert variables["Price"] == Currency(Decimal("9.99"), "EUR")
    assert variables["Flag"] is True
    assert variables["Names"] == ()
    assert variables["Numbers"] == (1, 2)
    assert variables["Car"] is NOT_SET
    assert variables["Nothing"] is NOT_SET
    assert variables["Who"] == UserRef("ann")
    local = flow.position.frame.locals
    assert local == {"Entered": NOW, "Seen": (), "Copy": 30}


def test_now_in_initial_values_is_the_time_of_the_step() -> None:
    later = NOW + dt.timedelta(days=2)
    flow = start(INITIALS, now=later)
    assert flow.variables["Started"] == later
    assert flow.position.frame.locals["Entered"] == later


def test_an_input_replaces_the_initial_value() -> None:
    flow = start(
        """
        process: P
        start: A
        inputs:
          Count: {type: integer, initial: 3}
          When: {type: datetime, initial: =Now()}
        states:
          A:
            actions: [end process]
        """,
        {"Count": 7, "When": NOW - dt.timedelta(days=1)},
    )
    assert flow.variables["Count"] == 7
    assert flow.variables["When"] == NOW - dt.timedelta(days=1)


def test_an_initial_expression_that_fails_puts_the_new_flow_in_error() -> None:
    flow = start(
        """
        process: P
        start: A
        variables:
          Number: {type: integer, initial: '=ToInteger("many")'}
        states:
          A:
            actions: [end process]
        """
    )
    assert flow.status is Status.ERROR
    assert flow.error is not None
    assert flow.error.startswith("while starting the flow: ToInteger: 'many' is not a number")


# ---------------------------------------------------------------------- launch inputs

LAUNCH = """
process: P
start: A
inputs:
  Amount: {type: currency, min: 1000 USD, required: true}
  Score: {type: integer, min: 300, max: 850}
  Rate: decimal
  Tags: list<string>
variables:
  Secret: string
states:
  A:
    actions: [end process]
"""


def test_launch_inputs_are_checked_and_widened() -> None:
    amount = Currency(Decimal("5000"), "USD")
    flow = start(LAUNCH, {"Amount": amount, "Score": 700, "Rate": 3, "Tags": ("a",)})
    assert flow.status is Status.RUNNING
    assert flow.variables["Amount"] == amount
    assert flow.variables["Rate"] == Decimal(3) and type(flow.variables["Rate"]) is Decimal
    assert flow.variables["Tags"] == ("a",)
    assert flow.variables["Secret"] is NOT_SET


def _launch_error(inputs: dict[str, object]) -> str:
    with pytest.raises(InputError) as caught:
        start(LAUNCH, inputs)
    return caught.value.message


def test_an_unknown_input_is_named_with_a_suggestion() -> None:
    message = _launch_error({"Amount": Currency(Decimal(2000), "USD"), "Scor": 700})
    assert message == "Scor: the process has no input of that name (did you mean 'Score'?)"


def test_a_variable_that_is_not_an_input_cannot_be_given() -> None:
    message = _launch_error({"Amount": Currency(Decimal(2000), "USD"), "Secret": "x"})
    assert message.startswith("Secret: the process has no input of that name")


def test_an_input_of_the_wrong_type_is_named() -> None:
    message = _launch_error({"Amount": Currency(Decimal(2000), "USD"), "Score": "high"})
    assert message.startswith("Score: expected a integer")


def test_a_required_input_that_is_missing_is_named() -> None:
    assert _launch_error({}) == "Amount: a value is required"
    assert _launch_error({"Amount": NOT_SET}) == "Amount: a value is required"


def test_every_launch_problem_is_named_at_once() -> None:
    message = _launch_error({"Score": 1000, "Nope": 1, "Rate": "x"})
    problems = message.split("; ")
    assert len(problems) == 4, problems
    assert any(p.startswith("Nope: ") for p in problems)
    assert any(p.startswith("Rate: expected a decimal") for p in problems)
    assert "Score: must be at most 850" in problems
    assert "Amount: a value is required" in problems


def test_a_launch_input_breaking_a_rule_is_named() -> None:
    message = _launch_error({"Amount": Currency(Decimal(10), "USD")})
    assert message == "Amount: must be at least 1000 USD"


def test_a_list_of_integers_is_a_valid_list_of_decimals() -> None:
    definition = load(
        """
        process: P
        start: A
        inputs:
          Rates: list<decimal>
        states:
          A:
            actions: [end process]
        """
    )
    flow = start(definition, {"Rates": (1, 2)})
    assert flow.variables["Rates"] == (Decimal(1), Decimal(2))
    assert all(type(v) is Decimal for v in flow.variables["Rates"])


# ---------------------------------------------------------------------- parse_inputs

TYPED = """
process: P
start: A
timezone: Europe/Paris
inputs:
  S: string
  I: integer
  D: decimal
  B: boolean
  C: currency
  Day: date
  At: datetime
  T: time
  Len: duration
  M: mailbox
  U: user
  W: workgroup
  L: list<integer>
  Empty: list<string>
variables:
  Hidden: string
states:
  A:
    actions: [end process]
"""


def test_parse_inputs_reads_every_type_from_text() -> None:
    definition = load(TYPED)
    parsed = parse_inputs(
        definition,
        {
            "S": "hello world",
            "I": "42",
            "D": "1.50",
            "B": "true",
            "C": "25000 USD",
            "Day": "2030-05-01",
            "At": "2030-05-01T09:30",
            "T": "09:30",
            "Len": "1h30m",
            "M": "ann@example.com",
            "U": "ann",
            "W": "Loan Officers",
            "L": "1, 2,3",
            "Empty": "",
        },
    )
    assert parsed["S"] == "hello world"
    assert parsed["I"] == 42
    assert parsed["D"] == Decimal("1.50")
    assert parsed["B"] is True
    assert parsed["C"] == Currency(Decimal(25000), "USD")
    assert parsed["Day"] == dt.date(2030, 5, 1)
    assert parsed["At"] == dt.datetime(2030, 5, 1, 9, 30, tzinfo=ZoneInfo("Europe/Paris"))
    assert parsed["T"] == dt.time(9, 30)
    assert parsed["Len"] == dt.timedelta(hours=1, minutes=30)
    assert parsed["M"] == Mailbox("ann@example.com")
    assert parsed["U"] == UserRef("ann")
    assert str(parsed["W"]) == "Loan Officers"
    assert parsed["L"] == (1, 2, 3)
    assert parsed["Empty"] == ()
    # What it parsed launches a flow as it is.
    flow = start(definition, parsed)
    assert flow.status is Status.RUNNING


def test_parse_inputs_names_every_bad_input() -> None:
    definition = load(TYPED)
    with pytest.raises(InputError) as caught:
        parse_inputs(definition, {"I": "forty", "L": "1, x", "Hidden": "v", "Dd": "1"})
    problems = caught.value.message.split("; ")
    assert len(problems) == 4, problems
    assert problems[0].startswith("I: ") and "forty" in problems[0]
    assert problems[1].startswith("L: item 2: ")
    assert problems[2] == "Hidden: the process has no input of that name"
    assert problems[3] == "Dd: the process has no input of that name (did you mean 'D'?)"
