"""Reading a process document: YAML or JSON text into plain data plus line numbers.

PyYAML's composer gives every node its position; we build the Python data
ourselves so that the rules are YAML 1.2's and the same for every file:

- only ``true``/``false`` are booleans (``yes``, ``no``, ``on`` and ``Norway``'s
  ``NO`` stay strings: ``yes:`` is a decision's branch, not ``True``);
- numbers with a fraction or exponent become exact ``Decimal`` s, never floats;
- dates, times and ``1:30`` stay strings, read later by the declared type;
- a key written twice is a problem, not a silent overwrite;
- aliases are followed, but the whole document is bounded in size, so an
  alias bomb is refused rather than expanded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from openpas.errors import Problem

Path = tuple[str | int, ...]

MAX_SOURCE_BYTES = 5_000_000
MAX_NODES = 500_000

_INT = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_OCT = re.compile(r"^0o[0-7]+$")
_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}

try:  # the C composer is much faster; fall back where libyaml is missing
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


@dataclass
class Source:
    """A parsed document: its data, and the position of every node by path."""

    data: Any
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    name: str | None = None

    def position(self, path: Path) -> tuple[int | None, int | None]:
        """The (line, column) of ``path``, or of its closest ancestor that has one."""
        probe = tuple(path)
        while True:
            found = self.positions.get(probe)
            if found is not None:
                return found
            if not probe:
                return None, None
            probe = probe[:-1]


class SourceError(Exception):
    """The text is not a readable document; carries problems with positions."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0].message if problems else "unreadable document")
        self.problems = problems


def parse(text: str, name: str | None = None) -> Source:
    """Parse YAML (or JSON, which is YAML too) into a :class:`Source`.

    Raises:
        SourceError: the text is not well-formed; each problem has a line.
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_SOURCE_BYTES:
        raise SourceError(
            [Problem("", f"the document is larger than {MAX_SOURCE_BYTES:,} bytes", code="size")]
        )
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        if name is not None and name.endswith(".json"):
            return _parse_json(text, name)
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        reason = exc.problem or exc.context or "not valid YAML"
        message = f"the document is not valid YAML: {reason}"
        if "{" in text or "[" in text:
            message += (
                " (a value written inside {...} or [...] that contains a comma, a colon"
                " or a brace must be quoted)"
            )
        raise SourceError([Problem("", message, line, column, code="syntax")]) from None
    except yaml.YAMLError as exc:
        message = f"the document is not valid YAML: {exc}"
        raise SourceError([Problem("", message, code="syntax")]) from None
    source = Source(None, name=name)
    if node is None:
        return source
    builder = _Builder(source)
    source.data = builder.build(node, ())
    if builder.problems:
        raise SourceError(builder.problems)
    return source


def _parse_json(text: str, name: str | None) -> Source:
    """JSON that YAML refused (tabs, some escapes): no positions, but exact numbers."""
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                duplicates.append(key)
            result[key] = value
        return result

    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        message = f"the document is not valid JSON: {exc.msg}"
        raise SourceError([Problem("", message, exc.lineno, exc.colno, code="syntax")]) from None
    if duplicates:
        raise SourceError(
            [Problem("", f"the key {k!r} is written twice", code="duplicate") for k in duplicates]
        )
    return Source(data, name=name)


class _Builder:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.count = 0
        self.active: set[int] = set()

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise SourceError(
                [Problem("", f"the document has more than {MAX_NODES:,} values", code="size")]
            )
        mark = node.start_mark
        self.source.positions.setdefault(path, (mark.line + 1, mark.column + 1))
        if id(node) in self.active:
            raise SourceError(
                [Problem(_dotted(path), "an alias refers to itself", mark.line + 1, code="alias")]
            )
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
            assert isinstance(node, yaml.MappingNode)
            return self.mapping(node, path)
        finally:
            self.active.discard(id(node))

    def mapping(self, node: yaml.MappingNode, path: Path) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                merged = self.build(value_node, path)
                for item in merged if isinstance(merged, list) else [merged]:
                    if isinstance(item, dict):
                        for key, value in item.items():
                            result.setdefault(key, value)
                continue
            key = self.build(key_node, (*path, "<key>"))
            if not isinstance(key, Hashable) or isinstance(key, list | dict):
                line = key_node.start_mark.line + 1
                self.problems.append(
                    Problem(_dotted(path), "a key must be a plain value", line, code="key")
                )
                continue
            if isinstance(key, Decimal):
                key = str(key)
            if key in result:
                mark = key_node.start_mark
                self.problems.append(
                    Problem(
                        _dotted(path),
                        f"the key {key!r} is written twice",
                        mark.line + 1,
                        mark.column + 1,
                        code="duplicate",
                    )
                )
                continue
            key_path = (*path, key) if isinstance(key, str | int) else (*path, str(key))
            result[key] = self.build(value_node, key_path)
            mark = key_node.start_mark
            self.source.positions[key_path] = (mark.line + 1, mark.column + 1)
        return result

    def scalar(self, node: yaml.ScalarNode) -> Any:
        text = node.value
        if node.style is not None or node.tag not in _PLAIN_TAGS:
            # Quoted, block or explicitly tagged scalars stay text.
            return text
        if text in _NULL:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        if _INT.match(text):
            return int(text.replace("_", ""))
        if _OCT.match(text):
            return int(text[2:], 8)
        if _HEX.match(text):
            return int(text[2:], 16)
        if _FLOAT.match(text):
            try:
                return Decimal(text.replace("_", ""))
            except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
                return text
        return text


_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:value",
}


def _dotted(path: Path) -> str:
    text = ""
    for segment in path:
        if isinstance(segment, int):
            text += f"[{segment}]"
        else:
            text += f".{segment}" if text else str(segment)
    return text
