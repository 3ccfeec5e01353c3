"""Declarations of variables, custom types and their constraints."""

from __future__ import annotations

import enum
from typing import Annotated, Any

from pydantic import BeforeValidator, Discriminator, Field, RootModel, Tag

from openpas.model.spec import Raw, Spec, shorthand


class Access(enum.Enum):
    """Whether a variable's value passes in or out of its scope."""

    PRIVATE = "private"
    """Only the scope itself reads and writes it (the default)."""
    INPUT = "input"
    """The caller (launcher, Run Task, Change State, Send Work Item) may set it."""
    OUTPUT = "output"
    """The caller may read it back when the scope ends."""
    INPUT_OUTPUT = "input-output"
    """Both."""

    @property
    def is_input(self) -> bool:
        return self in (Access.INPUT, Access.INPUT_OUTPUT)

    @property
    def is_output(self) -> bool:
        return self in (Access.OUTPUT, Access.INPUT_OUTPUT)


class Characters(enum.Enum):
    """The named character patterns of strings."""

    ALPHABETIC_LOWER = "alphabetic lower"
    ALPHABETIC_UPPER = "alphabetic upper"
    ALPHABETIC = "alphabetic"
    ALPHANUMERIC = "alphanumeric"


class Constraints(Spec):
    """Rules a value must satisfy; each applies only to the types it names."""

    minimum: Raw = Field(None, alias="min", description="Smallest value (numbers, money, dates).")
    maximum: Raw = Field(None, alias="max", description="Largest value (numbers, money, dates).")
    min_length: int | None = Field(None, alias="min length", ge=0)
    max_length: int | None = Field(None, alias="max length", ge=0)
    pattern: str | None = Field(None, description="A regular expression the whole text matches.")
    characters: Characters | None = None
    trim: bool = Field(False, description="Remove leading and trailing spaces from input.")
    choices: list[Raw] | None = Field(None, description="Limit values to this list.")
    decimal_places: int | None = Field(None, alias="decimal places", ge=0, le=28)
    min_items: int | None = Field(None, alias="min items", ge=0)
    max_items: int | None = Field(None, alias="max items", ge=0)


class VariableDecl(Constraints):
    """A variable of the process, a state, a task or a work item."""

    type: str = Field(description="string, integer, decimal, ..., a custom type, or list<T>.")
    label: str | None = Field(None, description="The caption shown on work item pages.")
    description: str = ""
    access: Access = Access.PRIVATE
    initial: Raw = Field(None, description="The value when the scope starts (NOT SET if absent).")
    required: bool = Field(False, description="The value may never be NOT SET.")
    security: str | None = Field(None, description="The security specification guarding it.")
    report: bool = Field(False, description="Log its values for reporting.")


Variables = dict[str, Annotated[VariableDecl, BeforeValidator(shorthand("type"))]]
"""``Name: type`` or ``Name: {type: ..., ...}``."""


class FieldDecl(Constraints):
    """A field of a custom complex type."""

    type: str
    label: str | None = None
    description: str = ""
    required: bool = False


class SimpleTypeDecl(Constraints):
    """A native type narrowed by constraints, e.g. a telephone number."""

    base: str
    label: str | None = None
    description: str = ""


class ComplexTypeDecl(
    RootModel[dict[str, Annotated[FieldDecl, BeforeValidator(shorthand("type"))]]]
):
    """A record of named, typed fields."""

    model_config = {"frozen": True}

    @property
    def fields(self) -> dict[str, FieldDecl]:
        return self.root


def _type_tag(value: Any) -> str:
    if isinstance(value, SimpleTypeDecl) or (isinstance(value, dict) and "base" in value):
        return "simple"
    return "complex"


TypeDecl = Annotated[
    Annotated[SimpleTypeDecl, Tag("simple")] | Annotated[ComplexTypeDecl, Tag("complex")],
    Discriminator(_type_tag),
]
"""A custom type: ``{base: string, pattern: ...}`` or ``{Field: type, ...}``."""
