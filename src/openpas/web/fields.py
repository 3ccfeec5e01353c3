"""A work item page's fields as the template draws them: values as text, rules as data.

The page's script checks each field with the rules the server applies
(:func:`openpas.work.forms.apply`): the value's type, the required flag and the
declared constraints, which the page view carries as data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from openpas.expr import values
from openpas.expr.values import NOT_SET, Record
from openpas.work.forms import FieldView, PageView

_KIND_OF_TYPE = re.compile(r"^[a-z]+$")
PREFIX = "field:"
"""Form names of fields start with this, apart from the page's own names (button, hold...)."""


@dataclass(frozen=True)
class Field:
    """One control, ready to draw."""

    key: str
    id: str
    label: str
    control: str
    kind: str
    """The value's type kind (``integer``, ``currency``...; ``complex`` or ``list``)."""
    type: str
    editable: bool
    required: bool
    text: str
    """The value as the input shows it (empty for NOT SET)."""
    help: str | None
    rules: tuple[str, ...]
    constraints: tuple[dict[str, Any], ...]
    choices: tuple[str, ...] | None
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    error: str | None = None


def kind_of(type_text: str) -> str:
    if type_text.startswith("list<"):
        return "list"
    return type_text if _KIND_OF_TYPE.match(type_text) else "complex"


def input_text(value: Any, kind: str) -> str:
    """A value as an input of its kind holds it."""
    if value is NOT_SET or value is None:
        return ""
    if kind == "datetime" and isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    if kind == "time" and isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if kind == "list" and isinstance(value, tuple):
        return "\n".join(values.format_value(v) for v in value)
    return values.format_value(value)


def _table(field: FieldView) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    value = field.value
    items = value if isinstance(value, tuple) else (() if value is NOT_SET else (value,))
    columns = field.columns or ("Value",)
    rows = []
    for item in items:
        if isinstance(item, Record):
            rows.append(tuple(input_text(item.get(c, NOT_SET), "") for c in columns))
        else:
            rows.append((input_text(item, ""),))
    return tuple(columns), tuple(rows)


def _control(field: FieldView, kind: str) -> str:
    if field.control == "choice" or (field.choices is not None and field.control == "text"):
        return "choice"
    if kind in ("complex", "list") and field.control in ("table", "text"):
        return "table" if kind == "complex" or field.columns else field.control
    return field.control


def fields_of(
    page: PageView,
    errors: Mapping[str, str] | None = None,
    typed: Mapping[str, str] | None = None,
) -> list[Field]:
    """The page's fields with the server's errors and what the user typed (after a refusal)."""
    errors = errors or {}
    typed = typed or {}
    result = []
    for index, field in enumerate(page.fields):
        kind = kind_of(field.type)
        control = _control(field, kind)
        columns, rows = _table(field) if control == "table" else ((), ())
        text = typed.get(field.key, input_text(field.value, kind))
        result.append(
            Field(
                key=field.key,
                id=f"f{index}",
                label=field.label,
                control=control,
                kind=kind,
                type=field.type,
                editable=field.editable and control not in ("table", "label", "image", "link"),
                required=field.required,
                text=text,
                help=field.help,
                rules=field.rules,
                constraints=field.constraints,
                choices=field.choices,
                columns=columns,
                rows=rows,
                error=errors.get(field.key),
            )
        )
    return result


def typed_of(form: Mapping[str, Any]) -> dict[str, str]:
    """What the user typed in each field, by field key (to show it again after a refusal)."""
    return {k[len(PREFIX) :]: str(v) for k, v in form.items() if k.startswith(PREFIX)}


def changes_of(page: PageView, form: Mapping[str, Any]) -> dict[str, str]:
    """The editable fields whose posted text differs from what the page showed.

    Only changes are sent to the server, as a user's edits: an untouched empty
    field stays NOT SET rather than becoming an empty text.
    """
    found = {}
    for field in fields_of(page):
        name = PREFIX + field.key
        if not field.editable or name not in form:
            continue
        posted = str(form[name])
        if field.kind == "boolean":
            posted = "true" if posted.lower() in ("true", "on", "yes") else "false"
            shown = "true" if field.text == "true" else "false"
        else:
            shown = field.text
        if posted != shown:
            found[field.key] = posted
    return found
