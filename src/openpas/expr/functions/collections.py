"""List functions: Count, First, Last, Append, Insert, RemoveAt, Remove, IndexOf, Sum,
Sort, Reverse, Distinct, Slice. Lists are immutable: every function returns a new list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Final

from openpas.expr.functions.base import Failure, function
from openpas.expr.runtime import CTX, equals, int64, items, order_key, same_code
from openpas.expr.types import Kind, Type
from openpas.expr.values import NOT_SET, Currency

Items = tuple[Any, ...]

_ZEROS: Final = {
    Kind.DECIMAL: Decimal(0),
    Kind.CURRENCY: Currency(Decimal(0)),
    Kind.DURATION: dt.timedelta(),
}


def _not_empty(values: Items) -> Items:
    if not values:
        raise Failure("the list is empty")
    return values


def _position(values: Items, position: int, extra: int = 0) -> int:
    """A 0-based index for a 1-based (or negative, from the end) position."""
    size = len(values) + extra
    if 1 <= position <= size:
        return position - 1
    if -size <= position <= -1:
        return size + position
    raise Failure(
        f"position {position} is outside the list of {len(values)} items"
        " (positions start at 1; negative positions count from the end)"
    )


@function("Count(values: list) -> integer")
def count(values: Items) -> int:
    """The number of items of a list."""
    return len(values)


@function("First(values: list<T>) -> T")
def first(values: Items) -> Any:
    """The first item of a list (an error when the list is empty)."""
    return _not_empty(values)[0]


@function("Last(values: list<T>) -> T")
def last(values: Items) -> Any:
    """The last item of a list (an error when the list is empty)."""
    return _not_empty(values)[-1]


@function("Append(values: list<T>, item: T) -> list<T>")
def append(values: Items, item: Any) -> Items:
    """A new list with ``item`` added at the end: ``Append([1, 2], 3)`` is ``[1, 2, 3]``."""
    return items((*values, item))


@function("Insert(values: list<T>, position: integer, item: T) -> list<T>")
def insert(values: Items, position: int, item: Any) -> Items:
    """A new list with ``item`` at 1-based ``position`` (``Count + 1`` appends)."""
    index = _position(values, position, extra=1)
    return items((*values[:index], item, *values[index:]))


@function("RemoveAt(values: list<T>, position: integer) -> list<T>")
def remove_at(values: Items, position: int) -> Items:
    """A new list without the item at 1-based ``position`` (negative: from the end)."""
    index = _position(values, position)
    return values[:index] + values[index + 1 :]


@function("Remove(values: list<T>, item: T) -> list<T>")
def remove(values: Items, item: Any) -> Items:
    """A new list without any item equal to ``item``."""
    return tuple(value for value in values if not equals(value, item))


@function("IndexOf(values: list<T>, item: T) -> integer")
def index_of(values: Items, item: Any) -> int:
    """The 1-based position of the first item equal to ``item``, 0 when absent."""
    for position, value in enumerate(values, 1):
        if equals(value, item):
            return position
    return 0


def _set(values: Items) -> Items:
    for position, value in enumerate(values, 1):
        if value is NOT_SET:
            raise Failure(f"item {position} of the list is NOT SET")
    return values


@function(
    "Sum(values: list<N>) -> N",
    "Sum(values: list<currency>) -> currency",
    "Sum(values: list<duration>) -> duration",
    typed=True,
)
def sum_(result: Type, values: Items) -> Any:
    """The total of a list of numbers, amounts or durations (zero for an empty list)."""
    _set(values)
    if not values:
        return _ZEROS.get(result.kind, 0)
    if isinstance(values[0], Currency):
        total = values[0]
        for value in values[1:]:
            total = Currency(CTX.add(total.amount, value.amount), same_code(total, value))
        return total
    if isinstance(values[0], dt.timedelta):
        return sum(values, dt.timedelta())
    if all(type(value) is int for value in values):
        return int64(sum(values))
    total_ = Decimal(0)
    for value in values:
        total_ = CTX.add(total_, value)
    return total_


@function("Sort(values: list<O>) -> list<O>")
def sort(values: Items) -> Items:
    """A new list with the items in ascending order (amounts must share a currency)."""
    _set(values)
    if values and isinstance(values[0], Currency):
        for value in values:
            same_code(values[0], value)
    return tuple(sorted(values, key=order_key))


@function("Reverse(values: list<T>) -> list<T>")
def reverse(values: Items) -> Items:
    """A new list with the items in reverse order."""
    return values[::-1]


@function("Distinct(values: list<T>) -> list<T>")
def distinct(values: Items) -> Items:
    """A new list without repeated items, keeping the first of each."""
    return tuple(dict.fromkeys(values))


@function("Slice(values: list<T>, start: integer, end: integer) -> list<T>")
def slice_(values: Items, start: int, end: int) -> Items:
    """The items from 1-based ``start`` to ``end``, both included; negative counts from the end.

    ``Slice([1, 2, 3, 4], 2, 3)`` is ``[2, 3]``; ``Slice(L, -2, -1)`` is the last two.
    Positions beyond the list are clamped, and ``start > end`` gives ``[]``.
    """
    size = len(values)
    lo = start - 1 if start > 0 else size + start
    hi = end if end > 0 else size + end + 1
    return values[max(lo, 0) : max(hi, 0)]
