"""The entry point of the expression language: :func:`compile_expression` and :class:`Compiled`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from openpas.errors import EvaluationError, OpenpasError
from openpas.expr.checker import a
from openpas.expr.compiler import Compiler, _widen
from openpas.expr.parser import parse
from openpas.expr.scope import RuntimeScope, StaticScope, VariableRef
from openpas.expr.types import Type, is_assignable


@dataclass(frozen=True)
class Compiled:
    """A checked expression, ready to be evaluated many times.

    Attributes:
        source: the text of the expression.
        type: the type of its value (the expected type, when one was given).
        refs: every variable the expression reads.
    """

    source: str
    type: Type
    refs: frozenset[VariableRef]
    _run: Callable[[RuntimeScope], Any] = field(repr=False, compare=False)

    def evaluate(self, scope: RuntimeScope) -> Any:
        """The value of the expression with the variables of ``scope``.

        Raises:
            EvaluationError: a NOT SET variable used where a value is needed, a
                division by zero, a bad function argument, a limit exceeded...,
                with the line and column of the part of the expression at fault.
        """
        try:
            return self._run(scope)
        except EvaluationError:
            raise
        except OpenpasError as exc:
            raise EvaluationError(exc.message) from None
        except RecursionError:
            raise EvaluationError("the value is nested too deeply to evaluate") from None
        except Exception as exc:  # never let a Python error out of an expression
            raise EvaluationError(f"the expression could not be evaluated: {exc!r}") from None

    def __repr__(self) -> str:
        refs = ", ".join(sorted(str(ref) for ref in self.refs))
        return f"<Compiled {self.source!r}: {self.type} reads [{refs}]>"


def compile_expression(source: str, scope: StaticScope, expected: Type | None = None) -> Compiled:
    """Parse and type-check ``source``; the result evaluates it.

    Args:
        source: the expression, e.g. ``Process.CreditScore >= 650 and LoanAmount <= 50000 USD``.
        scope: resolves the variable names the expression uses.
        expected: when given, the type the value must be assignable to; an integer
            expression expected as a decimal then evaluates to a decimal.

    Raises:
        ExpressionError: a syntax or type error, with the 1-based line and column
            of the offending token.
    """
    from openpas.errors import ExpressionError

    tree = parse(source)
    compiler = Compiler(source, scope)
    typed = compiler.compile(tree)
    type_, run = typed.type, typed.run
    if expected is not None:
        if not is_assignable(expected, type_):
            raise ExpressionError(
                f"expected {a(expected)}, but the expression gives {a(type_)}",
                tree.line,
                tree.column,
            )
        if type_ != expected and type_.kind.value != "notset":
            run = _widen(typed, expected)
            type_ = expected if run is not typed.run else type_
    return Compiled(source, type_, frozenset(compiler.refs), run)
