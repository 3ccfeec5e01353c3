"""Turning structural errors into problems people can act on.

Pydantic reports where the document's shape is wrong; this module gives each
such error its document path as people read it (``states.Review.actions[2].yes[0]``,
without the action kind keys), its source line, and a plain sentence.
"""

from __future__ import annotations

import types as pytypes
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from openpas.errors import Problem
from openpas.model.actions import base as actions
from openpas.model.naming import suggest
from openpas.model.source import Path, Source

_TYPE_TAGS = {"simple", "complex"}


def display_path(path: Path) -> str:
    """``states.Review.actions[2].yes[0]``: kind keys after an index are left out."""
    kinds = actions.kinds()
    text = ""
    previous: str | int | None = None
    for segment in path:
        if isinstance(segment, int):
            text += f"[{segment}]"
        elif isinstance(previous, int) and segment in kinds:
            pass
        else:
            text += f".{segment}" if text else str(segment)
        previous = segment
    return text


def problem_at(
    source: Source | None,
    path: Path,
    message: str,
    code: str = "invalid",
    severity_line: tuple[int | None, int | None] | None = None,
) -> Problem:
    """A problem at a raw document path, with its line when the source knows it."""
    line, column = severity_line or (source.position(path) if source else (None, None))
    return Problem(display_path(path), message, line, column, code)


def raw_at(data: Any, path: Path) -> Any:
    """The raw document value at ``path`` (None when there is none)."""
    node = data
    for segment in path:
        if isinstance(node, dict):
            node = node.get(segment)
        elif isinstance(node, list) and isinstance(segment, int) and 0 <= segment < len(node):
            node = node[segment]
        else:
            return None
    return node


def describe(raw: Any) -> str:
    """How a raw value reads in a message, without dumping large values."""
    if raw is None:
        return "nothing"
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, dict):
        keys = ", ".join(repr(k) for k in list(raw)[:5])
        return f"a mapping with the keys {keys}" if raw else "an empty mapping"
    if isinstance(raw, list):
        return f"a list of {len(raw)} items"
    text = repr(raw) if isinstance(raw, str) else str(raw)
    return text if len(text) <= 60 else text[:57] + "..."


def from_validation_error(error: ValidationError, source: Source, root: type) -> list[Problem]:
    """One problem per structural error of the document."""
    problems = []
    for detail in error.errors(include_url=False):
        loc = tuple(detail["loc"])
        path = _collapse(loc)
        message, code = _message(detail, path, loc, source, root)
        problems.append(problem_at(source, path, message, code))
    return problems


def _collapse(loc: tuple[Any, ...]) -> Path:
    """The document path of a pydantic location: union tags removed."""
    kinds = actions.kinds()
    path: list[str | int] = []
    for index, segment in enumerate(loc):
        following = loc[index + 1] if index + 1 < len(loc) else None
        if isinstance(segment, str) and segment in kinds and following == segment:
            continue  # the union's tag, repeated by the field alias that follows
        if (
            isinstance(segment, str)
            and segment in _TYPE_TAGS
            and len(path) >= 2
            and path[-2] == "types"
        ):
            continue
        path.append(segment)
    return tuple(path)


def _message(
    detail: ErrorDetails, path: Path, loc: tuple[Any, ...], source: Source, root: type
) -> tuple[str, str]:
    kind = detail["type"]
    raw = raw_at(source.data, path)
    key = path[-1] if path else ""
    ctx = detail.get("ctx") or {}
    if kind == "missing":
        owner = path[-2] if len(path) >= 2 else "the document"
        if isinstance(owner, str) and owner in actions.kinds():
            return f"{owner} needs '{key}'", "missing"
        return f"'{key}' is required", "missing"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(root, loc[:-1])
        hint = suggest(str(key), allowed) if allowed else ""
        listed = f"; expected one of: {', '.join(allowed)}" if allowed and not hint else ""
        return f"unknown key {key!r}{hint}{listed}", "unknown-key"
    if kind == "union_tag_invalid":
        tag = str(ctx.get("tag", key))
        known = sorted(actions.kinds())
        return f"unknown action {tag!r}{suggest(tag, known)}", "unknown-action"
    if kind == "union_tag_not_found":
        return (
            "an action is written as 'kind: parameters', for example 'assign: {Status: New}'"
            f" or 'end process'; got {describe(raw)}",
            "action",
        )
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected a mapping of keys and values, got {describe(raw)}", "type"
    if kind in ("list_type", "tuple_type"):
        return f"expected a list, got {describe(raw)}", "type"
    if kind in ("string_type", "str_type"):
        return f"expected text, got {describe(raw)}", "type"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {describe(raw)}", "type"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, got {describe(raw)}", "type"
    if kind == "enum":
        return f"expected one of {ctx.get('expected')}, got {describe(raw)}", "choice"
    text = str(detail.get("msg", "is not valid"))
    return f"{text[0].lower()}{text[1:]}, got {describe(raw)}", kind


def _allowed_keys(root: type, loc: tuple[Any, ...]) -> list[str]:
    """The keys the model at ``loc`` accepts, for a did-you-mean."""
    current: Any = root
    for segment in loc:
        current = _step(current, segment)
        if current is None:
            return []
    model = _unwrap(current)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [f.alias or name for name, f in model.model_fields.items()]
    return []


def _unwrap(tp: Any) -> Any:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _step(tp: Any, segment: Any) -> Any:
    tp = _unwrap(tp)
    origin = typing.get_origin(tp)
    if origin in (typing.Union, pytypes.UnionType):
        for member in typing.get_args(tp):
            tags = [m for m in getattr(member, "__metadata__", ()) if hasattr(m, "tag")]
            if tags and tags[0].tag == segment:
                return typing.get_args(member)[0]
        return None
    if origin in (list, tuple):
        return typing.get_args(tp)[0] if isinstance(segment, int) else None
    if origin is dict:
        return typing.get_args(tp)[1]
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if "root" in tp.model_fields and len(tp.model_fields) == 1:
            return _step(tp.model_fields["root"].annotation, segment)
        for name, field in tp.model_fields.items():
            if (field.alias or name) == segment:
                return field.annotation
    return None
