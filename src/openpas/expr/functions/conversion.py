"""Conversion functions: ToString, ToInteger, ToDecimal, ToBoolean, MakeCurrency, Amount,
CurrencyCode, ToMailbox, ToUri, ToUser, ToWorkgroup, ToSkill, ToDate, ToDateTime, ToDuration."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any, Final

from openpas.errors import LiteralError
from openpas.expr.functions.base import Failure, function
from openpas.expr.limits import MAX_NUMBER_LITERAL
from openpas.expr.runtime import dec, int64, show
from openpas.expr.scope import RuntimeScope
from openpas.expr.values import (
    NOT_SET,
    Currency,
    Mailbox,
    NotSetType,
    SkillRef,
    Uri,
    UserRef,
    WorkgroupRef,
    check_currency_code,
    check_decimal,
    check_mailbox,
    check_uri,
    format_value,
    parse_datetime,
    parse_duration,
)

_NUMBER: Final = re.compile(r"[-+]?\d+(?:\.\d+)?")


def _literal(call: Any, *args: Any) -> Any:
    try:
        return call(*args)
    except LiteralError as exc:
        raise Failure(exc.message) from None


def _number(text: str) -> Decimal:
    cleaned = text.strip().replace("_", "")
    if len(cleaned) > MAX_NUMBER_LITERAL + 2 or not _NUMBER.fullmatch(cleaned):
        raise Failure(f"{show(text)} is not a number such as 42 or 12.50")
    try:
        return check_decimal(Decimal(cleaned))
    except (InvalidOperation, LiteralError):  # pragma: no cover - the pattern admits numbers only
        raise Failure(f"{show(text)} is not a number") from None


@function("ToString(value: any) -> string", strict=False)
def to_string(value: Any) -> str:
    """``value`` as text, as people read it (``NotSet`` for a value that is not set)."""
    return format_value(value)


@function("ToInteger(value: string|number) -> integer")
def to_integer(value: Any) -> int:
    """A whole number from text or a number, truncating fractions: ``ToInteger("12.7")`` is 12."""
    number = _number(value) if isinstance(value, str) else dec(value)
    return int64(int(number.to_integral_value(ROUND_DOWN)))


@function("ToDecimal(value: string|number|currency) -> decimal")
def to_decimal(value: Any) -> Decimal:
    """A decimal from text, a number, or the amount of a currency: ``ToDecimal("0.05")``."""
    if isinstance(value, str):
        return _number(value)
    if isinstance(value, Currency):
        return value.amount
    return dec(value)


@function("ToBoolean(value: string|boolean) -> boolean")
def to_boolean(value: Any) -> bool:
    """``true`` or ``false`` from the text "true" or "false" (any case)."""
    if isinstance(value, bool):
        return value
    word = value.strip().lower()
    if word not in ("true", "false"):
        raise Failure(f"{show(value)} is neither true nor false")
    return bool(word == "true")


@function("MakeCurrency(amount: number, code: string) -> currency")
def make_currency(amount: Any, code: str) -> Currency:
    """An amount of money: ``MakeCurrency(12.5, "EUR")`` is 12.5 EUR."""
    return Currency(dec(amount), _literal(check_currency_code, code))


@function("Amount(money: currency) -> decimal")
def amount(money: Currency) -> Decimal:
    """The number of an amount of money: ``Amount(12.50 EUR)`` is 12.50."""
    return money.amount


@function("CurrencyCode(money: currency) -> string")
def currency_code(money: Currency) -> str | NotSetType:
    """The ISO code of an amount (``"EUR"``), NotSet when the amount has none."""
    return money.code if money.code is not None else NOT_SET


@function("ToMailbox(text: string) -> mailbox")
def to_mailbox(text: str) -> Mailbox:
    """An email address from text (checked): ``ToMailbox("ann@example.com")``."""
    return _literal(check_mailbox, text.strip())  # type: ignore[no-any-return]


@function("ToUri(text: string) -> uri")
def to_uri(text: str) -> Uri:
    """A web or network address from text (checked): ``ToUri("https://example.com/")``."""
    return _literal(check_uri, text.strip())  # type: ignore[no-any-return]


def _name(text: str, what: str) -> str:
    if not text.strip():
        raise Failure(f"the name of a {what} must not be empty")
    return text.strip()


@function("ToUser(name: string) -> user")
def to_user(name: str) -> UserRef:
    """A user of the directory by user name."""
    return UserRef(_name(name, "user"))


@function("ToWorkgroup(name: string) -> workgroup")
def to_workgroup(name: str) -> WorkgroupRef:
    """A workgroup of the directory by name."""
    return WorkgroupRef(_name(name, "workgroup"))


@function("ToSkill(name: string) -> skill")
def to_skill(name: str) -> SkillRef:
    """A skill of the directory by name."""
    return SkillRef(_name(name, "skill"))


@function("ToDate(value: string|datetime) -> date")
def to_date(value: Any) -> dt.date:
    """A date from ISO text (``"2024-05-31"``) or the date of a date-time."""
    if isinstance(value, dt.datetime):
        return value.date()
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise Failure(f"{show(value)} is not a date such as 2024-05-31") from None


@function("ToDateTime(text: string) -> datetime", needs_scope=True)
def to_date_time(scope: RuntimeScope, text: str) -> dt.datetime:
    """A date-time from ISO text; without an offset it is read in the process's time zone."""
    return _literal(parse_datetime, text, scope.zone())  # type: ignore[no-any-return]


@function("ToDuration(text: string) -> duration")
def to_duration(text: str) -> dt.timedelta:
    """A duration from text such as ``"2d"``, ``"1h30m"`` or ``"P1DT2H"``."""
    return _literal(parse_duration, text)  # type: ignore[no-any-return]
