"""Every operator: types, exact arithmetic, currency, dates, NOT SET."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from openpas.errors import EvaluationError, ExpressionError
from openpas.expr.values import NOT_SET, Currency, Mailbox

from .conftest import PARIS

D = Decimal


def usd(amount: str) -> Currency:
    return Currency(D(amount), "USD")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # integers stay integers, except /
        ("7 + 2", 9),
        ("7 - 9", -2),
        ("7 * 3", 21),
        ("7 // 2", 3),
        ("-7 // 2", -4),
        ("7 % 3", 1),
        ("-7 % 3", 2),
        ("2 ^ 10", 1024),
        ("2 / 5", D("0.4")),
        ("4 / 2", D("2")),
        ("1 / 3", D("0.3333333333333333333333333333")),
        # decimals are exact, with 28 significant digits
        ("0.1 + 0.2", D("0.3")),
        ("0.1 + 0.2 = 0.3", True),
        ("1.5 * 2", D("3.0")),
        ("1 - 0.25", D("0.75")),
        ("7.5 // 2", D("3")),
        ("7.5 % 2", D("1.5")),
        ("2.0 ^ -1", D("0.5")),
        ("4 ^ 0.5", D("2")),
        ("1234567890.123456789 * 1000000000", D("1234567890123456789.000000000")),
        ("2 / 3 * 3", D("2.000000000000000000000000000")),
        # text
        ("'ab' + 'cd'", "abcd"),
        ("'n=' & 5", "n=5"),
        ("1.50 & ' ' & true", "1.50 true"),
        ("'due ' & 2d", "due 2d"),
        # currency
        ("10 USD + 2.50 USD", usd("12.50")),
        ("10 USD - 2.50 USD", usd("7.50")),
        ("10 USD * 3", usd("30")),
        ("3 * 10 USD", usd("30")),
        ("10 USD / 4", usd("2.5")),
        ("10 USD / 4 USD", D("2.5")),
        ("10 USD * 2 USD", D("20")),
        ("-(10 USD)", usd("-10")),
        ("10 USD > 5 USD", True),
        ("10 USD = 10", True),
        ("10 USD >= 10.00", True),
        ("LoanAmount <= 50000 USD", True),
        # durations and dates
        ("1h + 30m", dt.timedelta(minutes=90)),
        ("1h - 2h", dt.timedelta(hours=-1)),
        ("2h * 1.5", dt.timedelta(hours=3)),
        ("3 * 1d", dt.timedelta(days=3)),
        ("1h / 4", dt.timedelta(minutes=15)),
        ("3h / 2h", D("1.5")),
        ("-1d", dt.timedelta(days=-1)),
        ("Start + 1d", dt.date(2024, 2, 1)),
        ("Start - 31d", dt.date(2023, 12, 31)),
        ("Start - Start", dt.timedelta(0)),
        ("Opens + 1h", dt.time(0, 30)),
        ("Opens - 24h", dt.time(23, 30)),
        ("2h > 90m", True),
        ("Start < AddDays(Start, 1)", True),
        # comparisons
        ("1 = 1.0", True),
        ("1 == 2", False),
        ("1 != 2", True),
        ("1 <> 1", False),
        ("'a' < 'b'", True),
        ("2 <= 2", True),
        ("3 > 2.5", True),
        ("[1, 2] = [1, 2.0]", True),
        ("Email = 'ann@example.com'", True),
        ("'ann' = Owner", True),
        ("Car = Car", True),
        # in
        ("'vip' in Tags", True),
        ("'x' not in Tags", True),
        ("'Smith' in Name", True),
        ("2.0 in Scores", True),
        ("5 USD in [5 USD, 6 USD]", True),
        # logic
        ("true and false", False),
        ("true or false", True),
        ("not true", False),
        ("if CreditScore > 650 then 'yes' else 'no'", "yes"),
        ("if false then 1 else 2.5", D("2.5")),
        ("if true then 1 else 2.5", D("1")),
        ("if true then NotSet else 2", NOT_SET),
        # fields and indexes
        ("Car.Make", "Volvo"),
        ("Cars[1].Make", "Saab"),
        ("Scores[1] + Scores[-1]", 5),
        ("[10, 20, 30][2]", 20),
        ("Split('a,b', ',')[2]", "b"),
    ],
)
def test_operator(ev: Any, source: str, expected: Any) -> None:
    result = ev(source)
    assert result == expected
    assert type(result) is type(expected)


def test_decimal_result_is_exactly_28_digits(ev: Any) -> None:
    assert len(ev("2 / 3").as_tuple().digits) == 28
    assert ev("10 / 3").as_tuple().digits == (3,) * 28


def test_datetime_arithmetic_is_elapsed_time_across_dst(ev: Any) -> None:
    due = ev("Due")  # 2024-03-30 12:00 Paris, the day before the clocks go forward
    later = ev("Due + 1d")
    assert later == dt.datetime(2024, 3, 31, 13, 0, tzinfo=PARIS)
    assert later.astimezone(dt.UTC) - due.astimezone(dt.UTC) == dt.timedelta(days=1)
    assert ev("(Due + 1d) - Due") == dt.timedelta(days=1)
    assert ev("Due - 1h") == dt.datetime(2024, 3, 30, 11, 0, tzinfo=PARIS)
    assert ev("1d + Due") == later


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("'a' + 1", "cannot add a string and an integer; use & to join text or ToInteger"),
        ("1 + 'a'", "cannot add an integer and a string"),
        ("true + 1", "cannot add a boolean and an integer"),
        ("Start + Due", "cannot add a date and a datetime"),
        ("1d + 1", "write the unit"),
        ("Name - 'a'", "cannot subtract a string and a string"),
        ("Tags * 2", r"cannot multiply a list<string> and an integer"),
        ("'a' ^ 2", "cannot raise a string to the power of an integer"),
        ("5 USD + 5 EUR", "the currency codes differ"),
        ("5 USD < 5 EUR", "the currency codes differ"),
        ("1 = 'a'", "cannot compare an integer with a string"),
        ("Start = Due", "cannot compare a date with a datetime"),
        ("true < false", "cannot order a boolean"),
        ("Tags < Tags", "cannot order a list<string>"),
        ("Email < 'b'", "cannot order a mailbox"),
        ("1 in 5", "needs a list or a string on its right"),
        ("1 in 'abc'", "looks for a part of a string"),
        ("'a' in Scores", "the types do not match"),
        ("1 and true", "'and' needs booleans, but this is an integer"),
        ("true or 'x'", "'or' needs booleans"),
        ("not 1", "'not' needs a boolean"),
        ("-'a'", "cannot apply unary - to a string"),
        ("if 1 then 2 else 3", "the condition of 'if' must be a boolean"),
        ("if true then 1 else 'a'", "the branches of 'if' give an integer and a string"),
        ("[1, 'a']", "the items of a list must have one type"),
        ("Name.Length", "a string has no fields"),
        ("Name[1]", "only lists can be indexed"),
        ("Tags['a']", "a list position must be an integer"),
        ("NotSet + 1", "NotSet takes part only in"),
        ("NotSet < 1", "cannot order NotSet"),
        ("NotSet & 'a'", "cannot join NotSet"),
    ],
)
def test_type_errors(compile_: Any, source: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message):
        compile_(source)


@pytest.mark.parametrize(
    ("source", "message", "column"),
    [
        ("1 / 0", "division by zero", 3),
        ("1.5 / 0", "division by zero", 5),
        ("1 // 0", "division by zero", 3),
        ("1 % 0", "division by zero", 3),
        ("0.0 ^ -1", "division by zero", 5),
        ("1 USD / 0", "division by zero", 7),
        ("1h / 0", "division by zero", 4),
        ("1h / 0s", "division by zero", 4),
        ("9223372036854775807 + 1", "64-bit", 21),
        ("-9223372036854775807 - 2", "64-bit", 22),
        ("3037000500 * 3037000500", "64-bit", 12),
        ("2 ^ 63", "64-bit", 3),
        ("-(-9223372036854775807 - 1)", "64-bit", 1),
        ("LoanAmount + 5 EUR", "different currencies: 40000 USD and 5 EUR", 12),
        ("LoanAmount > 5 EUR", "different currencies", 12),
        ("Start + 1h", "whole days", 7),
        ("Start + 70000d", "outside 1800-01-01", 7),
        ("Due - 90000d", "outside 1800-01-01", 5),
        ("Scores[4]", "position 4 is outside the list of 3 items", 8),
        ("Scores[-4]", "position -4 is outside", 8),
        ("Scores[0]", "positions start at 1", 8),
        ("(-2.0) ^ 0.5", "no defined result", 8),
        ("9.9 ^ 1000 * 10 ^ 999999999999", "exponent", 17),
    ],
)
def test_evaluation_errors(ev: Any, source: str, message: str, column: int) -> None:
    with pytest.raises(EvaluationError, match=message) as info:
        ev(source)
    assert info.value.column == column


def test_none_currency_code_is_compatible(ev: Any) -> None:
    assert ev("LoanAmount + Amt", Amt=Currency(D(5))) == usd("40005")


# --------------------------------------------------------------------------- NOT SET


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Missing is set", False),
        ("Missing is not set", True),
        ("CreditScore is set", True),
        ("IsSet(Missing)", False),
        ("Default(Missing, 5)", 5),
        ("Default(CreditScore, 5)", 700),
        ("Missing = NotSet", True),
        ("Missing != NotSet", False),
        ("CreditScore = NotSet", False),
        ("NotSet = NotSet", True),
        ("Missing = 0", False),
        ("Missing != 0", True),
        ("Car.Price is set", False),
        ("ToString(Missing)", "NotSet"),
        ("false and Missing > 1", False),
        ("true or Missing > 1", True),
        ("if Missing is set then Missing else 0", 0),
    ],
)
def test_not_set_rules(ev: Any, source: str, expected: Any) -> None:
    assert ev(source) == expected


@pytest.mark.parametrize(
    ("source", "message", "column"),
    [
        ("Missing + 1", "Process.Missing is NOT SET", 1),
        ("1 + Process.Missing", "Process.Missing is NOT SET", 5),
        ("Missing > 1", "Process.Missing is NOT SET", 1),
        ("-Missing", "Process.Missing is NOT SET", 2),
        ("Len(ToString(1)) + Missing", "Process.Missing is NOT SET", 20),
        ("Car.Price + 1 USD", "Process.Car.Price is NOT SET", 1),
        ("Abs(Missing)", "Process.Missing is NOT SET", 5),
        ("Missing in [1]", "Process.Missing is NOT SET", 1),
        ("'a' & Missing", "Process.Missing is NOT SET", 7),
        ("Approved and Flag", "Process.Flag is NOT SET", 14),
        ("if Flag then 1 else 2", "Process.Flag is NOT SET", 4),
        ("Scores[Missing]", "Process.Missing is NOT SET", 8),
        ("Car.Make", "Process.Car is NOT SET", 1),
    ],
)
def test_not_set_values_are_evaluation_errors(
    ev: Any, source: str, message: str, column: int
) -> None:
    values: dict[str, Any] = {"Flag": NOT_SET}
    if source == "Car.Make":
        values["Car"] = NOT_SET
    with pytest.raises(EvaluationError, match=message) as info:
        ev(source, **values)
    assert info.value.column == column


def test_name_like_equality_uses_text(ev: Any) -> None:
    assert ev("Email = Other", Other=Mailbox("ann@example.com"))
    assert ev("Email != 'bob@example.com'")
