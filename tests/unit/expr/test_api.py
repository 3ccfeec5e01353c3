"""The public API: compile_expression, Compiled, expected types, speed."""

from __future__ import annotations

import dataclasses
import time
from decimal import Decimal
from typing import Any

import pytest

import openpas.expr as expr
from openpas.errors import EvaluationError, ExpressionError
from openpas.expr.types import BOOLEAN, DECIMAL, INTEGER, STRING, list_of

from .conftest import FakeRuntimeScope


def test_public_names() -> None:
    assert set(expr.__all__) == {
        "FUNCTIONS",
        "Compiled",
        "EvaluationError",
        "ExpressionError",
        "compile_expression",
    }
    assert expr.ExpressionError is ExpressionError
    assert "Len" in expr.FUNCTIONS


def test_compiled_is_immutable_with_type_and_refs(compile_: Any) -> None:
    compiled = compile_("Process.CreditScore >= 650 and LoanAmount <= 50000 USD")
    assert compiled.type == BOOLEAN
    assert {str(ref) for ref in compiled.refs} == {"Process.CreditScore", "Process.LoanAmount"}
    assert isinstance(compiled.refs, frozenset)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(compiled, "source", "1")  # noqa: B010
    assert repr(compiled) == (
        "<Compiled 'Process.CreditScore >= 650 and LoanAmount <= 50000 USD': boolean"
        " reads [Process.CreditScore, Process.LoanAmount]>"
    )


def test_expected_type(compile_: Any) -> None:
    assert compile_("1 < 2", BOOLEAN).type == BOOLEAN
    with pytest.raises(ExpressionError, match="expected a boolean, but the expression gives an"):
        compile_("1 + 2", BOOLEAN)
    with pytest.raises(ExpressionError, match=r"expected an integer, but .* gives a decimal"):
        compile_("1 / 2", INTEGER)
    with pytest.raises(ExpressionError, match=r"expected a list<string>, but .* list<integer>"):
        compile_("[1]", list_of(STRING))
    assert compile_("NotSet", INTEGER).evaluate(FakeRuntimeScope()) is expr.values.NOT_SET


def test_integers_widen_to_an_expected_decimal(compile_: Any) -> None:
    compiled = compile_("1 + 2", DECIMAL)
    assert compiled.type == DECIMAL
    value = compiled.evaluate(FakeRuntimeScope())
    assert value == 3 and isinstance(value, Decimal)
    assert compile_("[]", list_of(DECIMAL)).evaluate(FakeRuntimeScope()) == ()


def test_evaluation_never_raises_python_errors(compile_: Any) -> None:
    compiled = compile_("CreditScore + 1")
    with pytest.raises(EvaluationError):
        compiled.evaluate(FakeRuntimeScope(CreditScore="not an int"))


def test_simple_comparison_is_fast(compile_: Any) -> None:
    compiled = compile_("Process.CreditScore >= 650")
    scope = FakeRuntimeScope()
    count = 50_000
    started = time.perf_counter()
    for _ in range(count):
        compiled.evaluate(scope)
    rate = count / (time.perf_counter() - started)
    assert rate > 100_000, f"{rate:.0f} evaluations/s"
