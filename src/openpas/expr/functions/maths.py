"""Number functions: Abs, Round, Truncate, Floor, Ceiling, Min, Max, Mod, Power, Sqrt."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from typing import Any

from openpas.expr.functions.base import Failure, function
from openpas.expr.operators import ARITHMETIC, dec_power, int_power
from openpas.expr.runtime import CTX, dec, int64, ordered_pair
from openpas.expr.values import Currency


@function(
    "Abs(x: N) -> N",
    "Abs(x: currency) -> currency",
    "Abs(x: duration) -> duration",
)
def abs_(x: Any) -> Any:
    """The value without its sign: ``Abs(-3)`` is 3; works on amounts and durations too."""
    if isinstance(x, Currency):
        return Currency(CTX.abs(x.amount), x.code)
    if isinstance(x, Decimal):
        return CTX.abs(x)
    if isinstance(x, dt.timedelta):
        return abs(x)
    return int64(abs(x))


def _to_int(value: Decimal, rounding: str) -> int:
    return int64(int(value.to_integral_value(rounding)))


@function(
    "Round(x: number) -> integer",
    "Round(x: number, places: integer) -> decimal",
    "Round(x: currency, places?: integer) -> currency",
)
def round_(x: Any, places: int | None = None) -> Any:
    """``x`` rounded half to even ("banker's rounding").

    Without ``places`` a number rounds to an integer: ``Round(2.5)`` is 2,
    ``Round(3.5)`` is 4. With ``places`` it keeps that many decimals:
    ``Round(2.345, 2)`` is 2.34. Amounts keep their currency (``places``
    defaults to 2 for them).
    """
    if isinstance(x, Currency):
        return Currency(_round(x.amount, 2 if places is None else places), x.code)
    if places is None:
        return _to_int(dec(x), ROUND_HALF_EVEN)
    return _round(dec(x), places)


def _round(value: Decimal, places: int) -> Decimal:
    if not -28 <= places <= 28:
        raise Failure(f"the number of places must be between -28 and 28, got {places}")
    return value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN, CTX)


@function("Truncate(x: number) -> integer")
def truncate(x: Any) -> int:
    """``x`` without its fraction, toward zero: ``Truncate(-2.7)`` is -2."""
    return _to_int(dec(x), ROUND_DOWN)


@function("Floor(x: number) -> integer")
def floor(x: Any) -> int:
    """The largest integer not above ``x``: ``Floor(-2.5)`` is -3."""
    return _to_int(dec(x), ROUND_FLOOR)


@function("Ceiling(x: number) -> integer")
def ceiling(x: Any) -> int:
    """The smallest integer not below ``x``: ``Ceiling(2.1)`` is 3."""
    return _to_int(dec(x), ROUND_CEILING)


def _pick(args: tuple[Any, ...], want_less: bool) -> Any:
    values = args[0] if len(args) == 1 else args
    if not values:
        raise Failure("the list is empty")
    best = values[0]
    for value in values[1:]:
        a, b = ordered_pair(value, best)
        if (a < b) if want_less else (a > b):
            best = value
    return best


@function("Min(a: O, b: O) -> O", "Min(values: list<O>) -> O")
def min_(*args: Any) -> Any:
    """The smaller of two values, or the smallest item of a list: ``Min(3, 5)`` is 3."""
    return _pick(args, want_less=True)


@function("Max(a: O, b: O) -> O", "Max(values: list<O>) -> O")
def max_(*args: Any) -> Any:
    """The larger of two values, or the largest item of a list: ``Max([3, 5])`` is 5."""
    return _pick(args, want_less=False)


@function("Mod(a: N, b: N) -> N")
def mod(a: Any, b: Any) -> Any:
    """The remainder of ``a`` divided by ``b``, with the sign of ``b`` (same as ``a % b``)."""
    kind = "int" if type(a) is int and type(b) is int else "dec"
    return ARITHMETIC[("%", kind, kind)][1](a, b)


@function("Power(base: N, exponent: N) -> N")
def power(base: Any, exponent: Any) -> Any:
    """``base`` to the power ``exponent`` (same as ``base ^ exponent``); ``|exponent|`` ≤ 1000."""
    if type(base) is int and type(exponent) is int:
        return int_power(base, exponent)
    return dec_power(base, exponent)


@function("Sqrt(x: number) -> decimal")
def sqrt(x: Any) -> Decimal:
    """The square root, as a decimal: ``Sqrt(2)`` is 1.414213562373095048801688724."""
    if x < 0:
        raise Failure(f"cannot take the square root of the negative number {x}")
    return CTX.sqrt(dec(x))
