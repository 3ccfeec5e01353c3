"""Untrusted expressions: no way out to Python, every limit enforced, only our errors."""

from __future__ import annotations

import string
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openpas.errors import EvaluationError, ExpressionError
from openpas.expr import compile_expression
from openpas.expr.limits import MAX_DEPTH, MAX_LIST_LENGTH, MAX_SOURCE_LENGTH, MAX_TEXT_LENGTH

from .conftest import FakeRuntimeScope, FakeStaticScope


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("__class__", "names containing '__'"),
        ("Name.__class__", "names containing '__'"),
        ("Car.__dict__", "names containing '__'"),
        ("Len.__globals__", "names containing '__'"),
        ("Name.upper()", "method calls such as .upper\\(...\\) are not supported"),
        ("Car.Make.lower()", "method calls"),
        ("Tags.count('a')", "method calls"),
        ("import os", "unexpected 'os' after a complete expression"),
        ("__import__('os')", "names containing '__'"),
        ("eval('1')", "unknown function 'eval'"),
        ("open('/etc/passwd')", "unknown function 'open'"),
        ("Len", "unknown variable 'Len'"),
        ("(Len)('a')", "only library functions can be called"),
        ("Name.Length", "a string has no fields"),
        ("Car.Make.Length", "a string has no fields"),
        ("Process.Len('a')", "only library functions can be called"),
        ("lambda: 1", "unexpected character ':'"),
        ("Name; 1", "unexpected character ';'"),
        ("`ls`", "unexpected character '`'"),
        ("x = 1", "unknown name 'x'"),
        ("Car['Make']", "only lists can be indexed"),
        ("'a' * 1000000000", "cannot multiply a string"),
    ],
)
def test_escape_attempts_are_expression_errors(compile_: Any, source: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message):
        compile_(source)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("9^9^9", "the exponent 387420489 is larger than the limit of 1000"),
        ("2 ^ 1001", "exponent 1001 is larger"),
        ("2.0 ^ -1001", "exponent -1001 is larger"),
        ("9.9 ^ 1000 ^ 1000", "64-bit"),
        ("(10.0 ^ 1000) ^ 1000", "exponent|too large"),
        ("Power(9, 999)", "64-bit"),
        ("PadLeft('', 1000000) & 'x'", "longer than 1000000 characters"),
        ("PadLeft('', 600000) + PadLeft('', 600000)", "longer than 1000000 characters"),
        ("Replace(PadLeft('', 1000), ' ', PadLeft('', 2000))", "longer than 1000000"),
        ("Join(Split(PadLeft('', 99999, ','), ','), PadLeft('', 100))", "longer than"),
        ("Split(PadLeft('', 100001, ','), ',')", "too many parts"),
        ("Append(Split(PadLeft('', 99999, ','), ','), 'x')", "more than 100000 items"),
    ],
)
def test_limits_are_evaluation_errors(ev: Any, source: str, message: str) -> None:
    with pytest.raises(EvaluationError, match=message):
        ev(source)


def test_limit_constants() -> None:
    assert (MAX_SOURCE_LENGTH, MAX_DEPTH, MAX_TEXT_LENGTH, MAX_LIST_LENGTH) == (
        10_000,
        100,
        1_000_000,
        100_000,
    )


def test_source_length_limit(compile_: Any) -> None:
    compile_("1" + " " * (MAX_SOURCE_LENGTH - 1))
    with pytest.raises(ExpressionError, match="10001 characters long; the limit is 10000"):
        compile_("1" + " " * MAX_SOURCE_LENGTH)


@pytest.mark.parametrize(
    "source",
    [
        "(" * 4999 + "1" + ")" * 4999,
        "(" * 101 + "1" + ")" * 101,
        "-" * 5000 + "1",
        "not " * 2000 + "true",
        "[" * 3000 + "]" * 3000,
        "Len(" * 1900 + "'a'" + ")" * 1900,
        "+".join(["1"] * 4000),
        " & ".join(["'a'"] * 1500),
        "^".join(["1"] * 4000),
        "if true then " * 400 + "1" + " else 2" * 400,
        "Scores" + "[1]" * 3000,
        "Car" + ".Make" * 1500,
        "Tags[" * 1500 + "1" + "]" * 1500,
    ],
)
def test_deep_nesting_is_an_expression_error(compile_: Any, source: str) -> None:
    assert len(source) <= MAX_SOURCE_LENGTH
    with pytest.raises(ExpressionError, match="nested too deeply; the limit is 100 levels"):
        compile_(source)


def test_nesting_up_to_the_limit_works(ev: Any) -> None:
    assert ev("(" * 99 + "1" + ")" * 99) == 1
    assert ev("+".join(["1"] * 100)) == 100
    assert ev(" and ".join(["true"] * 1000)) is True  # and-chains are flat


# --------------------------------------------------------------------------- properties

VALID = [
    "Process.CreditScore >= 650 and LoanAmount <= 50000 USD",
    "if Missing is set then Missing * 2 else Default(Missing, 0) + Len(Name)",
    "Round(Rate * 100, 2) & '%' & ToString(Due + 1h30m)",
    "Sum(Append(Scores, 4)) // 2 ^ 2 in [1, 2, 3] or not Approved",
    "Matches(Upper(Trim(Name)), '[A-Z ]+') and 'vip' in Tags and Car.Make != 'Saab'",
    "Slice(Sort(Scores), 1, 2)[1] - First(Reverse(Scores)) % 2",
    "DaysBetween(Start, Today()) > 30 and Cars[1].Year < 2000",
]
TOKENS = [
    "(", ")", "[", "]", ",", ".", "+", "-", "*", "/", "//", "%", "^", "&", "=", "!=", "<",
    ">=", " and ", " or ", " not ", " in ", " is ", " set ", " if ", " then ", " else ",
    "1", "0", "2.5", "'x'", '"', "1d", "5 USD", "NotSet", "true", "Name", "Scores", "Car",
    "Len(", "Sum(", "__", "Process.", "Local.", "Flow.", "Missing", "\n", "9^9^9", "\\",
]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn) -> str:
    source = draw(st.sampled_from(VALID))
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, len(source)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.sampled_from(TOKENS))
        size = draw(st.integers(1, 5))
        if action == "insert":
            source = source[:where] + piece + source[where:]
        elif action == "delete":
            source = source[:where] + source[where + size :]
        else:
            source = source[:where] + piece + source[where + size :]
    return source


def _compile_or_expression_error(source: str) -> None:
    try:
        compiled = compile_expression(source, FakeStaticScope())
    except ExpressionError as exc:
        assert exc.line >= 1 and exc.column >= 1
        return
    try:
        compiled.evaluate(FakeRuntimeScope())
    except EvaluationError as exc:
        assert exc.line >= 1 and exc.column >= 1


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=string.printable, max_size=60))
def test_random_text_compiles_or_raises_expression_error(source: str) -> None:
    _compile_or_expression_error(source)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_expressions_compile_or_raise_expression_error(source: str) -> None:
    _compile_or_expression_error(source)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=30).map("".join))
def test_token_soup_compiles_or_raises_expression_error(source: str) -> None:
    _compile_or_expression_error(source)


def test_valid_examples_compile_and_evaluate(ev: Any) -> None:
    for source in VALID:
        ev(source)
