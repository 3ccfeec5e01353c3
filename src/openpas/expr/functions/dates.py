"""Date and time functions.

Now, Today, Date, DateTime, Time, Year, Month, Day, Hour, Minute, Second,
Weekday, AddDays, AddMonths, AddYears, DaysBetween, ToTimeZone, DateOf,
TimeOf, Days, Hours, Minutes, Seconds, TotalDays, TotalHours, TotalMinutes,
TotalSeconds.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import Any

from openpas.errors import LiteralError
from openpas.expr.functions.base import Failure, function
from openpas.expr.operators import duration_of
from openpas.expr.runtime import CTX, MICROSECOND, day, dec, show
from openpas.expr.scope import RuntimeScope
from openpas.expr.values import parse_datetime, zone


@function("Now() -> datetime", needs_scope=True)
def now(scope: RuntimeScope) -> dt.datetime:
    """The current instant, from the engine's clock (the same for replays)."""
    return scope.now()


@function("Today() -> date", needs_scope=True)
def today(scope: RuntimeScope) -> dt.date:
    """The current date in the process's time zone."""
    return scope.now().astimezone(scope.zone()).date()


@function("Date(year: integer, month: integer, day: integer) -> date", "Date(text: string) -> date")
def date(*args: Any) -> dt.date:
    """A date from its parts, ``Date(2024, 5, 31)``, or from ISO text, ``Date("2024-05-31")``."""
    try:
        if len(args) == 1:
            return day(dt.date.fromisoformat(args[0].strip()))  # type: ignore[no-any-return]
        return day(dt.date(*args))  # type: ignore[no-any-return]
    except (ValueError, OverflowError):
        shown = show(args[0]) if len(args) == 1 else "-".join(map(str, args))
        raise Failure(f"{shown} is not a date such as 2024-05-31") from None


def _zone(name: str) -> dt.tzinfo:
    try:
        return zone(name)
    except LiteralError as exc:
        raise Failure(exc.message) from None


@function(
    "DateTime(text: string) -> datetime",
    "DateTime(day: date, time: time, zone?: string) -> datetime",
    needs_scope=True,
)
def date_time(scope: RuntimeScope, *args: Any) -> dt.datetime:
    """A date-time from ISO text or from a date, a time and a zone.

    ``DateTime("2024-05-31T14:30:00+02:00")``, ``DateTime("2024-05-31T14:30[Europe/Paris]")``,
    ``DateTime(Date(2024, 5, 31), Time(14, 30), "Europe/Paris")``. Without a zone,
    the process's time zone is used.
    """
    if len(args) == 1:
        try:
            return parse_datetime(args[0], scope.zone())
        except LiteralError as exc:
            raise Failure(exc.message) from None
    tz = _zone(args[2]) if len(args) == 3 else scope.zone()
    return dt.datetime.combine(args[0], args[1], tzinfo=tz)


@function(
    "Time(hour: integer, minute: integer, second?: integer) -> time",
    "Time(text: string) -> time",
)
def time(*args: Any) -> dt.time:
    """A time of day: ``Time(14, 30)`` or ``Time("14:30:00")``."""
    try:
        if len(args) == 1:
            value = dt.time.fromisoformat(args[0].strip())
            if value.tzinfo is None:
                return value
            raise ValueError
        return dt.time(*args)
    except (ValueError, OverflowError):
        shown = show(args[0]) if len(args) == 1 else ":".join(map(str, args))
        raise Failure(f"{shown} is not a time of day such as 14:30") from None


@function("Year(value: date|datetime) -> integer")
def year(value: dt.date) -> int:
    """The year of a date or date-time."""
    return value.year


@function("Month(value: date|datetime) -> integer")
def month(value: dt.date) -> int:
    """The month (1 to 12) of a date or date-time."""
    return value.month


@function("Day(value: date|datetime) -> integer")
def day_(value: dt.date) -> int:
    """The day of the month (1 to 31) of a date or date-time."""
    return value.day


@function("Hour(value: datetime|time) -> integer")
def hour(value: dt.datetime | dt.time) -> int:
    """The hour (0 to 23) of a date-time (in its own zone) or time."""
    return value.hour


@function("Minute(value: datetime|time) -> integer")
def minute(value: dt.datetime | dt.time) -> int:
    """The minute (0 to 59) of a date-time or time."""
    return value.minute


@function("Second(value: datetime|time) -> integer")
def second(value: dt.datetime | dt.time) -> int:
    """The second (0 to 59) of a date-time or time."""
    return value.second


@function("Weekday(value: date|datetime) -> integer")
def weekday(value: dt.date) -> int:
    """The day of the week: 1 for Monday to 7 for Sunday."""
    return value.isoweekday()


