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
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from openpas.errors import Problem

Path = tuple[str | int, ...]

MAX_SOURCE_BYTES = 5_000_000
MAX_NODES = 500_000
MAX_DEPTH = 200
"""Values nested deeper than this are refused: no process needs it, and it bounds recursion."""
MAX_NUMBER_CHARS = 100
"""Numbers longer than this are refused (no business value needs more digits)."""
MAX_EXPONENT = 1000

_INT = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_OCT = re.compile(r"^0o[0-7]+$")
_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_NUMBER = re.compile(
    r"^[-+]?(0o[0-7]+|0x[0-9a-fA-F]+|(\.[0-9]+|[0-9][0-9_]*(\.[0-9]*)?)([eE][-+]?[0-9]+)?)$"
)
_IMPLICIT = yaml.resolver.Resolver()


def _implicit_tag(text: str) -> str:
    """The tag YAML gives a plain scalar of this text (an explicit tag differs from it)."""
    tag: str = _IMPLICIT.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return tag


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


def parse(
    text: str, name: str | None = None, display: Callable[[Path], str] | None = None
) -> Source:
    """Parse YAML (or JSON, which is YAML too) into a :class:`Source`.

    Args:
        text: the document.
        name: where it came from; a ``.json`` name allows JSON that YAML refuses.
        display: how a document path reads in problems (dotted by default).

    Raises:
        SourceError: the text is not well-formed; each problem has a line.
    """
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        line, column = _line_column(text, exc.start)
        message = "the document contains a character that is not valid Unicode text"
        raise SourceError([Problem("", message, line, column, code="syntax")]) from None
    if size > MAX_SOURCE_BYTES:
        raise SourceError(
            [Problem("", f"the document is larger than {MAX_SOURCE_BYTES:,} bytes", code="size")]
        )
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        if _is_json_with_tabs(text):
            # In valid JSON a tab stands only between tokens (strings escape theirs), so
            # spaces read the same, and YAML then gives every value its line.
            return parse(text.replace("\t", " "), name, display)
        if name is not None and name.endswith(".json"):
            return _parse_json(text, name)
        mark = exc.problem_mark or exc.context_mark
        at_line = mark.line + 1 if mark else None
        at_column = mark.column + 1 if mark else None
        reason = exc.problem or exc.context or "not valid YAML"
        message = f"the document is not valid YAML: {reason}"
        if ("{" in text or "[" in text) and "nesting" not in reason:
            message += (
                " (a value written inside {...} or [...] that contains a comma, a colon"
                " or a brace must be quoted)"
            )
        raise SourceError([Problem("", message, at_line, at_column, code="syntax")]) from None
    except yaml.reader.ReaderError as exc:
        line, column = _line_column(text, exc.position)
        code_point = exc.character if isinstance(exc.character, int) else ord(exc.character)
        message = (
            f"the document contains the character U+{code_point:04X}, "
            "which YAML does not allow; remove it or write it as an escape in a quoted text"
        )
        raise SourceError([Problem("", message, line, column, code="syntax")]) from None
    except yaml.YAMLError as exc:
        message = f"the document is not valid YAML: {exc}"
        raise SourceError([Problem("", message, code="syntax")]) from None
    source = Source(None, name=name)
    if node is None:
        return source
    builder = _Builder(source, display or _dotted)
    source.data = builder.build(node, ())
    if builder.problems:
        raise SourceError(builder.problems)
    return source


def _is_json_with_tabs(text: str) -> bool:
    if "\t" not in text or not text.lstrip().startswith(("{", "[")):
        return False
    try:
        json.loads(text, parse_int=str, parse_float=str, parse_constant=str)
    except (ValueError, RecursionError):
        return False
    return True


