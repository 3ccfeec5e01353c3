"""Checking and compiling calls of library functions."""

from __future__ import annotations

from typing import Any

from openpas.errors import EvaluationError, ExpressionError
from openpas.expr.compiler import ERRORS, Compiler, Run, Typed, _has_decimal, suggest
from openpas.expr.functions import FUNCTIONS
from openpas.expr.functions.base import SignatureError
from openpas.expr.parser import Call, Literal
from openpas.expr.runtime import Failure, bounded, explain
from openpas.expr.scope import RuntimeScope
from openpas.expr.types import Kind
from openpas.expr.values import coerce


def compile_call(compiler: Compiler, node: Call) -> Typed:
    """Check a call against the function's signatures and compile it.

    Raises:
        ExpressionError: unknown function (with a suggestion), wrong number or types
            of arguments, NotSet given to a function that needs a value, or a bad
            literal argument (such as an invalid regular expression).
    """
    function = FUNCTIONS.get(node.name)
    if function is None:
        raise compiler.error(f"unknown function '{node.name}'{suggest(node.name)}", node)
    compiled = [compiler.compile(arg) for arg in node.args]
    try:
        result = function.check([typed.type for typed in compiled])
    except SignatureError as exc:
        at = node if exc.index is None else node.args[exc.index]
        raise compiler.error(exc.message, at) from None
    runs: list[Run] = []
    for index, (arg, typed) in enumerate(zip(node.args, compiled, strict=True)):
        if function.strict and typed.type.kind is Kind.NOTSET:
            raise compiler.error(
                f"{function.name} needs a value for argument {index + 1}, not NotSet", arg
            )
        run = compiler.strict(arg, typed) if function.strict else typed.run
        if index in function.literals:
            if not isinstance(arg, Literal):
                raise compiler.error(
                    f"argument {index + 1} of {function.name} must be written as a literal"
                    " (a quoted string), so that it can be checked in advance",
                    arg,
                )
            assert function.prepare is not None
            try:
                prepared = function.prepare(arg.value)
            except Failure as exc:
                raise compiler.error(f"{function.name}: {exc.message}", arg) from None
            run = _constant(prepared)
        runs.append(run)
    impl, name, line, column = function.impl, function.name, node.line, node.column
    if function.typed:
        runs.insert(0, _constant(result))
    needs_scope = function.needs_scope
    widen = _has_decimal(result)

    def call(scope: RuntimeScope) -> Any:
        args = [run(scope) for run in runs]
        try:
            value = impl(scope, *args) if needs_scope else impl(*args)
            value = bounded(value)
        except EvaluationError:
            raise
        except ERRORS as exc:
            raise EvaluationError(f"{name}: {explain(exc)}", line, column) from None
        return coerce(value, result) if widen else value

    return Typed(result, call)


def _constant(value: Any) -> Run:
    return lambda scope: value


__all__ = ["ExpressionError", "compile_call"]
