"""Type-checks a syntax tree and turns it into nested Python closures.

One pass over the tree: every node is checked (its type computed from its
children's, or an :class:`~openpas.errors.ExpressionError` at its position)
and compiled into a closure ``run(scope) -> value``. Closures read NOT SET
operands through :meth:`Compiler.strict`, which names the variable at fault,
and turn every failure of an operator or function into an
:class:`~openpas.errors.EvaluationError` at the operator's position.
"""

from __future__ import annotations

import datetime as dt
import difflib
import operator
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from openpas.errors import EvaluationError, ExpressionError, LiteralError
from openpas.expr import operators
from openpas.expr.checker import a, arithmetic_error, comparable, orderable, unify
from openpas.expr.functions import FUNCTIONS
from openpas.expr.functions.base import SignatureError
from openpas.expr.parser import (
    Binary,
    Call,
    Conditional,
    FieldAccess,
    Index,
    IsSet,
    ListLiteral,
    Literal,
    Logical,
    Name,
    Node,
    Unary,
)
from openpas.expr.runtime import Failure, contains, equals, explain, ordered_pair
from openpas.expr.scope import RuntimeScope, StaticScope, UnknownName, VariableRef
from openpas.expr.types import (
    BOOLEAN,
    CURRENCY,
    DECIMAL,
    DURATION,
    INTEGER,
    NOTSET,
    STRING,
    Kind,
    Type,
    list_of,
)
from openpas.expr.values import INT_MAX, INT_MIN, NOT_SET, Currency, coerce

Run = Callable[[RuntimeScope], Any]

ERRORS: Final = (Failure, LiteralError, ArithmeticError, ValueError, TypeError, LookupError)
"""What operators and functions may raise; each becomes an EvaluationError."""

_SIMPLE: Final = frozenset(
    {Kind.INTEGER, Kind.DECIMAL, Kind.STRING, Kind.BOOLEAN, Kind.DATE, Kind.DATETIME, Kind.TIME}
    | {Kind.DURATION}
)
_ORDER: Final = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


@dataclass(frozen=True, slots=True)
class Typed:
    """A checked node: its type and its closure; ``const`` when it is a literal value."""

    type: Type
    run: Run
    const: bool = False


def _constant(value: Any) -> Run:
    return lambda scope: value


def _literal_type(value: Any) -> Type:
    if value is NOT_SET:
        return NOTSET
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int):
        return INTEGER
    if isinstance(value, Decimal):
        return DECIMAL
    if isinstance(value, str):
        return STRING
    if isinstance(value, Currency):
        return CURRENCY
    assert isinstance(value, dt.timedelta), value
    return DURATION


def _has_decimal(type_: Type) -> bool:
    return type_.kind is Kind.DECIMAL or (type_.is_list and _has_decimal(type_.element()))


def _widen(typed: Typed, target: Type) -> Run:
    """``typed.run``, converting integers to decimals when ``target`` needs it."""
    run = typed.run
    if typed.type == target or not _has_decimal(target):
        return run
    return lambda scope: coerce(run(scope), target)