def _line_column(text: str, index: int) -> tuple[int, int]:
    """The 1-based (line, column) of a character index of ``text``."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


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

    too_large: list[str] = []

    def number(text: str) -> Any:
        why = number_problem(text)
        if why is not None:
            too_large.append(why)
            return text
        return int(text) if _INT.match(text) else Decimal(text)

    try:
        data = json.loads(
            text,
            object_pairs_hook=pairs,
            parse_float=number,
            parse_int=number,
            parse_constant=lambda name: name,  # NaN and Infinity are not numbers of ours
        )
    except json.JSONDecodeError as exc:
        message = f"the document is not valid JSON: {exc.msg}"
        raise SourceError([Problem("", message, exc.lineno, exc.colno, code="syntax")]) from None
    except RecursionError:
        message = "the document is not valid JSON: it is nested too deeply"
        raise SourceError([Problem("", message, code="syntax")]) from None
    if too_large:
        raise SourceError([Problem("", why, code="number") for why in too_large])
    if _depth(data) > MAX_DEPTH:
        message = f"the document is nested more than {MAX_DEPTH} levels deep"
        raise SourceError([Problem("", message, code="size")])
    if duplicates:
        raise SourceError(
            [Problem("", f"the key {k!r} is written twice", code="duplicate") for k in duplicates]
        )
    return Source(data, name=name)


def _depth(data: Any) -> int:
    """How deeply lists and mappings nest in ``data`` (without recursion)."""
    deepest = 0
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return deepest


class _Builder:
    def __init__(self, source: Source, display: Callable[[Path], str]) -> None:
        self.source = source
        self.display = display
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
        if len(path) > MAX_DEPTH:
            message = f"the document is nested more than {MAX_DEPTH} levels deep"
            raise SourceError([Problem("", message, mark.line + 1, mark.column + 1, code="size")])
        self.source.positions.setdefault(path, (mark.line + 1, mark.column + 1))
        if id(node) in self.active:
            raise SourceError(
                [
                    Problem(
                        self.display(path), "an alias refers to itself", mark.line + 1, code="alias"
                    )
                ]
            )
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
            assert isinstance(node, yaml.MappingNode)
            return self.mapping(node, path)
        finally:
            self.active.discard(id(node))

    def mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merged_keys: set[str] = set()  # an explicit key overrides a merged one, in any order
        for key_node, value_node in node.value:
            mark = key_node.start_mark
            if key_node.tag == "tag:yaml.org,2002:merge":
                merged = self.build(value_node, path)
                items = merged if isinstance(merged, list) else [merged]
                if not all(isinstance(item, dict) for item in items):
                    self.problems.append(
                        Problem(
                            self.display(path),
                            "a merge key '<<' takes a mapping or a list of mappings",
                            mark.line + 1,
                            mark.column + 1,
                            code="key",
                        )
                    )
                for item in items:
                    if isinstance(item, dict):
                        for key, value in item.items():
                            if key not in result:
                                result[key] = value
                                merged_keys.add(key)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(
                    Problem(
                        self.display(path),
                        "a key must be a plain name, not a list or a mapping",
                        mark.line + 1,
                        mark.column + 1,
                        code="key",
                    )
                )
                continue
            # Keys are names, read as written: '1:', 'true:' and 'null:' are the texts
            # '1', 'true' and 'null', exactly as JSON keys are always text.
            key = key_node.value
            if key in result and key not in merged_keys:
                self.problems.append(
                    Problem(
                        self.display(path),
                        f"the key {key!r} is written twice",
                        mark.line + 1,
                        mark.column + 1,
                        code="duplicate",
                    )
                )
                continue
            merged_keys.discard(key)
            key_path = (*path, key)
            result[key] = self.build(value_node, key_path)
            self.source.positions[key_path] = (mark.line + 1, mark.column + 1)
        return result

    def scalar(self, node: yaml.ScalarNode, path: Path) -> Any:
        text = node.value
        # The C composer marks plain scalars with style "" and the Python one with None.
        if node.style or node.tag != _implicit_tag(text):
            # Quoted, block or explicitly tagged scalars stay text.
            return text
        if text in _NULL:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        number = _NUMBER.match(text) is not None
        if number and (why := number_problem(text)) is not None:
            mark = node.start_mark
            self.problems.append(
                Problem(self.display(path), why, mark.line + 1, mark.column + 1, code="number")
            )
            return text
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


def number_problem(text: str) -> str | None:
    """Why a number as written is too large to be read, or None when it is fine.

    Python refuses to read integers of more than 4,300 digits, and a decimal with
    a huge exponent overflows the first computation that touches it; both are
    refused here, where the document can still say where they are.
    """
    digits = text.lstrip("+-")
    if len(digits) > MAX_NUMBER_CHARS:
        return f"the number {text[:20]}... has more than {MAX_NUMBER_CHARS} characters"
    _, _, exponent = digits.lower().replace("_", "").partition("e")
    if exponent and abs(int(exponent)) > MAX_EXPONENT:
        return f"the number {text} is too large or too small; exponents go up to {MAX_EXPONENT}"
    return None


def _dotted(path: Path) -> str:
    text = ""
    for segment in path:
        if isinstance(segment, int):
            text += f"[{segment}]"
        else:
            text += f".{segment}" if text else str(segment)
    return text
