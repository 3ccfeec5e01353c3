"""The arithmetic operators: which operand types they accept, what they give, how they compute.

:data:`ARITHMETIC` maps ``(operator, left kind, right kind)`` to the result type
and the implementation, so the checker and the compiler read one table.
Implementations receive values that are set (never NOT SET) and raise
:class:`~openpas.expr.runtime.Failure` on bad values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from typing import Any, Final

from openpas.expr.limits import MAX_EXPONENT
from openpas.expr.runtime import (
    CTX,
    MICROSECOND,
    Failure,
    check_text_length,
    day,
    dec,
    int64,
    same_code,
    whole_days,
)
from openpas.expr.types import (
    CURRENCY,
    DATE,
    DATETIME,
    DECIMAL,
    DURATION,
    INTEGER,
    STRING,
    TIME,
    Kind,
    Type,
)
from openpas.expr.values import UTC, Currency, format_value

Impl = Callable[[Any, Any], Any]
Rule = tuple[Type, Impl]

# --------------------------------------------------------------------------- numbers


def _nonzero(value: Any) -> None:
    if not value:
        raise Failure("division by zero")


def _int_floordiv(a: int, b: int) -> int:
    _nonzero(b)
    return int64(a // b)


def _int_mod(a: int, b: int) -> int:
    _nonzero(b)
    return a % b


def _dec_floordiv(a: Any, b: Any) -> Decimal:
    _nonzero(b)
    return CTX.divide(dec(a), dec(b)).to_integral_value(ROUND_FLOOR, CTX)


def _dec_mod(a: Any, b: Any) -> Decimal:
    # Same sign rule as integers: the remainder takes the sign of the divisor.
    a, b = dec(a), dec(b)
    return CTX.subtract(a, CTX.multiply(b, _dec_floordiv(a, b)))


def _dec_divide(a: Any, b: Any) -> Decimal:
    _nonzero(b)
    return CTX.divide(dec(a), dec(b))


def _exponent(exponent: Any) -> None:
    if abs(exponent) > MAX_EXPONENT:
        raise Failure(f"the exponent {exponent} is larger than the limit of {MAX_EXPONENT}")


def int_power(base: int, exponent: int) -> int:
    """``base ^ exponent`` for integers (the exponent must not be negative)."""
    _exponent(exponent)
    if exponent < 0:
        raise Failure(
            f"{base} ^ {exponent}: a negative exponent needs a decimal base,"
            f" e.g. {base}.0 ^ {exponent}"
        )
    return int64(base**exponent)


def dec_power(base: Any, exponent: Any) -> Decimal:
    """``base ^ exponent`` in decimal arithmetic."""
    _exponent(exponent)
    if not base and exponent < 0:
        raise Failure("division by zero (zero to a negative power)")
    return CTX.power(dec(base), dec(exponent))


# --------------------------------------------------------------------------- money


def _cur_add(a: Currency, b: Currency) -> Currency:
    return Currency(CTX.add(a.amount, b.amount), same_code(a, b))


def _cur_sub(a: Currency, b: Currency) -> Currency:
    return Currency(CTX.subtract(a.amount, b.amount), same_code(a, b))


def _cur_scale(a: Currency, n: Any) -> Currency:
    return Currency(CTX.multiply(a.amount, dec(n)), a.code)


def _cur_divide(a: Currency, n: Any) -> Currency:
    return Currency(_dec_divide(a.amount, n), a.code)


def _cur_ratio(a: Currency, b: Currency) -> Decimal:
    same_code(a, b)
    return _dec_divide(a.amount, b.amount)


def _cur_product(a: Currency, b: Currency) -> Decimal:
    same_code(a, b)
    return CTX.multiply(a.amount, b.amount)


# --------------------------------------------------------------------------- time


def _micros(duration: dt.timedelta) -> int:
    return duration // MICROSECOND


def duration_of(micros: Decimal | int) -> dt.timedelta:
    """A duration of ``micros`` microseconds, rounded to whole microseconds."""
    whole = int(Decimal(micros).to_integral_value(ROUND_HALF_EVEN))
    try:
        return dt.timedelta(microseconds=whole)
    except OverflowError:
        raise Failure("the duration is too long") from None


def _shift(moment: dt.datetime, duration: dt.timedelta) -> dt.datetime:
    # Durations are elapsed time: add in UTC, then show in the original zone,
    # so that (t + d) - t = d even across a daylight saving change.
    try:
        return day((moment.astimezone(UTC) + duration).astimezone(moment.tzinfo))  # type: ignore[no-any-return]
    except OverflowError:
        raise Failure("the date is outside 1800-01-01 .. 2200-12-31") from None


def _dt_add(a: dt.datetime, b: dt.timedelta) -> dt.datetime:
    return _shift(a, b)


def _dt_sub(a: dt.datetime, b: dt.timedelta) -> dt.datetime:
    return _shift(a, -b)


def _dt_diff(a: dt.datetime, b: dt.datetime) -> dt.timedelta:
    return a.astimezone(UTC) - b.astimezone(UTC)


def _date_add(a: dt.date, b: dt.timedelta) -> dt.date:
    try:
        return day(a + whole_days(b))  # type: ignore[no-any-return]
    except OverflowError:
        raise Failure("the date is outside 1800-01-01 .. 2200-12-31") from None


def _date_sub(a: dt.date, b: dt.timedelta) -> dt.date:
    return _date_add(a, -b)


def _time_add(a: dt.time, b: dt.timedelta) -> dt.time:
    # Times of day wrap around at midnight.
    of_day = dt.timedelta(
        hours=a.hour, minutes=a.minute, seconds=a.second, microseconds=a.microsecond
    )
    micros = _micros(of_day + b) % (86_400 * 1_000_000)
    seconds, micro = divmod(micros, 1_000_000)
    return dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60, micro)


def _time_sub(a: dt.time, b: dt.timedelta) -> dt.time:
    return _time_add(a, -b)


def _dur(value: dt.timedelta) -> dt.timedelta:
    return value


def _dur_add(a: dt.timedelta, b: dt.timedelta) -> dt.timedelta:
    return duration_of(_micros(a) + _micros(b))


def _dur_sub(a: dt.timedelta, b: dt.timedelta) -> dt.timedelta:
    return duration_of(_micros(a) - _micros(b))


def _dur_scale(a: dt.timedelta, n: Any) -> dt.timedelta:
    return duration_of(CTX.multiply(Decimal(_micros(a)), dec(n)))


def _dur_divide(a: dt.timedelta, n: Any) -> dt.timedelta:
    return duration_of(_dec_divide(Decimal(_micros(a)), n))


def _dur_ratio(a: dt.timedelta, b: dt.timedelta) -> Decimal:
    return _dec_divide(_micros(a), _micros(b))


# --------------------------------------------------------------------------- text


def concat(a: Any, b: Any) -> str:
    """``a & b``: both sides as text, joined."""
    left = a if isinstance(a, str) else format_value(a)
    right = b if isinstance(b, str) else format_value(b)
    check_text_length(len(left) + len(right))
    return left + right


def _str_add(a: str, b: str) -> str:
    check_text_length(len(a) + len(b))
    return a + b


# --------------------------------------------------------------------------- the table


def _swap(impl: Impl) -> Impl:
    return lambda a, b: impl(b, a)


_TAGS: Final = {
    Kind.INTEGER: "int",
    Kind.DECIMAL: "dec",
    Kind.CURRENCY: "cur",
    Kind.STRING: "str",
    Kind.DATETIME: "dt",
    Kind.DATE: "date",
    Kind.TIME: "time",
    Kind.DURATION: "dur",
}

ARITHMETIC: Final[dict[tuple[str, str, str], Rule]] = {
    ("+", "int", "int"): (INTEGER, lambda a, b: int64(a + b)),
    ("-", "int", "int"): (INTEGER, lambda a, b: int64(a - b)),
    ("*", "int", "int"): (INTEGER, lambda a, b: int64(a * b)),
    ("//", "int", "int"): (INTEGER, _int_floordiv),
    ("%", "int", "int"): (INTEGER, _int_mod),
    ("/", "int", "int"): (DECIMAL, _dec_divide),
    ("^", "int", "int"): (INTEGER, int_power),
    ("+", "str", "str"): (STRING, _str_add),
    ("+", "cur", "cur"): (CURRENCY, _cur_add),
    ("-", "cur", "cur"): (CURRENCY, _cur_sub),
    ("/", "cur", "cur"): (DECIMAL, _cur_ratio),
    ("*", "cur", "cur"): (DECIMAL, _cur_product),
    ("+", "dt", "dur"): (DATETIME, _dt_add),
    ("+", "dur", "dt"): (DATETIME, _swap(_dt_add)),
    ("-", "dt", "dur"): (DATETIME, _dt_sub),
    ("-", "dt", "dt"): (DURATION, _dt_diff),
    ("+", "date", "dur"): (DATE, _date_add),
    ("+", "dur", "date"): (DATE, _swap(_date_add)),
    ("-", "date", "dur"): (DATE, _date_sub),
    ("-", "date", "date"): (DURATION, lambda a, b: a - b),
    ("+", "time", "dur"): (TIME, _time_add),
    ("+", "dur", "time"): (TIME, _swap(_time_add)),
    ("-", "time", "dur"): (TIME, _time_sub),
    ("+", "dur", "dur"): (DURATION, _dur_add),
    ("-", "dur", "dur"): (DURATION, _dur_sub),
    ("/", "dur", "dur"): (DECIMAL, _dur_ratio),
}
"""``(operator, left, right)`` to ``(result type, implementation)``."""

_DECIMAL_OPS: Final[dict[str, Impl]] = {
    "+": lambda a, b: CTX.add(dec(a), dec(b)),
    "-": lambda a, b: CTX.subtract(dec(a), dec(b)),
    "*": lambda a, b: CTX.multiply(dec(a), dec(b)),
    "/": _dec_divide,
    "//": _dec_floordiv,
    "%": _dec_mod,
    "^": dec_power,
}
for _op, _impl in _DECIMAL_OPS.items():
    for _pair in (("int", "dec"), ("dec", "int"), ("dec", "dec")):
        ARITHMETIC[(_op, *_pair)] = (DECIMAL, _impl)
for _number in ("int", "dec"):
    ARITHMETIC[("*", "cur", _number)] = (CURRENCY, _cur_scale)
    ARITHMETIC[("*", _number, "cur")] = (CURRENCY, _swap(_cur_scale))
    ARITHMETIC[("/", "cur", _number)] = (CURRENCY, _cur_divide)
    ARITHMETIC[("*", "dur", _number)] = (DURATION, _dur_scale)
    ARITHMETIC[("*", _number, "dur")] = (DURATION, _swap(_dur_scale))
    ARITHMETIC[("/", "dur", _number)] = (DURATION, _dur_divide)


def arithmetic(op: str, left: Type, right: Type) -> Rule | None:
    """The rule of ``left op right``, or None when the types do not go together."""
    return ARITHMETIC.get((op, _TAGS.get(left.kind, ""), _TAGS.get(right.kind, "")))


def _neg_int(a: int) -> int:
    return int64(-a)


NEGATE: Final[dict[Kind, Callable[[Any], Any]]] = {
    Kind.INTEGER: _neg_int,
    Kind.DECIMAL: CTX.minus,
    Kind.CURRENCY: lambda a: Currency(CTX.minus(a.amount), a.code),
    Kind.DURATION: lambda a: duration_of(-_micros(a)),
}
"""The kinds unary ``-`` (and ``+``) accept, with the negation of each."""

IDENTITY: Final = _dur
