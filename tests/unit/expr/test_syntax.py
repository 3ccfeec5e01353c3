"""Tokens, literals, precedence and syntax errors with their positions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from openpas.errors import ExpressionError
from openpas.expr.tokens import T, tokenize
from openpas.expr.values import NOT_SET, Currency


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("650", 650),
        ("0.05", Decimal("0.05")),
        ('"text"', "text"),
        ("'text'", "text"),
        (r'"a\nb\tc\\d\"e\'f"', "a\nb\tc\\d\"e'f"),
        ("'say \"hi\"'", 'say "hi"'),
        ("true", True),
        ("false", False),
        ("NotSet", NOT_SET),
        ("50000 USD", Currency(Decimal(50000), "USD")),
        ("12.50 EUR", Currency(Decimal("12.50"), "EUR")),
        ("-5 EUR", Currency(Decimal(-5), "EUR")),
        ("2d", dt.timedelta(days=2)),
        ("1h30m", dt.timedelta(hours=1, minutes=30)),
        ("45s", dt.timedelta(seconds=45)),
        ("250ms", dt.timedelta(milliseconds=250)),
        ("1w", dt.timedelta(weeks=1)),
        ("-2d", dt.timedelta(days=-2)),
        ("[1, 2, 3]", (1, 2, 3)),
        ("[1, 2.5]", (Decimal(1), Decimal("2.5"))),
        ("[]", ()),
        ("[[1], [2, 3]]", ((1,), (2, 3))),
        ("-9223372036854775808", -(2**63)),
    ],
)
def test_literals(ev: Any, source: str, expected: Any) -> None:
    result = ev(source)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("source", "type_"),
    [
        ("[]", "list<any>"),
        ("[1, 2]", "list<integer>"),
        ("[1, 2.0]", "list<decimal>"),
        ("[NotSet, 'a']", "list<string>"),
        ("1d", "duration"),
        ("1 USD", "currency"),
        ("NotSet", "NotSet"),
    ],
)
def test_literal_types(compile_: Any, source: str, type_: str) -> None:
    assert str(compile_(source).type) == type_


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("2 ^ 3 ^ 2", 512),
        ("-2 ^ 2", -4),
        ("(-2) ^ 2", 4),
        ("2 ^ -1 * 1.0", None),
        ("10 - 4 - 3", 3),
        ("7 // 2 * 2", 6),
        ("1 + 2 = 3", True),
        ("not 1 = 2", True),
        ("not false and false", False),
        ("true or false and false", True),
        ("if true then 1 else 2 + 3", 1),
        ("if false then 1 else 2 + 3", 5),
        ("1 + if false then 1 else 2", 3),
        ("'a' & (1 + 2) & 'b'", "a3b"),
        ("3 in [1, 2, 3] and 4 not in [1, 2]", True),
        ("- - 3", 3),
        ("+3", 3),
    ],
)
def test_precedence(ev: Any, source: str, expected: Any) -> None:
    if expected is None:
        with pytest.raises(Exception, match="negative exponent"):
            ev(source)
    else:
        assert ev(source) == expected


def test_tokens_carry_positions() -> None:
    tokens = tokenize("A +\n  'x'")
    assert [(t.kind, t.line, t.column) for t in tokens] == [
        (T.NAME, 1, 1),
        (T.OP, 1, 3),
        (T.STRING, 2, 3),
        (T.END, 2, 6),
    ]


@pytest.mark.parametrize(
    ("source", "line", "column", "message"),
    [
        ("", 1, 1, "empty"),
        ("1 +", 1, 4, "expected a value"),
        ("(1 + 2", 1, 7, r"expected '\)'"),
        ("1 $ 2", 1, 3, "unexpected character '\\$'"),
        ("'abc", 1, 1, "no closing"),
        (r"'a\qb'", 1, 3, "unknown escape"),
        ("1 2", 1, 3, "after a complete expression"),
        ("1 < 2 < 3", 1, 7, "cannot be chained"),
        ("1 = 1 = 1", 1, 7, "cannot be chained"),
        ("if true then 1", 1, 15, "every if needs an else"),
        ("Name is 5", 1, 9, "expected 'set'"),
        ("[1, 2", 1, 6, "expected ','"),
        ("Len(Name", 1, 9, "between arguments"),
        ("CreditScore >= 650 and\n  Nme = 'x'", 2, 3, "unknown variable 'Nme'"),
        ("1 +\n\n   'a' * 2", 3, 8, "cannot multiply a string and an integer"),
        ("Car.\n  Mak", 2, 3, "Car has no field 'Mak'"),
        ("2 ^ 3x", 1, 5, "not a duration"),
        ("1" * 41, 1, 1, "more than 40 digits"),
        ("9223372036854775808", 1, 1, "outside the 64-bit range"),
        ("Status", 1, 1, "both a process and a local"),
        ("Process.Nope", 1, 1, "unknown variable 'Process.Nope'"),
        ("foo", 1, 1, "variable names start with an upper-case letter"),
        ("1 +\n  Len('a', 'b')", 2, 3, "Len expects 1 argument"),
        ("Left('a',\n 'b')", 2, 2, r"argument 2 \(count\) must be an integer, not a string"),
    ],
)
def test_errors_have_positions(
    compile_: Any, source: str, line: int, column: int, message: str
) -> None:
    with pytest.raises(ExpressionError, match=message) as info:
        compile_(source)
    assert (info.value.line, info.value.column) == (line, column)


def test_qualified_names_resolve(ev: Any, compile_: Any) -> None:
    assert ev("Process.Status & Local.Status & Flow.Id") == "openopenflow-1"
    refs = {str(r) for r in compile_("Local.Count + Process.CreditScore + Count").refs}
    assert refs == {"Local.Count", "Process.CreditScore"}
