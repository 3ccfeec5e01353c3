"""The expression language of openpas: typed, checked in advance, safe to evaluate.

Process designers write conditions and calculations such as
``Process.CreditScore >= 650 and LoanAmount <= 50000 USD``. An expression is
compiled once, when its process definition is validated::

    compiled = compile_expression(source, static_scope, expected=BOOLEAN)

and evaluated many times by the engine with ``compiled.evaluate(runtime_scope)``.
See ``docs/expressions.md`` for the language.
"""

from __future__ import annotations

from openpas.errors import EvaluationError, ExpressionError
from openpas.expr.api import Compiled, compile_expression
from openpas.expr.functions import FUNCTIONS

__all__ = ["FUNCTIONS", "Compiled", "EvaluationError", "ExpressionError", "compile_expression"]
