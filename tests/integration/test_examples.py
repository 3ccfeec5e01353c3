"""Every sample under examples/ validates cleanly and runs to the outcome its comments promise."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from openpas.engine.launch import parse_inputs
from openpas.engine.position import Position, Status
from openpas.expr.values import NOT_SET, Currency
from openpas.model import load_file
from openpas.service.handlers import Handlers
from openpas.service.simulate import simulate

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(name: str, handlers: Handlers | None = None, **sets: str) -> Position:
    """Run a sample on the real engine, with the sample handlers unless others are given."""
    definition = load_file(EXAMPLES / name)
    inputs = parse_inputs(definition, sets)
    return simulate([(name, definition.text)], definition.name, inputs, handlers=handlers).position


def usd(amount: str) -> Currency:
    return Currency(Decimal(amount), "USD")


DIRECTORY = "directory.yaml"
"""The people of the samples, no process; tests/unit/directory loads it."""


@pytest.mark.parametrize(
    "path",
    sorted(p for p in EXAMPLES.rglob("*.yaml") if p.relative_to(EXAMPLES).as_posix() != DIRECTORY),
    ids=lambda p: str(p.relative_to(EXAMPLES)),
)
def test_every_example_is_valid_without_warnings(path: Path) -> None:
    definition = load_file(path)
    assert definition.warnings == ()


def test_every_example_is_covered_below() -> None:
    covered = {"car_loan.yaml", DIRECTORY, *(f"actions/{kind}.yaml" for kind in ACTION_EXAMPLES)}
    found = {str(p.relative_to(EXAMPLES)) for p in EXAMPLES.rglob("*.yaml")}
    assert found == covered


def test_car_loan_with_a_good_credit_score_is_approved() -> None:
    position = run(
        "car_loan.yaml",
        FirstName="Ann",
        LastName="Lee",
        SSN="100-00-0006",
        LoanAmount="25000 USD",
        AnnualIncome="85000 USD",
    )
    assert position.status is Status.COMPLETED, position.error
    variables = position.variables
    assert variables["CreditScore"] == 707  # the sample credit bureau's score
    assert variables["Status"] == "Approved"
    assert variables["LoanApproved"] is True
    assert variables["FullName"] == "Ann Lee"
    assert variables["LoanID"] == "CL-000001"
    assert variables["MonthlyPayment"] == usd("416.67")
    assert variables["DateCompleted"] is not NOT_SET
    assert variables["Notes"] == (
        "Dear Ann Lee, your loan CL-000001 of 25000 USD is approved: "
        "416.67 USD a month for 60 months.",
    )


def test_car_loan_without_ssn_takes_the_unavailable_exit_and_review_approves() -> None:
    position = run(
        "car_loan.yaml",
        FirstName="Ann",
        LastName="Lee",
        LoanAmount="25000 USD",
        AnnualIncome="85000 USD",
    )
    assert position.status is Status.COMPLETED, position.error
    variables = position.variables
    assert variables["CreditScore"] is NOT_SET
    assert variables["Status"] == "Approved"
    assert variables["Loan_Auto_Check_Output"] == "low payment share"
    assert variables["Notes"][:2] == (
        "No credit score - the SSN is missing or unknown to the bureau",
        "Review: credit score unavailable",
    )


def test_car_loan_with_a_low_score_and_a_heavy_payment_is_denied() -> None:
    position = run(
        "car_loan.yaml",
        LastName="Poe",
        SSN="100-00-0000",  # the sample bureau scores it 383
        LoanAmount="60000 USD",
        AnnualIncome="30000 USD",
    )
    assert position.status is Status.COMPLETED, position.error
    variables = position.variables
    assert variables["CreditScore"] == 383
    assert variables["Status"] == "Denied"
    assert variables["LoanApproved"] is False
    assert variables["LoanDenyReason"] == "the payment would take 40.0% of the income"
    assert variables["FullName"] == "Poe"


def test_car_loan_falls_back_to_the_stand_in_score_when_the_bureau_fails() -> None:
    def broken_bureau(**_: object) -> None:
        raise ConnectionError("the bureau is down")

    handlers = Handlers()
    handlers.register("credit_bureau.score", broken_bureau)
    position = run(
        "car_loan.yaml",
        handlers,
        LastName="Lee",
        SSN="123-45-6789",
        LoanAmount="25000 USD",
        AnnualIncome="85000 USD",
    )
    assert position.status is Status.COMPLETED, position.error
    assert position.variables["CreditScore"] == 680  # 500 + 4 * (1 + 2 + ... + 9)
    assert position.variables["Status"] == "Approved"


def test_car_loan_with_an_ssn_the_bureau_does_not_know_goes_to_review() -> None:
    position = run(
        "car_loan.yaml",
        LastName="Lee",
        SSN="000-12-3456",
        LoanAmount="25000 USD",
        AnnualIncome="85000 USD",
    )
    assert position.status is Status.COMPLETED, position.error
    assert position.variables["CreditScore"] is NOT_SET
    assert "Review: credit score unavailable" in position.variables["Notes"]


def test_car_loan_runs_with_no_inputs_at_all() -> None:
    position = run("car_loan.yaml")
    assert position.status is Status.COMPLETED, position.error
    assert position.variables["Status"] == "Denied"
    assert position.variables["LoanDenyReason"] == "the annual income is not known"
    assert position.variables["FullName"] == "Applicant"


def _assign(p: Position) -> None:
    assert p.variables["Total"] == Currency(Decimal("37.50"), "EUR")
    assert p.variables["Label"] == "3 x Widget"
    assert p.variables["Product"]["Name"] == "Widget (boxed)"
    assert p.variables["Shipped"] is True


def _decision(p: Position) -> None:
    assert p.variables["Category"] == "Minor"
    assert p.variables["Discount"] is False


def _select(p: Position) -> None:
    assert p.variables["Region"] == "Europe"
    assert p.variables["ShippingDays"] == 6


def _loop(p: Position) -> None:
    assert p.variables["Greetings"] == ("Hello Ann", "Hello Bob", "Hello Eve")
    assert p.variables["Squares"] == 55
    assert p.variables["Halvings"] == 6
    assert p.variables["Rolls"] == 1


def _run_task(p: Position) -> None:
    assert p.variables["Result"] == "rejected"
    assert p.variables["Fee"] is NOT_SET


def _change_state(p: Position) -> None:
    assert p.state == "Done"
    assert p.variables["Log"] == ("tried 1", "tried 2", "done after 2 tries")


def _end_process(p: Position) -> None:
    assert p.state == "Start"
    assert p.variables["Reached"] is False


ACTION_EXAMPLES: dict[str, tuple[dict[str, str], Any]] = {
    "assign": ({"Quantity": "3"}, _assign),
    "decision": ({"Age": "17"}, _decision),
    "select": ({"Country": "FR"}, _select),
    "loop": ({"Names": "Ann, Bob, Eve"}, _loop),
    "run_task": ({"Amount": "-3 USD"}, _run_task),
    "change_state": ({"Attempts": "2"}, _change_state),
    "end_process": ({"Stop": "true"}, _end_process),
}


@pytest.mark.parametrize("kind", ACTION_EXAMPLES)
def test_action_example_runs_as_documented(kind: str) -> None:
    sets, check = ACTION_EXAMPLES[kind]
    position = run(f"actions/{kind}.yaml", **sets)
    assert position.status is Status.COMPLETED, position.error
    check(position)


def test_action_examples_also_run_with_their_defaults() -> None:
    assert run("actions/run_task.yaml").variables["Fee"] == usd("5.00")
    assert run("actions/end_process.yaml").state == "Later"
    assert run("actions/decision.yaml", Age="70").variables["Discount"] is True