@function("AddDays(value: D, days: integer) -> D")
def add_days(value: dt.date, days: int) -> dt.date:
    """``value`` moved by ``days`` calendar days (a date-time keeps its local time of day)."""
    try:
        return day(value + dt.timedelta(days=days))  # type: ignore[no-any-return]
    except OverflowError:
        raise Failure(f"moving by {days} days leaves 1800..2200") from None


def _add_months(value: dt.date, months: int) -> dt.date:
    if abs(months) > 12 * 500:
        raise Failure(f"moving by {months} months leaves 1800..2200")
    index = value.year * 12 + value.month - 1 + months
    year_, month_ = divmod(index, 12)
    if not 1 <= year_ <= 9999:
        raise Failure(f"moving by {months} months leaves 1800..2200")
    last = calendar.monthrange(year_, month_ + 1)[1]
    return day(value.replace(year=year_, month=month_ + 1, day=min(value.day, last)))  # type: ignore[no-any-return]


@function("AddMonths(value: D, months: integer) -> D")
def add_months(value: dt.date, months: int) -> dt.date:
    """``value`` moved by ``months`` months; the day is clamped to the end of the month.

    ``AddMonths(Date(2024, 1, 31), 1)`` is 2024-02-29.
    """
    return _add_months(value, months)


@function("AddYears(value: D, years: integer) -> D")
def add_years(value: dt.date, years: int) -> dt.date:
    """``value`` moved by ``years`` years (29 February becomes 28 February when needed)."""
    if abs(years) > 500:
        raise Failure(f"moving by {years} years leaves 1800..2200")
    return _add_months(value, years * 12)


@function("DaysBetween(start: D, end: D) -> integer")
def days_between(start: dt.date, end: dt.date) -> int:
    """The number of calendar days from ``start`` to ``end`` (negative when ``end`` is earlier).

    Date-times are compared by their dates, ``end`` seen in ``start``'s time zone.
    """
    if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
        return (end.astimezone(start.tzinfo).date() - start.date()).days
    return (end - start).days


@function("ToTimeZone(value: datetime, zone: string) -> datetime")
def to_time_zone(value: dt.datetime, name: str) -> dt.datetime:
    """The same instant seen in another zone: ``ToTimeZone(Due, "Europe/Paris")``."""
    return value.astimezone(_zone(name))


@function("DateOf(value: datetime) -> date")
def date_of(value: dt.datetime) -> dt.date:
    """The date part of a date-time (in its own zone)."""
    return value.date()


@function("TimeOf(value: datetime) -> time")
def time_of(value: dt.datetime) -> dt.time:
    """The time of day of a date-time (in its own zone)."""
    return value.time()


def _duration(count: Any, seconds: int) -> dt.timedelta:
    return duration_of(CTX.multiply(dec(count), Decimal(seconds * 1_000_000)))


@function("Days(count: number) -> duration")
def days(count: Any) -> dt.timedelta:
    """A duration of ``count`` days: ``Days(2)`` is ``2d``; ``Days(N)`` converts a count."""
    return _duration(count, 86_400)


@function("Hours(count: number) -> duration")
def hours(count: Any) -> dt.timedelta:
    """A duration of ``count`` hours: ``Hours(1.5)`` is ``1h30m``."""
    return _duration(count, 3_600)


@function("Minutes(count: number) -> duration")
def minutes(count: Any) -> dt.timedelta:
    """A duration of ``count`` minutes."""
    return _duration(count, 60)


@function("Seconds(count: number) -> duration")
def seconds(count: Any) -> dt.timedelta:
    """A duration of ``count`` seconds."""
    return _duration(count, 1)


def _total(value: dt.timedelta, seconds: int) -> Decimal:
    return CTX.divide(Decimal(value // MICROSECOND), Decimal(seconds * 1_000_000))


@function("TotalDays(value: duration) -> decimal")
def total_days(value: dt.timedelta) -> Decimal:
    """The length of a duration in days: ``TotalDays(36h)`` is 1.5."""
    return _total(value, 86_400)


@function("TotalHours(value: duration) -> decimal")
def total_hours(value: dt.timedelta) -> Decimal:
    """The length of a duration in hours: ``TotalHours(90m)`` is 1.5."""
    return _total(value, 3_600)


@function("TotalMinutes(value: duration) -> decimal")
def total_minutes(value: dt.timedelta) -> Decimal:
    """The length of a duration in minutes."""
    return _total(value, 60)


@function("TotalSeconds(value: duration) -> decimal")
def total_seconds(value: dt.timedelta) -> Decimal:
    """The length of a duration in seconds."""
    return _total(value, 1)
