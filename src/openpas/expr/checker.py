"""Static type rules of the expression language that are not arithmetic tables.

Which types combine in branches and list literals (:func:`unify`), which may be
compared (:func:`comparable`, :func:`orderable`) and how type errors are worded.
"""

from __future__ import annotations

from typing import Final

from openpas.expr.types import DECIMAL, NAME_LIKE, Kind, Type, list_of

ORDERED_KINDS: Final = frozenset(
    {
        Kind.INTEGER,
        Kind.DECIMAL,
        Kind.CURRENCY,
        Kind.STRING,
        Kind.DATE,
        Kind.DATETIME,
        Kind.TIME,
        Kind.DURATION,
    }
)
"""Kinds whose values ``<`` orders."""

_WILD: Final = (Kind.NOTSET, Kind.ANY)

VERBS: Final = {
    "+": "add",
    "-": "subtract",
    "*": "multiply",
    "/": "divide",
    "//": "divide (whole division)",
    "%": "take the remainder of",
    "^": "raise",
}


def a(type_: Type | str) -> str:
    """``a string``, ``an integer``: a type with its article, for messages."""
    text = str(type_)
    if text == "NotSet":
        return "NotSet"
    return f"{'an' if text[:1] in 'aeiou' else 'a'} {text}"


def unify(left: Type, right: Type) -> Type | None:
    """The one type both ``left`` and ``right`` values fit, or None.

    Integers and decimals give decimal; ``NotSet`` and ``any`` take the other side.
    """
    if left == right:
        return left
    if left.kind in _WILD:
        return right
    if right.kind in _WILD:
        return left
    if left.is_numeric and right.is_numeric:
        return DECIMAL
    if left.is_list and right.is_list:
        item = unify(left.element(), right.element())
        return None if item is None else list_of(item)
    return None


def comparable(left: Type, right: Type) -> bool:
    """Whether ``left = right`` makes sense."""
    if left.kind in _WILD or right.kind in _WILD:
        return True
    if left.is_numeric and right.is_numeric:
        return True
    kinds = {left.kind, right.kind}
    if Kind.CURRENCY in kinds and kinds <= {Kind.CURRENCY, Kind.INTEGER, Kind.DECIMAL}:
        return True
    if kinds <= NAME_LIKE and (len(kinds) == 1 or Kind.STRING in kinds):
        return True
    if left.is_list and right.is_list:
        return comparable(left.element(), right.element())
    if left.kind is Kind.COMPLEX:
        return right.kind is Kind.COMPLEX and left.name == right.name
    return left.kind is right.kind


def orderable(left: Type, right: Type) -> bool:
    """Whether ``left < right`` makes sense."""
    if Kind.NOTSET in (left.kind, right.kind):
        return False
    return (
        comparable(left, right)
        and (left.kind in ORDERED_KINDS or left.kind is Kind.ANY)
        and (right.kind in ORDERED_KINDS or right.kind is Kind.ANY)
    )


def arithmetic_error(op: str, left: Type, right: Type) -> str:
    """Why ``left op right`` does not type-check, with a hint when one helps."""
    message = f"cannot {VERBS[op]} {a(left)} and {a(right)}"
    if op == "^":
        message = f"cannot raise {a(left)} to the power of {a(right)}"
    kinds = {left.kind, right.kind}
    if Kind.NOTSET in kinds:
        return message + "; NotSet takes part only in =, !=, is set, IsSet and Default"
    if op == "+" and Kind.STRING in kinds:
        return message + "; use & to join text or ToInteger(...)/ToDecimal(...) to convert it"
    if kinds & NAME_LIKE and kinds & {Kind.INTEGER, Kind.DECIMAL}:
        return message + "; convert the text with ToInteger(...) or ToDecimal(...)"
    if Kind.DATE in kinds and Kind.DATETIME in kinds:
        return message + "; convert with DateOf(...) or DateTime(date, time)"
    if kinds == {Kind.DURATION} | (kinds & {Kind.INTEGER, Kind.DECIMAL}) and op in "+-":
        return message + "; write the unit, e.g. 2d, 3h or 30m"
    return message
