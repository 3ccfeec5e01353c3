"""Constraints on values: ranges, lengths, patterns, lists of choices, item counts.

A :class:`Rules` object is built once per variable (or field, or custom simple
type) from its declaration and checks values quickly afterwards, at launch,
on every assignment and on every work item submission.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpas.errors import LiteralError
from openpas.expr import values
from openpas.expr.types import Kind, Type
from openpas.expr.values import NOT_SET, Currency, Record
from openpas.model.variables import Characters, Constraints

ORDERED = frozenset(
    {Kind.INTEGER, Kind.DECIMAL, Kind.CURRENCY, Kind.DATE, Kind.DATETIME, Kind.TIME, Kind.DURATION}
)
_CHARACTER_PATTERNS = {
    Characters.ALPHABETIC_LOWER: (re.compile(r"[^\W\d_A-Z]*"), "lower-case letters"),
    Characters.ALPHABETIC_UPPER: (re.compile(r"[^\W\d_a-z]*"), "upper-case letters"),
    Characters.ALPHABETIC: (re.compile(r"[^\W\d_]*"), "letters"),
    Characters.ALPHANUMERIC: (re.compile(r"[^\W_]*"), "letters and digits"),
}


@dataclass
class Rules:
    """The checks of one value's constraints; ``item`` rules apply to each item of a list."""

    type: Type
    required: bool = False
    checks: list[Callable[[Any], str | None]] = field(default_factory=list)
    item: Rules | None = None
    fields: dict[str, Rules] = field(default_factory=dict)
    trim: bool = False

    def violations(self, value: Any) -> list[str]:
        """Every rule ``value`` breaks, as sentences; empty when it is fine."""
        if value is NOT_SET:
            return ["a value is required"] if self.required else []
        found = [message for check in self.checks if (message := check(value)) is not None]
        if self.item is not None and isinstance(value, tuple):
            for index, item in enumerate(value, start=1):
                found += [f"item {index}: {m}" for m in self.item.violations(item)]
        if self.fields and isinstance(value, Record):
            for name, rules in self.fields.items():
                found += [f"{name}: {m}" for m in rules.violations(value.get(name, NOT_SET))]
        return found

    def normalize(self, value: Any) -> Any:
        """Apply input clean-up (``trim``) before checking."""
        if self.trim and isinstance(value, str):
            return value.strip()
        return value


