"""Run-time support shared by operators and functions: failures, bounds, equality.

Operators and library functions raise :class:`Failure` with a plain message;
the compiled node that called them adds the line and column and raises
:class:`~openpas.errors.EvaluationError`.
"""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal
from typing import Any, Final

from openpas.errors import LiteralError
from openpas.expr.limits import MAX_LIST_LENGTH, MAX_TEXT_LENGTH
from openpas.expr.values import (
    DATE_MAX,
    DATE_MIN,
    DECIMAL_CONTEXT,
    INT_MAX,
    INT_MIN,
    NOT_SET,
    Currency,
    Mailbox,
    SkillRef,
    Uri,
    UserRef,
    WorkgroupRef,
    format_value,
)

CTX: Final = DECIMAL_CONTEXT
ONE_DAY: Final = dt.timedelta(days=1)
MICROSECOND: Final = dt.timedelta(microseconds=1)
NAME_VALUES: Final = (str, Mailbox, Uri, UserRef, WorkgroupRef, SkillRef)


class Failure(Exception):
    """A run-time problem with an operator or function, before its position is known."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def explain(exc: BaseException) -> str:
    """A plain sentence for a Python exception raised while computing a value."""
    if isinstance(exc, Failure | LiteralError):
        return exc.message
    if isinstance(exc, ZeroDivisionError | decimal.DivisionByZero):
        return "division by zero"
    if isinstance(exc, OverflowError | decimal.Overflow):
        return "the result is too large"
    if isinstance(exc, decimal.InvalidOperation):
        return "the operation has no defined result (e.g. the square root of a negative number)"
    return str(exc) or type(exc).__name__


def show(value: Any) -> str:
    """A value as error messages quote it: strings in quotes, others as written."""
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return repr(text)
    text = format_value(value)
    return text if len(text) <= 60 else text[:57] + "..."


def int64(value: int) -> int:
    """``value`` when it fits in 64 bits."""
    if INT_MIN <= value <= INT_MAX:
        return value
    raise Failure("the result is outside the 64-bit integer range")


def dec(value: Any) -> Decimal:
    """An integer or decimal as a decimal."""
    return value if isinstance(value, Decimal) else Decimal(value)


def text(value: str) -> str:
    """``value`` when it is not longer than the text limit."""
    if len(value) > MAX_TEXT_LENGTH:
        raise Failure(f"the text would be longer than {MAX_TEXT_LENGTH} characters")
    return value


def check_text_length(length: int) -> None:
    """Refuse to build a text of ``length`` characters when it exceeds the limit."""
    if length > MAX_TEXT_LENGTH:
        raise Failure(f"the text would be longer than {MAX_TEXT_LENGTH} characters")


def items(value: tuple[Any, ...]) -> tuple[Any, ...]:
    """``value`` when it is not longer than the list limit."""
    if len(value) > MAX_LIST_LENGTH:
        raise Failure(f"the list would have more than {MAX_LIST_LENGTH} items")
    return value


def day(value: Any) -> Any:
    """A date or date-time when it lies in 1800..2200."""
    day_ = value.date() if isinstance(value, dt.datetime) else value
    if DATE_MIN <= day_ <= DATE_MAX:
        return value
    raise Failure(f"the date {day_.isoformat()} is outside 1800-01-01 .. 2200-12-31")


def bounded(value: Any) -> Any:
    """Check a result of any type against the limits."""
    kind = type(value)
    if kind is int:
        return int64(value)
    if kind is str:
        return text(value)
    if kind is tuple:
        return items(value)
    if kind is dt.date or kind is dt.datetime:
        return day(value)
    if kind is Decimal and not value.is_finite():
        raise Failure(f"{value} is not a finite number")
    return value


def same_code(a: Currency, b: Currency) -> str | None:
    """The code of a result of two amounts; their codes must agree (None agrees with any)."""
    if a.code is None or b.code is None or a.code == b.code:
        return a.code or b.code
    raise Failure(f"cannot combine amounts in different currencies: {a} and {b}")


def equals(a: Any, b: Any) -> bool:
    """The ``=`` of the language (NOT SET equals only NOT SET)."""
    if a is NOT_SET or b is NOT_SET:
        return a is b
    if isinstance(a, Currency):
        if isinstance(b, Currency):
            same_code(a, b)
            return a.amount == b.amount
        return bool(a.amount == b)
    if isinstance(b, Currency):
        return bool(b.amount == a)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(equals(x, y) for x, y in zip(a, b, strict=True))
    if type(a) is not type(b) and isinstance(a, NAME_VALUES) and isinstance(b, NAME_VALUES):
        return str(a) == str(b)
    return bool(a == b)


def order_key(value: Any) -> Any:
    """What ``<`` compares: the amount of a currency, the value itself otherwise."""
    return value.amount if isinstance(value, Currency) else value


def ordered_pair(a: Any, b: Any) -> tuple[Any, Any]:
    """The two things ``<`` compares, checking currency codes."""
    if isinstance(a, Currency) and isinstance(b, Currency):
        same_code(a, b)
    return order_key(a), order_key(b)


def contains(container: Any, item: Any) -> bool:
    """``item in container``: an element of a list, or a part of a text."""
    if isinstance(container, tuple):
        return any(equals(item, element) for element in container)
    return str(item) in str(container)


def whole_days(duration: dt.timedelta) -> dt.timedelta:
    """``duration`` when it is a whole number of days (dates move only by days)."""
    if duration % ONE_DAY:
        raise Failure(
            f"a date can only move by whole days, not by {format_value(duration)};"
            " use a date-time for hours and minutes"
        )
    return duration
