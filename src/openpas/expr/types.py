"""The data types of process variables and expressions.

A :class:`Type` describes a value statically: the checker of the expression
language computes one for every expression, and every variable declares one.
Custom simple types are their base type plus constraints (kept by the model);
custom complex types carry their fields here so that ``Car.Make`` can be
checked without the model.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Kind(enum.Enum):
    """The kinds of values."""

    STRING = "string"
    INTEGER = "integer"
    DECIMAL = "decimal"
    BOOLEAN = "boolean"
    CURRENCY = "currency"
    DATE = "date"
    DATETIME = "datetime"
    TIME = "time"
    DURATION = "duration"
    MAILBOX = "mailbox"
    URI = "uri"
    USER = "user"
    WORKGROUP = "workgroup"
    SKILL = "skill"
    COMPLEX = "complex"
    LIST = "list"
    NOTSET = "notset"
    """The type of the ``NotSet`` literal: assignable to every type."""
    ANY = "any"
    """The element type of an empty list literal: compatible with every type."""


@dataclass(frozen=True)
class Type:
    """A static type.

    Attributes:
        kind: what kind of value.
        item: the element type, for lists.
        name: the custom type's name, for complex types.
        fields: the fields of a complex type, in declaration order.
    """

    kind: Kind
    item: Type | None = None
    name: str | None = None
    fields: tuple[tuple[str, Type], ...] = ()

    def __str__(self) -> str:
        if self.kind is Kind.LIST:
            return f"list<{self.item}>"
        if self.kind is Kind.COMPLEX:
            return self.name or "complex"
        if self.kind is Kind.NOTSET:
            return "NotSet"
        return str(self.kind.value)

    @property
    def is_list(self) -> bool:
        return self.kind is Kind.LIST

    @property
    def is_numeric(self) -> bool:
        return self.kind in (Kind.INTEGER, Kind.DECIMAL)

    def field(self, name: str) -> Type | None:
        """The type of a complex type's field, or None when it has no such field."""
        for field_name, field_type in self.fields:
            if field_name == name:
                return field_type
        return None

    def element(self) -> Type:
        """The element type of a list (ANY for an empty list literal)."""
        if self.kind is not Kind.LIST or self.item is None:
            raise ValueError(f"{self} is not a list type")
        return self.item


def list_of(item: Type) -> Type:
    """The type of a collection of ``item``."""
    return Type(Kind.LIST, item=item)


def complex_type(name: str, fields: tuple[tuple[str, Type], ...]) -> Type:
    """A custom complex type."""
    return Type(Kind.COMPLEX, name=name, fields=fields)


STRING = Type(Kind.STRING)
INTEGER = Type(Kind.INTEGER)
DECIMAL = Type(Kind.DECIMAL)
BOOLEAN = Type(Kind.BOOLEAN)
CURRENCY = Type(Kind.CURRENCY)
DATE = Type(Kind.DATE)
DATETIME = Type(Kind.DATETIME)
TIME = Type(Kind.TIME)
DURATION = Type(Kind.DURATION)
MAILBOX = Type(Kind.MAILBOX)
URI = Type(Kind.URI)
USER = Type(Kind.USER)
WORKGROUP = Type(Kind.WORKGROUP)
SKILL = Type(Kind.SKILL)
NOTSET = Type(Kind.NOTSET)
ANY = Type(Kind.ANY)

BUILTIN_TYPES: dict[str, Type] = {
    t.kind.value: t
    for t in (
        STRING,
        INTEGER,
        DECIMAL,
        BOOLEAN,
        CURRENCY,
        DATE,
        DATETIME,
        TIME,
        DURATION,
        MAILBOX,
        URI,
        USER,
        WORKGROUP,
        SKILL,
    )
}
"""The native types by the name a document uses for them."""

NAME_LIKE = frozenset({Kind.STRING, Kind.MAILBOX, Kind.URI, Kind.USER, Kind.WORKGROUP, Kind.SKILL})
"""Kinds whose values are text underneath; they compare equal to strings."""


def is_assignable(target: Type, source: Type) -> bool:
    """Whether a value of type ``source`` may be stored where ``target`` is declared.

    Integers widen to decimals; ``NotSet`` goes anywhere; an empty list literal
    (``list<any>``) goes to any list. Nothing else converts implicitly: a
    decimal into an integer would lose its fraction, so it needs ``Truncate``
    or ``Round``.
    """
    if source.kind in (Kind.NOTSET, Kind.ANY) or target.kind is Kind.ANY:
        return True
    if target.kind is Kind.LIST:
        return source.kind is Kind.LIST and is_assignable(target.element(), source.element())
    if target.kind is Kind.DECIMAL and source.kind is Kind.INTEGER:
        return True
    if target.kind is Kind.COMPLEX:
        return source.kind is Kind.COMPLEX and source.name == target.name
    return target.kind is source.kind
