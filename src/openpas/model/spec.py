"""The base of every part of a process document."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

Raw = Any
"""A value as written in the document: a literal read by its declared type, or
an expression when it is text starting with ``=``."""


class Spec(BaseModel):
    """An immutable part of a process document; unknown keys are problems."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=False,
        arbitrary_types_allowed=True,
        hide_input_in_errors=True,
    )


def shorthand(key: str) -> Any:
    """A before-validator that expands a bare value ``x`` into ``{key: x}``."""

    def expand(value: Any) -> Any:
        if value is None or isinstance(value, str | int | bool):
            return {key: value}
        return value

    return expand