class Compiler:
    """Checks and compiles one expression; use :func:`compile_tree`."""

    def __init__(self, source: str, scope: StaticScope) -> None:
        self.source = source
        self.scope = scope
        self.refs: set[VariableRef] = set()
        self.names: dict[Node, VariableRef] = {}

    # -- helpers

    def error(self, message: str, node: Node) -> ExpressionError:
        return ExpressionError(message, node.line, node.column)

    def describe(self, node: Node) -> str:
        """How messages name what ``node`` computes: a variable's full name, or its source."""
        if isinstance(node, Name) and node in self.names:
            return str(self.names[node])
        if isinstance(node, FieldAccess) and node.target is not None:
            return f"{self.describe(node.target)}.{node.name}"
        text = " ".join(self.source[node.start : node.end].split())
        return text if len(text) <= 60 else text[:57] + "..."

    def strict(self, node: Node, typed: Typed) -> Run:
        """A closure that refuses a NOT SET value of ``node``, naming it."""
        run = typed.run
        if typed.const:
            return run
        what, line, column = self.describe(node), node.line, node.column

        def get(scope: RuntimeScope) -> Any:
            value = run(scope)
            if value is NOT_SET:
                raise EvaluationError(f"{what} is NOT SET", line, column)
            return value

        return get

    def compile(self, node: Node) -> Typed:
        method: Callable[[Any], Typed] = getattr(self, "_" + type(node).__name__.lower())
        return method(node)

    def operand(self, node: Node | None) -> tuple[Node, Typed]:
        assert node is not None
        return node, self.compile(node)

    # -- leaves

    def _literal(self, node: Literal) -> Typed:
        value = node.value
        if type(value) is int and not INT_MIN <= value <= INT_MAX:
            raise self.error(f"the integer {value} is outside the 64-bit range", node)
        return Typed(_literal_type(value), _constant(value), const=True)

    def _listliteral(self, node: ListLiteral) -> Typed:
        compiled = [self.compile(item) for item in node.items]
        item_type = Type(Kind.ANY)
        for item, typed in zip(node.items, compiled, strict=True):
            joined = unify(item_type, typed.type)
            if joined is None:
                raise self.error(
                    f"the items of a list must have one type: this one is {a(typed.type)},"
                    f" the ones before it {a(item_type)}",
                    item,
                )
            item_type = joined
        type_ = list_of(item_type)
        runs = [_widen(t, item_type) for t in compiled]
        if all(t.const for t in compiled):
            return Typed(type_, _constant(tuple(r(None) for r in runs)), const=True)  # type: ignore[arg-type]
        return Typed(type_, lambda scope: tuple(r(scope) for r in runs))

    def _name(self, node: Name) -> Typed:
        if not node.name[:1].isupper():
            raise self.error(
                f"unknown name '{node.name}': variable names start with an upper-case letter"
                " (keywords are and, or, not, in, is, set, if, then, else, true, false, NotSet)",
                node,
            )
        try:
            ref = self.scope.resolve(node.prefix, node.name)
        except UnknownName as exc:
            raise self.error(exc.message, node) from None
        self.refs.add(ref)
        self.names[node] = ref
        return Typed(ref.type, lambda scope: scope.value(ref))

    # -- postfix

    def _fieldaccess(self, node: FieldAccess) -> Typed:
        target_node, target = self.operand(node.target)
        type_, name = target.type, node.name
        at = (node.name_line, node.name_column)
        if type_.kind is not Kind.COMPLEX:
            raise ExpressionError(f"{a(type_)} has no fields; only values of complex types do", *at)
        field_type = type_.field(name)
        if field_type is None:
            known = ", ".join(f for f, _ in type_.fields) or "none"
            raise ExpressionError(f"{type_} has no field '{name}' (its fields: {known})", *at)
        get = self.strict(target_node, target)

        def run(scope: RuntimeScope) -> Any:
            record = get(scope)
            try:
                return record[name]
            except (KeyError, TypeError):
                raise EvaluationError(f"the value has no field '{name}'", *at) from None

        return Typed(field_type, run)

    def _index(self, node: Index) -> Typed:
        target_node, target = self.operand(node.target)
        index_node, index = self.operand(node.index)
        if not target.type.is_list:
            raise self.error(f"only lists can be indexed with [...], not {a(target.type)}", node)
        if index.type.kind not in (Kind.INTEGER, Kind.ANY):
            raise self.error(f"a list position must be an integer, not {a(index.type)}", index_node)
        get_list, get_index = self.strict(target_node, target), self.strict(index_node, index)
        line, column = index_node.line, index_node.column

        def run(scope: RuntimeScope) -> Any:
            items, position = get_list(scope), get_index(scope)
            size = len(items)
            if 1 <= position <= size:
                return items[position - 1]
            if -size <= position <= -1:
                return items[position]
            raise EvaluationError(
                f"position {position} is outside the list of {size} items"
                " (positions start at 1; negative positions count from the end)",
                line,
                column,
            )

        return Typed(target.type.element(), run)

    def _call(self, node: Call) -> Typed:
        from openpas.expr.calls import compile_call  # calls imports this module

        return compile_call(self, node)

    # -- operators

    def _unary(self, node: Unary) -> Typed:
        operand_node, operand = self.operand(node.operand)
        get, type_ = self.strict(operand_node, operand), operand.type
        if node.op == "not":
            if type_.kind is not Kind.BOOLEAN:
                raise self.error(f"'not' needs a boolean, not {a(type_)}", operand_node)
            return Typed(BOOLEAN, lambda scope: not get(scope))
        negate = operators.NEGATE.get(type_.kind)
        if negate is None:
            raise self.error(f"cannot apply unary {node.op} to {a(type_)}", node)
        if node.op == "+":
            return Typed(type_, get)
        return Typed(type_, self.apply(negate, (get,), node.line, node.column))

    def apply(self, impl: Callable[..., Any], runs: tuple[Run, ...], line: int, column: int) -> Run:
        """A closure computing ``impl(*operands)``, turning failures into EvaluationErrors."""
        if len(runs) == 1:
            (first,) = runs

            def run1(scope: RuntimeScope) -> Any:
                value = first(scope)
                try:
                    return impl(value)
                except ERRORS as exc:
                    raise EvaluationError(explain(exc), line, column) from None

            return run1
        left, right = runs

        def run2(scope: RuntimeScope) -> Any:
            a_, b_ = left(scope), right(scope)
            try:
                return impl(a_, b_)
            except ERRORS as exc:
                raise EvaluationError(explain(exc), line, column) from None

        return run2

    def _binary(self, node: Binary) -> Typed:
        left_node, left = self.operand(node.left)
        right_node, right = self.operand(node.right)
        op, lt, rt = node.op, left.type, right.type
        at = Node(node.op_line, node.op_column, node.start, node.end)
        self._check_literal_codes(op, left_node, right_node, at)
        if op in ("=", "==", "!=", "<>"):
            if not comparable(lt, rt):
                raise self.error(f"cannot compare {a(lt)} with {a(rt)} using {op}", at)
            return Typed(BOOLEAN, self._equality(left, right, op in ("!=", "<>"), at))
        get_left, get_right = self.strict(left_node, left), self.strict(right_node, right)
        if op in _ORDER:
            if not orderable(lt, rt):
                why = "" if comparable(lt, rt) else f" with {a(rt)}"
                raise self.error(f"cannot order {a(lt)}{why} using {op}", at)
            compare = _ORDER[op]
            if Kind.CURRENCY in (lt.kind, rt.kind):
                return Typed(
                    BOOLEAN,
                    self.apply(
                        lambda x, y: compare(*ordered_pair(x, y)),
                        (get_left, get_right),
                        at.line,
                        at.column,
                    ),
                )
            return Typed(BOOLEAN, self.apply(compare, (get_left, get_right), at.line, at.column))
        if op in ("in", "not in"):
            return self._membership(node, lt, rt, get_left, get_right, at)
        if op == "&":
            if Kind.NOTSET in (lt.kind, rt.kind):
                raise self.error("cannot join NotSet with &; use Default(x, '') first", at)
            return Typed(STRING, self.apply(operators.concat, (get_left, get_right), *_at(at)))
        rule = operators.arithmetic(op, lt, rt)
        if rule is None:
            raise self.error(arithmetic_error(op, lt, rt), at)
        result, impl = rule
        return Typed(result, self.apply(impl, (get_left, get_right), at.line, at.column))

    def _equality(self, left: Typed, right: Typed, negate: bool, at: Node) -> Run:
        get_left, get_right = left.run, right.run
        if left.type.kind in _SIMPLE and right.type.kind in _SIMPLE:

            def simple(scope: RuntimeScope) -> bool:
                x, y = get_left(scope), get_right(scope)
                if x is NOT_SET or y is NOT_SET:
                    return (x is y) is not negate
                return (x == y) is not negate

            return simple
        test = equals if not negate else (lambda x, y: not equals(x, y))
        return self.apply(test, (get_left, get_right), at.line, at.column)

    def _membership(
        self, node: Binary, lt: Type, rt: Type, get_left: Run, get_right: Run, at: Node
    ) -> Typed:
        if rt.is_list:
            if not comparable(lt, rt.element()):
                raise self.error(
                    f"'{node.op}' looks for {a(lt)} in {a(rt)}; the types do not match", at
                )
        elif rt.kind in (Kind.STRING, Kind.ANY):
            if lt.kind not in (Kind.STRING, Kind.ANY):
                raise self.error(
                    f"'{node.op}' looks for a part of a string; the left side is {a(lt)}", at
                )
        else:
            raise self.error(f"'{node.op}' needs a list or a string on its right, not {a(rt)}", at)
        test = contains if node.op == "in" else (lambda c, i: not contains(c, i))
        return Typed(BOOLEAN, self.apply(lambda x, y: test(y, x), (get_left, get_right), *_at(at)))

    def _check_literal_codes(self, op: str, left: Node, right: Node, at: Node) -> None:
        if isinstance(left, Literal) and isinstance(right, Literal):
            x, y = left.value, right.value
            if (
                isinstance(x, Currency)
                and isinstance(y, Currency)
                and x.code
                and y.code
                and x.code != y.code
            ):
                raise self.error(f"cannot use {op} on {x} and {y}: the currency codes differ", at)

    def _logical(self, node: Logical) -> Typed:
        gets = []
        for part in node.operands:
            typed = self.compile(part)
            if typed.type.kind is not Kind.BOOLEAN:
                raise self.error(f"'{node.op}' needs booleans, but this is {a(typed.type)}", part)
            gets.append(self.strict(part, typed))
        if node.op == "and":

            def all_true(scope: RuntimeScope) -> bool:
                return all(get(scope) for get in gets)

            return Typed(BOOLEAN, all_true)

        def any_true(scope: RuntimeScope) -> bool:
            return any(get(scope) for get in gets)

        return Typed(BOOLEAN, any_true)

    def _isset(self, node: IsSet) -> Typed:
        _, operand = self.operand(node.operand)
        run, negated = operand.run, node.negated
        return Typed(BOOLEAN, lambda scope: (run(scope) is NOT_SET) is negated)

    def _conditional(self, node: Conditional) -> Typed:
        condition_node, condition = self.operand(node.condition)
        _, then = self.operand(node.then)
        otherwise_node, otherwise = self.operand(node.otherwise)
        if condition.type.kind is not Kind.BOOLEAN:
            raise self.error(
                f"the condition of 'if' must be a boolean, not {a(condition.type)}", condition_node
            )
        type_ = unify(then.type, otherwise.type)
        if type_ is None:
            raise self.error(
                f"the branches of 'if' give {a(then.type)} and {a(otherwise.type)};"
                " they must have the same type",
                otherwise_node,
            )
        test = self.strict(condition_node, condition)
        yes, no = _widen(then, type_), _widen(otherwise, type_)
        return Typed(type_, lambda scope: yes(scope) if test(scope) else no(scope))


def _at(node: Node) -> tuple[int, int]:
    return node.line, node.column


def suggest(name: str) -> str:
    """`` (did you mean 'Len'?)`` for a misspelt function name, or ``""``."""
    by_case = {n.lower(): n for n in FUNCTIONS}
    if name.lower() in by_case:
        return f" (did you mean '{by_case[name.lower()]}'? function names are case-sensitive)"
    close = difflib.get_close_matches(name, list(FUNCTIONS), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


__all__ = ["Compiler", "SignatureError", "Typed", "suggest"]
