"""The tokenizer of the expression language: source text to positioned tokens."""

from __future__ import annotations

import bisect
import enum
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from openpas.errors import ExpressionError, LiteralError
from openpas.expr.limits import MAX_NUMBER_LITERAL, MAX_SOURCE_LENGTH
from openpas.expr.values import Currency, check_decimal, parse_duration


class T(enum.Enum):
    """Token kinds."""

    NUMBER = "number"
    """An integer or decimal literal; ``value`` is an ``int`` or ``Decimal``."""
    STRING = "string"
    CURRENCY = "currency"
    DURATION = "duration"
    NAME = "name"
    KEYWORD = "keyword"
    OP = "operator"
    END = "end"


KEYWORDS: Final = frozenset(
    {"and", "or", "not", "in", "is", "set", "if", "then", "else", "true", "false", "NotSet"}
)

_ESCAPES: Final = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'"}

# Longest operators first, so that "<=" is not read as "<" then "=".
_OPERATORS: Final = (
    "==", "!=", "<>", "<=", ">=", "//",
    "=", "<", ">", "+", "-", "*", "/", "%", "^", "&", "(", ")", "[", "]", ",", ".",
)  # fmt: skip

_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_UNIT_TAIL = re.compile(r"[A-Za-z0-9.]*")
_CURRENCY_CODE = re.compile(r"[ \t]+([A-Z]{3})(?![A-Za-z0-9_])")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class Token:
    """One token, with its 1-based position and its offsets in the source."""

    kind: T
    text: str
    value: Any
    line: int
    column: int
    start: int
    end: int

    def describe(self) -> str:
        """How error messages quote the token."""
        return "the end of the expression" if self.kind is T.END else f"'{self.text}'"


class Positions:
    """Turns source offsets into 1-based line and column numbers."""

    def __init__(self, source: str) -> None:
        self._starts = [0] + [i + 1 for i, ch in enumerate(source) if ch == "\n"]

    def at(self, offset: int) -> tuple[int, int]:
        """The line and column of ``offset``."""
        index = bisect.bisect_right(self._starts, offset) - 1
        return index + 1, offset - self._starts[index] + 1


def tokenize(source: str) -> list[Token]:
    """Split ``source`` into tokens, ending with an ``END`` token.

    Raises:
        ExpressionError: an unknown character, a bad literal or a forbidden name,
            at its position.
    """
    if len(source) > MAX_SOURCE_LENGTH:
        raise ExpressionError(
            f"the expression is {len(source)} characters long; the limit is {MAX_SOURCE_LENGTH}"
        )
    positions = Positions(source)
    tokens: list[Token] = []
    pos, size = 0, len(source)

    def error(message: str, offset: int) -> ExpressionError:
        return ExpressionError(message, *positions.at(offset))

    def add(kind: T, start: int, end: int, value: Any = None) -> None:
        line, column = positions.at(start)
        tokens.append(Token(kind, source[start:end], value, line, column, start, end))

    while pos < size:
        ch = source[pos]
        space = _SPACE.match(source, pos)
        if space:
            pos = space.end()
            continue
        if ch.isdigit() and ch.isascii():
            pos = _number(source, pos, add, error)
        elif ch in "\"'":
            pos = _string(source, pos, add, error)
        elif ch.isascii() and (ch.isalpha() or ch == "_"):
            match = _NAME.match(source, pos)
            assert match is not None
            word = match.group()
            if "__" in word:
                raise error(f"names containing '__' such as '{word}' are not allowed", pos)
            add(T.KEYWORD if word in KEYWORDS else T.NAME, pos, match.end(), word)
            pos = match.end()
        else:
            for op in _OPERATORS:
                if source.startswith(op, pos):
                    add(T.OP, pos, pos + len(op), op)
                    pos += len(op)
                    break
            else:
                raise error(f"unexpected character {ch!r}", pos)
    add(T.END, size, size)
    return tokens


def _number(source: str, pos: int, add: Any, error: Any) -> int:
    """Read a number, a currency amount (``50 USD``) or a duration (``1h30m``)."""
    match = _NUMBER.match(source, pos)
    assert match is not None
    end = match.end()
    if end < len(source) and source[end].isalpha():
        # A unit follows without a space: a duration such as 2d or 1h30m.
        tail = _UNIT_TAIL.match(source, end)
        assert tail is not None
        text = source[pos : tail.end()]
        try:
            add(T.DURATION, pos, tail.end(), parse_duration(text))
        except LiteralError as exc:
            raise error(exc.message, pos) from None
        return tail.end()
    text = match.group()
    if len(text.replace(".", "")) > MAX_NUMBER_LITERAL:
        raise error(f"the number {text[:20]}... has more than {MAX_NUMBER_LITERAL} digits", pos)
    number: int | Decimal
    try:
        number = check_decimal(Decimal(text)) if "." in text else int(text)
    except (LiteralError, InvalidOperation):  # pragma: no cover - the regex admits only digits
        raise error(f"{text} is not a number", pos) from None
    code = _CURRENCY_CODE.match(source, end)
    if code:
        add(T.CURRENCY, pos, code.end(), Currency(Decimal(number), code.group(1)))
        return code.end()
    add(T.NUMBER, pos, end, number)
    return end


def _string(source: str, pos: int, add: Any, error: Any) -> int:
    """Read a quoted string with its escapes."""
    quote = source[pos]
    chars: list[str] = []
    index = pos + 1
    while index < len(source):
        ch = source[index]
        if ch == quote:
            add(T.STRING, pos, index + 1, "".join(chars))
            return index + 1
        if ch == "\\":
            nxt = source[index + 1 : index + 2]
            if nxt not in _ESCAPES:
                raise error(
                    f"unknown escape '\\{nxt}' in a string; use \\n, \\t, \\\\, \\\" or \\'",
                    index,
                )
            chars.append(_ESCAPES[nxt])
            index += 2
            continue
        chars.append(ch)
        index += 1
    raise error(f"this string has no closing {quote}", pos)