class RuleError(Exception):
    """A constraint is itself wrong (``min`` on a boolean, a bad pattern...)."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


def build_rules(
    type_: Type,
    decls: list[Constraints],
    required: bool = False,
    tz: dt.tzinfo = values.UTC,
    fields: dict[str, Rules] | None = None,
) -> Rules:
    """Rules for a value of ``type_`` from its declarations (a custom type's, then its own).

    Raises:
        RuleError: a constraint does not apply to the type or cannot be read.
    """
    if type_.kind is Kind.LIST:
        element = type_.element()
        item = build_rules(element, [_without_counts(d) for d in decls], False, tz, fields)
        rules = Rules(type_, required, item=item)
        for decl in decls:
            _count_checks(rules, decl)
        return rules
    rules = Rules(type_, required, fields=fields or {})
    for decl in decls:
        _scalar_checks(rules, type_, decl, tz)
    return rules


def _without_counts(decl: Constraints) -> Constraints:
    return decl.model_copy(update={"min_items": None, "max_items": None})


def _count_checks(rules: Rules, decl: Constraints) -> None:
    low, high = decl.min_items, decl.max_items
    if low is not None and high is not None and low > high:
        raise RuleError("min items", f"min items {low} is greater than max items {high}")
    if low is not None:
        rules.checks.append(_check(lambda v: len(v) >= low, f"needs at least {low} items"))
    if high is not None:
        rules.checks.append(_check(lambda v: len(v) <= high, f"allows at most {high} items"))


def _scalar_checks(rules: Rules, type_: Type, decl: Constraints, tz: dt.tzinfo) -> None:
    kind = type_.kind
    if decl.min_items is not None or decl.max_items is not None:
        raise RuleError("min items", "min items and max items apply only to collections")
    rules.trim = rules.trim or decl.trim
    if decl.minimum is not None or decl.maximum is not None:
        if kind not in ORDERED:
            raise RuleError("min", f"min and max do not apply to a {type_}")
        low = _bound(decl.minimum, type_, "min", tz)
        high = _bound(decl.maximum, type_, "max", tz)
        if low is not None and high is not None and _key(low) > _key(high):
            raise RuleError("min", f"min {_show(low)} is greater than max {_show(high)}")
        if low is not None:
            rules.checks.append(_at_least(low))
        if high is not None:
            rules.checks.append(_at_most(high))
    _text_checks(rules, type_, decl)
    if decl.decimal_places is not None:
        if kind not in (Kind.DECIMAL, Kind.CURRENCY):
            raise RuleError("decimal places", f"decimal places do not apply to a {type_}")
        places = decl.decimal_places
        rules.checks.append(lambda v: _places(v, places))
    if decl.choices is not None:
        choices = []
        for index, raw in enumerate(decl.choices, start=1):
            try:
                choices.append(values.parse_literal(raw, type_, tz))
            except LiteralError as exc:
                raise RuleError("choices", f"choice {index}: {exc.message}") from None
        shown = ", ".join(_show(c) for c in choices[:10]) + (" ..." if len(choices) > 10 else "")
        allowed = tuple(choices)
        rules.checks.append(_check(lambda v: v in allowed, f"must be one of: {shown}"))


def _text_checks(rules: Rules, type_: Type, decl: Constraints) -> None:
    textual = type_.kind in (Kind.STRING, Kind.MAILBOX, Kind.URI)
    for key, given in (
        ("min length", decl.min_length),
        ("max length", decl.max_length),
        ("pattern", decl.pattern),
        ("characters", decl.characters),
    ):
        if given is not None and not textual:
            raise RuleError(key, f"{key} applies only to text, not to a {type_}")
    shortest, longest = decl.min_length, decl.max_length
    if shortest is not None and longest is not None and shortest > longest:
        raise RuleError("min length", "min length is greater than max length")
    if shortest is not None:
        rules.checks.append(
            _check(
                lambda v: len(str(v)) >= shortest, f"must be at least {shortest} characters long"
            )
        )
    if longest is not None:
        rules.checks.append(
            _check(lambda v: len(str(v)) <= longest, f"must have at most {longest} characters")
        )
    if decl.pattern is not None:
        try:
            compiled = re.compile(decl.pattern)
        except re.error as exc:
            message = f"the pattern is not a valid regular expression: {exc}"
            raise RuleError("pattern", message) from None
        rules.checks.append(
            _check(lambda v: bool(compiled.fullmatch(str(v))), f"does not match {decl.pattern}")
        )
    if decl.characters is not None:
        regex, what = _CHARACTER_PATTERNS[decl.characters]
        rules.checks.append(
            _check(lambda v: bool(regex.fullmatch(str(v))), f"may contain only {what}")
        )


Check = Callable[[Any], str | None]


def _check(test: Callable[[Any], bool], message: str) -> Check:
    return lambda value: None if test(value) else message


def _at_least(bound: Any) -> Check:
    return _check(lambda v: bool(_key(v) >= _key(bound)), f"must be at least {_show(bound)}")


def _at_most(bound: Any) -> Check:
    return _check(lambda v: bool(_key(v) <= _key(bound)), f"must be at most {_show(bound)}")


def _bound(raw: Any, type_: Type, key: str, tz: dt.tzinfo) -> Any:
    if raw is None:
        return None
    try:
        return values.parse_literal(raw, type_, tz)
    except LiteralError as exc:
        raise RuleError(key, f"{key}: {exc.message}") from None


def _key(value: Any) -> Any:
    """Currency bounds compare by amount (codes are checked when money is added)."""
    return value.amount if isinstance(value, Currency) else value


def _show(value: Any) -> str:
    return values.format_value(value)


def _places(value: Any, places: int) -> str | None:
    amount = value.amount if isinstance(value, Currency) else value
    if not isinstance(amount, Decimal):
        return None
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        return f"may have at most {places} decimal places"
    return None
