"""Text functions: Len, Upper, Lower, Trim, Left, Right, Mid, Find, Replace, Contains,
StartsWith, EndsWith, Split, Join, PadLeft, PadRight, Matches."""

from __future__ import annotations

import re
from typing import Any, Final

from openpas.expr.functions.base import Failure, function
from openpas.expr.limits import MAX_PATTERN_LENGTH
from openpas.expr.runtime import check_text_length, items, show
from openpas.expr.values import NOT_SET, format_value

# Nested repetition such as (a+)+ can make matching take exponential time.
_NESTED_REPEAT: Final = re.compile(r"\((?:[^()\\]|\\.)*[+*}]\)(?:[+*]|\{)")


def _count(value: int, what: str = "count") -> int:
    if value < 0:
        raise Failure(f"the {what} must not be negative, got {value}")
    return value


@function("Len(text: string) -> integer")
def len_(text: str) -> int:
    """The number of characters of ``text``: ``Len("abc")`` is 3."""
    return len(text)


@function("Upper(text: string) -> string")
def upper(text: str) -> str:
    """``text`` in upper case: ``Upper("abc")`` is ``"ABC"``."""
    return text.upper()


@function("Lower(text: string) -> string")
def lower(text: str) -> str:
    """``text`` in lower case: ``Lower("ABC")`` is ``"abc"``."""
    return text.lower()


@function("Trim(text: string) -> string")
def trim(text: str) -> str:
    """``text`` without leading and trailing white space."""
    return text.strip()


@function("Left(text: string, count: integer) -> string")
def left(text: str, count: int) -> str:
    """The first ``count`` characters: ``Left("abcdef", 2)`` is ``"ab"``."""
    return text[: _count(count)]


@function("Right(text: string, count: integer) -> string")
def right(text: str, count: int) -> str:
    """The last ``count`` characters: ``Right("abcdef", 2)`` is ``"ef"``."""
    return text[len(text) - min(_count(count), len(text)) :]


@function("Mid(text: string, start: integer, count?: integer) -> string")
def mid(text: str, start: int, count: int | None = None) -> str:
    """``count`` characters from position ``start`` (1-based; to the end without ``count``).

    ``Mid("abcdef", 2, 3)`` is ``"bcd"``.
    """
    if start < 1:
        raise Failure(f"positions start at 1, got {start}")
    if count is None:
        return text[start - 1 :]
    return text[start - 1 : start - 1 + _count(count)]


@function("Find(text: string, part: string) -> integer")
def find(text: str, part: str) -> int:
    """The 1-based position of the first ``part`` in ``text``, 0 when absent."""
    return text.find(part) + 1


@function("Replace(text: string, old: string, new: string) -> string")
def replace(text: str, old: str, new: str) -> str:
    """``text`` with every ``old`` replaced by ``new``."""
    if not old:
        raise Failure("the text to replace must not be empty")
    check_text_length(len(text) + text.count(old) * (len(new) - len(old)))
    return text.replace(old, new)


@function("Contains(text: string, part: string) -> boolean")
def contains(text: str, part: str) -> bool:
    """Whether ``part`` occurs in ``text`` (same as ``part in text``)."""
    return part in text


@function("StartsWith(text: string, prefix: string) -> boolean")
def starts_with(text: str, prefix: str) -> bool:
    """Whether ``text`` begins with ``prefix``."""
    return text.startswith(prefix)


@function("EndsWith(text: string, suffix: string) -> boolean")
def ends_with(text: str, suffix: str) -> bool:
    """Whether ``text`` ends with ``suffix``."""
    return text.endswith(suffix)


@function("Split(text: string, separator: string) -> list<string>")
def split(text: str, separator: str) -> tuple[str, ...]:
    """The parts of ``text`` between ``separator`` s: ``Split("a,b", ",")`` is ``["a", "b"]``."""
    if not separator:
        raise Failure("the separator must not be empty")
    if text.count(separator) >= 100_000:
        raise Failure("the text has too many parts")
    return items(tuple(text.split(separator)))


@function("Join(items: list, separator: string) -> string")
def join(values: tuple[Any, ...], separator: str) -> str:
    """The items as text, separated by ``separator``: ``Join([1, 2], "-")`` is ``"1-2"``."""
    parts = []
    for position, value in enumerate(values, 1):
        if value is NOT_SET:
            raise Failure(f"item {position} of the list is NOT SET")
        parts.append(value if isinstance(value, str) else format_value(value))
    check_text_length(sum(map(len, parts)) + len(separator) * max(len(parts) - 1, 0))
    return separator.join(parts)


def _fill(width: int, fill: str) -> None:
    if len(fill) != 1:
        raise Failure(f"the fill must be one character, got {show(fill)}")
    check_text_length(_count(width, "width"))


@function("PadLeft(text: string, width: integer, fill?: string) -> string")
def pad_left(text: str, width: int, fill: str = " ") -> str:
    """``text`` right-aligned in ``width`` characters: ``PadLeft("7", 3, "0")`` is ``"007"``."""
    _fill(width, fill)
    return text.rjust(width, fill)


@function("PadRight(text: string, width: integer, fill?: string) -> string")
def pad_right(text: str, width: int, fill: str = " ") -> str:
    """``text`` left-aligned in ``width`` characters (padded with spaces or ``fill``)."""
    _fill(width, fill)
    return text.ljust(width, fill)


def _pattern(pattern: Any) -> re.Pattern[str]:
    if not isinstance(pattern, str):
        raise Failure("the pattern must be a quoted string")
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise Failure(f"the pattern is longer than {MAX_PATTERN_LENGTH} characters")
    if _NESTED_REPEAT.search(pattern):
        raise Failure(
            f"the pattern {show(pattern)} repeats a repetition, such as (a+)+,"
            " which can take very long to match; simplify it"
        )
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise Failure(f"{show(pattern)} is not a valid regular expression: {exc}") from None


@function("Matches(text: string, pattern: string) -> boolean", literals=(1,), prepare=_pattern)
def matches(text: str, pattern: re.Pattern[str]) -> bool:
    """Whether all of ``text`` matches the regular expression ``pattern``.

    The pattern must be a literal, so it is checked with the definition:
    ``Matches(Code, "[A-Z]{2}[0-9]{4}")``.
    """
    return pattern.fullmatch(text) is not None
