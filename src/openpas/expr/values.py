"""Runtime values of process variables, and how they are written and read.

Values are immutable Python objects:

=========  ==============================================
string     ``str``
integer    ``int`` (64-bit signed)
decimal    ``decimal.Decimal`` (28 significant digits)
boolean    ``bool``
currency   :class:`Currency` (exact amount + ISO 4217 code)
date       ``datetime.date`` (1800-01-01 .. 2200-12-31)
datetime   ``datetime.datetime``, always with a time zone
time       ``datetime.time`` (a time of day)
duration   ``datetime.timedelta``
mailbox    :class:`Mailbox`
uri        :class:`Uri`
user       :class:`UserRef`
workgroup  :class:`WorkgroupRef`
skill      :class:`SkillRef`
complex    :class:`Record`
list<T>    ``tuple`` of values
=========  ==============================================

and :data:`NOT_SET`, a value of its own, distinct from ``""`` and ``0``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from openpas.errors import LiteralError
from openpas.expr.types import Kind, Type

INT_MIN: Final = -(2**63)
INT_MAX: Final = 2**63 - 1
DATE_MIN: Final = dt.date(1800, 1, 1)
DATE_MAX: Final = dt.date(2200, 12, 31)
UTC: Final = dt.UTC

DECIMAL_CONTEXT: Final = decimal.Context(
    prec=28,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
"""All decimal arithmetic of openpas runs in this context: 28 significant digits."""


class NotSetType:
    """The type of :data:`NOT_SET`."""

    _instance: NotSetType | None = None

    def __new__(cls) -> NotSetType:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NotSet"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "NOT_SET"


NOT_SET: Final = NotSetType()
"""A variable that holds no value. Not ``""``, not ``0``, not ``false``."""


@dataclass(frozen=True)
class Currency:
    """An exact amount of money; ``code`` is an ISO 4217 code or None (not set)."""

    amount: Decimal
    code: str | None = None

    def __str__(self) -> str:
        return f"{self.amount} {self.code}" if self.code else str(self.amount)


@dataclass(frozen=True)
class Mailbox:
    """An email address."""

    address: str

    def __str__(self) -> str:
        return self.address


@dataclass(frozen=True)
class Uri:
    """A web or network address."""

    value: str

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class UserRef:
    """A user of the directory, by user name."""

    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class WorkgroupRef:
    """A workgroup of the directory, by name."""

    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class SkillRef:
    """A skill of the directory, by name."""

    name: str

    def __str__(self) -> str:
        return self.name


class Record(Mapping[str, Any]):
    """An immutable value of a custom complex type: its fields by name."""

    __slots__ = ("_fields", "type_name")

    def __init__(self, type_name: str, fields: Mapping[str, Any]) -> None:
        self.type_name = type_name
        self._fields = dict(fields)

    def __getitem__(self, key: str) -> Any:
        return self._fields[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record):
            return NotImplemented
        return self.type_name == other.type_name and self._fields == other._fields

    def __hash__(self) -> int:
        return hash((self.type_name, tuple(sorted(self._fields.items(), key=lambda i: i[0]))))

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self._fields.items())
        return f"{self.type_name}({inner})"

    def replace(self, name: str, value: Any) -> Record:
        """A copy with one field changed."""
        fields = dict(self._fields)
        fields[name] = value
        return Record(self.type_name, fields)


def empty_record(type_: Type) -> Record:
    """A record of a complex type whose fields are all NOT SET."""
    return Record(type_.name or "", {name: NOT_SET for name, _ in type_.fields})


# --------------------------------------------------------------------------- checks

_CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


def check_integer(value: int) -> int:
    """Raise unless ``value`` fits in 64 bits."""
    if not INT_MIN <= value <= INT_MAX:
        raise LiteralError(f"integer {value} is outside the 64-bit range")
    return value


def check_decimal(value: Decimal) -> Decimal:
    """Round to 28 significant digits; refuse NaN and infinities."""
    if not value.is_finite():
        raise LiteralError(f"{value} is not a finite decimal number")
    return DECIMAL_CONTEXT.plus(value)


def check_date(value: dt.date) -> dt.date:
    day = value.date() if isinstance(value, dt.datetime) else value
    if not DATE_MIN <= day <= DATE_MAX:
        raise LiteralError(f"date {day.isoformat()} is outside 1800-01-01 .. 2200-12-31")
    return value


def check_currency_code(code: str) -> str:
    if not _CURRENCY_CODE.match(code):
        raise LiteralError(f"currency code {code!r} is not a 3-letter ISO 4217 code such as USD")
    return code


def check_mailbox(address: str) -> Mailbox:
    local, sep, domain = address.partition("@")
    if (
        not sep
        or "@" in domain
        or not local
        or "." not in domain
        or domain.startswith(".")
        or domain.endswith(".")
        or any(ch.isspace() for ch in address)
    ):
        raise LiteralError(f"{address!r} is not an email address such as ann@example.com")
    return Mailbox(address)


def check_uri(value: str) -> Uri:
    if not _URI.match(value):
        raise LiteralError(f"{value!r} is not an absolute address such as https://example.com/")
    return Uri(value)


def zone(name: str) -> dt.tzinfo:
    """A time zone by IANA name (``Europe/Paris``) or ``UTC``."""
    if name.upper() in ("UTC", "Z"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise LiteralError(f"{name!r} is not a known time zone such as Europe/Paris") from exc


# --------------------------------------------------------------------------- durations

_DURATION_UNITS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
_SHORT_DURATION = re.compile(
    r"^(?P<sign>-)?(?:(?P<w>\d+)w)?(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m(?!s))?"
    r"(?:(?P<s>\d+(?:\.\d+)?)s)?(?:(?P<ms>\d+)ms)?$"
)
_ISO_DURATION = re.compile(
    r"^(?P<sign>-)?P(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?"
    r"(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)
MAX_DURATION: Final = dt.timedelta(days=365 * 500)


def parse_duration(text: str) -> dt.timedelta:
    """``2d``, ``1h30m``, ``90s``, ``250ms``, ``1w`` or ISO 8601 ``P1DT2H``."""
    compact = text.strip().replace(" ", "")
    match = _SHORT_DURATION.match(compact) or _ISO_DURATION.match(compact.upper())
    if match is None or not any(v for k, v in match.groupdict().items() if k != "sign"):
        raise LiteralError(
            f"{text!r} is not a duration such as 2d, 1h30m, 45s or P1DT2H"
            " (months and years vary in length, so they are not durations)"
        )
    groups = match.groupdict()
    seconds = Decimal(0)
    for unit, factor in _DURATION_UNITS.items():
        if groups.get(unit):
            seconds += Decimal(groups[unit]) * factor
    if groups.get("ms"):
        seconds += Decimal(groups["ms"]) / 1000
    if seconds > Decimal(MAX_DURATION.total_seconds()):
        raise LiteralError(f"duration {text!r} is longer than 500 years")
    result = dt.timedelta(microseconds=int(seconds * 1_000_000))
    return -result if groups.get("sign") else result


def format_duration(value: dt.timedelta) -> str:
    """The short form: ``1d2h30m``; ``0s`` for zero."""
    total_us = value // dt.timedelta(microseconds=1)
    sign = "-" if total_us < 0 else ""
    total_us = abs(total_us)
    seconds, micros = divmod(total_us, 1_000_000)
    parts = []
    for unit in ("d", "h", "m"):
        size = _DURATION_UNITS[unit]
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    if micros:
        frac = f"{micros / 1_000_000:.6f}".rstrip("0")[1:]
        parts.append(f"{seconds}{frac}s")
    elif seconds or not parts:
        parts.append(f"{seconds}s")
    return sign + "".join(parts)


# --------------------------------------------------------------------------- literals


def parse_literal(raw: Any, type_: Type, tz: dt.tzinfo = UTC) -> Any:
    """Read a literal written in a document (or on the command line) as a value of ``type_``.

    ``raw`` is what YAML/JSON produced: ``None`` (NOT SET), str, int, Decimal,
    bool, list or dict. Strings are parsed by the target type (``1000 USD``,
    ``2d``, ``2024-05-01``). Naive date-times are read in ``tz``.

    Raises:
        LiteralError: the value does not fit the type; the message says what was expected.
    """
    if raw is None:
        return NOT_SET
    kind = type_.kind
    if kind is Kind.LIST:
        if not isinstance(raw, list | tuple):
            raise LiteralError(f"expected a list of {type_.element()}, got {_describe(raw)}")
        items = []
        for index, item in enumerate(raw):
            try:
                items.append(parse_literal(item, type_.element(), tz))
            except LiteralError as exc:
                raise LiteralError(f"item {index + 1}: {exc.message}") from None
        return tuple(items)
    if kind is Kind.COMPLEX:
        return _parse_record(raw, type_, tz)
    if isinstance(raw, list | tuple | dict) and kind is not Kind.CURRENCY:
        raise LiteralError(f"expected a {type_}, got {_describe(raw)}")
    parser = _SCALAR_PARSERS.get(kind)
    if parser is None:
        raise LiteralError(f"values of type {type_} cannot be written as literals")
    return parser(raw, tz)


def _describe(raw: Any) -> str:
    if isinstance(raw, bool):
        return f"the boolean {str(raw).lower()}"
    if isinstance(raw, dict):
        return "a mapping"
    if isinstance(raw, list | tuple):
        return "a list"
    return repr(raw) if isinstance(raw, str) else str(raw)


def _parse_record(raw: Any, type_: Type, tz: dt.tzinfo) -> Record:
    if not isinstance(raw, dict):
        raise LiteralError(f"expected the fields of {type_} as a mapping, got {_describe(raw)}")
    fields: dict[str, Any] = {}
    for name, field_type in type_.fields:
        try:
            fields[name] = parse_literal(raw.get(name), field_type, tz)
        except LiteralError as exc:
            raise LiteralError(f"field {name}: {exc.message}") from None
    unknown = [str(key) for key in raw if key not in fields]
    if unknown:
        known = ", ".join(name for name, _ in type_.fields)
        raise LiteralError(f"{type_} has no field {unknown[0]!r} (its fields: {known})")
    return Record(type_.name or "", fields)


def _string(raw: Any, tz: dt.tzinfo) -> str:
    if isinstance(raw, bool):
        raise LiteralError(f"expected a string, got {_describe(raw)}; quote it: '{raw}'")
    if isinstance(raw, int | Decimal):
        return str(raw)
    if isinstance(raw, str):
        return raw
    raise LiteralError(f"expected a string, got {_describe(raw)}")


def _integer(raw: Any, tz: dt.tzinfo) -> int:
    if isinstance(raw, bool):
        raise LiteralError(f"expected an integer, got {_describe(raw)}")
    if isinstance(raw, int):
        return check_integer(raw)
    if isinstance(raw, Decimal) and raw == raw.to_integral_value():
        return check_integer(int(raw))
    if isinstance(raw, str) and re.fullmatch(r"\s*[-+]?\d+\s*", raw):
        return check_integer(int(raw))
    raise LiteralError(f"expected a whole number, got {_describe(raw)}")


def _decimal(raw: Any, tz: dt.tzinfo) -> Decimal:
    if isinstance(raw, bool):
        raise LiteralError(f"expected a decimal number, got {_describe(raw)}")
    if isinstance(raw, int | Decimal):
        return check_decimal(Decimal(raw))
    if isinstance(raw, str):
        try:
            return check_decimal(Decimal(raw.strip().replace("_", "")))
        except decimal.InvalidOperation:
            pass
    raise LiteralError(f"expected a decimal number such as 12.50, got {_describe(raw)}")


def _boolean(raw: Any, tz: dt.tzinfo) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
        return raw.strip().lower() == "true"
    raise LiteralError(f"expected true or false, got {_describe(raw)}")


_CURRENCY_TEXT = re.compile(
    r"^\s*(?:(?P<pre>[A-Z]{3})\s+)?(?P<amount>[-+]?\d[\d_]*(?:\.\d+)?)(?:\s+(?P<post>[A-Z]{3}))?\s*$"
)


def _currency(raw: Any, tz: dt.tzinfo) -> Currency:
    if isinstance(raw, dict):
        unknown = set(raw) - {"amount", "code"}
        if unknown or "amount" not in raw:
            raise LiteralError("expected a currency as {amount: 12.50, code: USD}")
        code = raw.get("code")
        amount = _decimal(raw["amount"], tz)
        return Currency(amount, check_currency_code(code) if code is not None else None)
    if isinstance(raw, int | Decimal) and not isinstance(raw, bool):
        return Currency(check_decimal(Decimal(raw)), None)
    if isinstance(raw, str):
        match = _CURRENCY_TEXT.match(raw)
        if match and not (match.group("pre") and match.group("post")):
            code = match.group("pre") or match.group("post")
            amount = check_decimal(Decimal(match.group("amount").replace("_", "")))
            return Currency(amount, check_currency_code(code) if code else None)
    raise LiteralError(f"expected an amount of money such as 1000 USD, got {_describe(raw)}")


def _date(raw: Any, tz: dt.tzinfo) -> dt.date:
    if isinstance(raw, str):
        try:
            return check_date(dt.date.fromisoformat(raw.strip()))
        except ValueError:
            pass
    raise LiteralError(f"expected a date such as 2024-05-31, got {_describe(raw)}")


def parse_datetime(text: str, tz: dt.tzinfo = UTC) -> dt.datetime:
    """ISO 8601, optionally with ``[Zone/Name]``; naive values are read in ``tz``."""
    body, zone_name = text.strip(), None
    if body.endswith("]") and "[" in body:
        body, _, rest = body.partition("[")
        zone_name = rest[:-1]
    try:
        value = dt.datetime.fromisoformat(body)
    except ValueError:
        raise LiteralError(
            f"expected a date and time such as 2024-05-31T14:30:00+02:00, got {text!r}"
        ) from None
    if zone_name is not None:
        target = zone(zone_name)
        value = value.replace(tzinfo=target) if value.tzinfo is None else value.astimezone(target)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    check_date(value)
    return value


def _datetime(raw: Any, tz: dt.tzinfo) -> dt.datetime:
    if isinstance(raw, str):
        return parse_datetime(raw, tz)
    raise LiteralError(
        f"expected a date and time such as 2024-05-31T14:30:00+02:00, got {_describe(raw)}"
    )


def _time(raw: Any, tz: dt.tzinfo) -> dt.time:
    if isinstance(raw, str):
        try:
            value = dt.time.fromisoformat(raw.strip())
            if value.tzinfo is None:
                return value
        except ValueError:
            pass
    raise LiteralError(f"expected a time of day such as 14:30, got {_describe(raw)}")


def _duration(raw: Any, tz: dt.tzinfo) -> dt.timedelta:
    if isinstance(raw, int) and not isinstance(raw, bool):
        raise LiteralError(
            f"expected a duration with its unit such as {raw}s, {raw}m or {raw}d, got {raw}"
        )
    if isinstance(raw, str):
        return parse_duration(raw)
    raise LiteralError(f"expected a duration such as 2d or 1h30m, got {_describe(raw)}")


def _name_text(raw: Any, what: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise LiteralError(f"expected the name of a {what}, got {_describe(raw)}")
    return raw.strip()


_SCALAR_PARSERS: dict[Kind, Any] = {
    Kind.STRING: _string,
    Kind.INTEGER: _integer,
    Kind.DECIMAL: _decimal,
    Kind.BOOLEAN: _boolean,
    Kind.CURRENCY: _currency,
    Kind.DATE: _date,
    Kind.DATETIME: _datetime,
    Kind.TIME: _time,
    Kind.DURATION: _duration,
    Kind.MAILBOX: lambda raw, tz: check_mailbox(_name_text(raw, "mailbox")),
    Kind.URI: lambda raw, tz: check_uri(_name_text(raw, "web address")),
    Kind.USER: lambda raw, tz: UserRef(_name_text(raw, "user")),
    Kind.WORKGROUP: lambda raw, tz: WorkgroupRef(_name_text(raw, "workgroup")),
    Kind.SKILL: lambda raw, tz: SkillRef(_name_text(raw, "skill")),
}


# --------------------------------------------------------------------------- type checks


def conforms(value: Any, type_: Type) -> bool:
    """Whether a runtime value is a value of ``type_`` (NOT SET conforms to every type)."""
    if value is NOT_SET:
        return True
    kind = type_.kind
    if kind is Kind.LIST:
        return isinstance(value, tuple) and all(conforms(v, type_.element()) for v in value)
    if kind is Kind.COMPLEX:
        return (
            isinstance(value, Record)
            and value.type_name == type_.name
            and set(value) == {name for name, _ in type_.fields}
            and all(conforms(value[name], ft) for name, ft in type_.fields)
        )
    expected = _PY_TYPES.get(kind)
    if expected is None:
        return kind is Kind.ANY
    if kind is Kind.INTEGER:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is Kind.DATE:
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    if kind is Kind.DATETIME:
        return isinstance(value, dt.datetime) and value.tzinfo is not None
    return isinstance(value, expected)


_PY_TYPES: dict[Kind, type | tuple[type, ...]] = {
    Kind.STRING: str,
    Kind.INTEGER: int,
    Kind.DECIMAL: Decimal,
    Kind.BOOLEAN: bool,
    Kind.CURRENCY: Currency,
    Kind.DATE: dt.date,
    Kind.DATETIME: dt.datetime,
    Kind.TIME: dt.time,
    Kind.DURATION: dt.timedelta,
    Kind.MAILBOX: Mailbox,
    Kind.URI: Uri,
    Kind.USER: UserRef,
    Kind.WORKGROUP: WorkgroupRef,
    Kind.SKILL: SkillRef,
}


def coerce(value: Any, type_: Type) -> Any:
    """Widen a checked value to its declared type (an integer stored as a decimal)."""
    if type_.kind is Kind.DECIMAL and isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if type_.kind is Kind.LIST and isinstance(value, tuple):
        return tuple(coerce(v, type_.element()) for v in value)
    return value


# --------------------------------------------------------------------------- storage


def encode(value: Any, type_: Type) -> Any:
    """A JSON-compatible form of a value of ``type_`` (see :func:`decode`)."""
    if value is NOT_SET:
        return None
    kind = type_.kind
    if kind is Kind.LIST:
        return [encode(v, type_.element()) for v in value]
    if kind is Kind.COMPLEX:
        return {name: encode(value[name], ft) for name, ft in type_.fields}
    if kind in (Kind.STRING, Kind.INTEGER, Kind.BOOLEAN):
        return value
    if kind is Kind.DECIMAL:
        return str(value)
    if kind is Kind.CURRENCY:
        return {"amount": str(value.amount), "code": value.code}
    if kind is Kind.DATE:
        return value.isoformat()
    if kind is Kind.DATETIME:
        return format_datetime(value)
    if kind is Kind.TIME:
        return value.isoformat()
    if kind is Kind.DURATION:
        return value // dt.timedelta(microseconds=1)
    return str(value)


def decode(data: Any, type_: Type) -> Any:
    """The value :func:`encode` wrote."""
    if data is None:
        return NOT_SET
    kind = type_.kind
    if kind is Kind.LIST:
        return tuple(decode(v, type_.element()) for v in data)
    if kind is Kind.COMPLEX:
        return Record(type_.name or "", {n: decode(data.get(n), ft) for n, ft in type_.fields})
    if kind in (Kind.STRING, Kind.INTEGER, Kind.BOOLEAN):
        return data
    if kind is Kind.DECIMAL:
        return Decimal(data)
    if kind is Kind.CURRENCY:
        return Currency(Decimal(data["amount"]), data["code"])
    if kind is Kind.DATE:
        return dt.date.fromisoformat(data)
    if kind is Kind.DATETIME:
        return parse_datetime(data)
    if kind is Kind.TIME:
        return dt.time.fromisoformat(data)
    if kind is Kind.DURATION:
        return dt.timedelta(microseconds=data)
    return _SCALAR_PARSERS[kind](data, UTC)


def format_datetime(value: dt.datetime) -> str:
    """ISO 8601 with the offset, plus ``[Zone/Name]`` when the zone has a name."""
    text = value.isoformat()
    if isinstance(value.tzinfo, ZoneInfo):
        text += f"[{value.tzinfo.key}]"
    return text


def format_value(value: Any) -> str:
    """A value as people read it (used by ``ToString`` and the CLI)."""
    if value is NOT_SET:
        return "NotSet"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return format_duration(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if isinstance(value, Record):
        inner = ", ".join(f"{k}: {format_value(v)}" for k, v in value.items())
        return "{" + inner + "}"
    return str(value)


def to_plain(value: Any) -> Any:
    """A JSON-compatible form without a declared type (for ``--json`` output)."""
    if value is NOT_SET:
        return None
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Currency):
        return {"amount": str(value.amount), "code": value.code}
    if isinstance(value, tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, Record):
        return {k: to_plain(v) for k, v in value.items()}
    return format_value(value)
