"""Property-based tests: whatever the input, a Definition or a DefinitionError, nothing else."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openpas.errors import DefinitionError
from openpas.model import Definition, load_text

VALID = (Path(__file__).parent / "data" / "valid_process.yaml").read_text(encoding="utf-8")

FAST = settings(
    max_examples=int(os.environ.get("OPENPAS_FUZZ_EXAMPLES", "250")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

KEYS = [
    "process", "start", "states", "tasks", "work items", "types", "variables", "inputs",
    "outputs", "actions", "assign", "decision", "if", "yes", "no", "select", "on", "cases",
    "default", "loop", "over", "item", "times", "while", "do", "index", "test", "run task",
    "task", "exits", "end task", "change state", "state", "end process", "type", "initial",
    "required", "min", "max", "pattern", "choices", "base", "details", "pages", "controls",
    "buttons", "field", "text", "name", "next page", "read only", "direction", "control",
    "columns", "timezone", "format", "A", "B", "Status", "Total", "Items", "list<string>",
    "integer", "1", "<<",
]  # fmt: skip

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.decimals(allow_nan=False, allow_infinity=False, places=3),
    st.sampled_from(KEYS),
    st.sampled_from(["=Total + 1", "=", "=(", "Total > 1", "1.5", "yes", "2m", "~", "*x"]),
    st.text(max_size=12),
)


def _tree() -> st.SearchStrategy[Any]:
    return st.recursive(
        SCALARS,
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(st.sampled_from(KEYS), children, max_size=5),
        ),
        max_leaves=40,
    )


def _plain(value: Any) -> Any:
    """Data YAML and JSON can write (decimals as text numbers)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def assert_loads_or_explains(text: str, name: str = "fuzz.yaml") -> None:
    """The property: a Definition, or a DefinitionError whose problems are sentences."""
    try:
        result = load_text(text, name)
    except DefinitionError as exc:
        assert exc.problems, "a DefinitionError without problems"
        for problem in exc.problems:
            assert isinstance(problem.message, str)
            assert problem.message.strip(), f"an empty message at {problem.path!r}"
            assert "Traceback" not in problem.message
            assert problem.line is None or problem.line >= 1
            assert isinstance(problem.path, str)
        return
    assert isinstance(result, Definition)


@FAST
@given(st.text(max_size=300))
def test_random_text(text: str) -> None:
    assert_loads_or_explains(text)


@FAST
@given(st.text(alphabet="{}[]:,-#&*!|>'\"\n\t ?%@`abc=<1.", max_size=200))
def test_random_yaml_punctuation(text: str) -> None:
    assert_loads_or_explains(text)


@FAST
@given(_tree())
def test_random_yaml_data(data: Any) -> None:
    text = yaml.safe_dump(_plain(data), allow_unicode=True, sort_keys=False)
    assert_loads_or_explains(text)


@FAST
@given(st.dictionaries(st.sampled_from(KEYS), _tree(), max_size=8))
def test_random_json_mappings(data: dict[str, Any]) -> None:
    text = json.dumps(_plain(data), indent="\t")
    assert_loads_or_explains(text, "fuzz.json")


@FAST
@given(
    st.fixed_dictionaries(
        {
            "process": st.sampled_from(["P", "Car Loan", "p", 1]),
            "start": st.sampled_from(["A", "B", 1]),
        },
        optional={
            "variables": st.dictionaries(st.sampled_from(KEYS), _tree(), max_size=4),
            "types": st.dictionaries(st.sampled_from(KEYS), _tree(), max_size=3),
            "states": st.dictionaries(
                st.sampled_from(["A", "B", "c", "1"]),
                st.fixed_dictionaries({"actions": st.lists(_tree(), max_size=4)}),
                max_size=3,
            ),
            "tasks": st.dictionaries(st.sampled_from(["T", "U"]), _tree(), max_size=2),
            "work items": st.dictionaries(st.sampled_from(["W", "X"]), _tree(), max_size=2),
        },
    )
)
def test_random_process_shaped_data(data: dict[str, Any]) -> None:
    text = yaml.safe_dump(_plain(data), allow_unicode=True, sort_keys=False)
    assert_loads_or_explains(text)


# ------------------------------------------------------------------ mutations of a valid one


def _mutate(data: Any, path: list[Any], operation: str, replacement: Any) -> Any:
    """A copy of ``data`` with one operation applied at the node ``path`` leads to."""
    if not path:
        return _apply(data, operation, replacement)
    head, *rest = path
    if isinstance(data, dict):
        keys = list(data)
        key = keys[head % len(keys)] if keys else None
        if key is None:
            return _apply(data, operation, replacement)
        copy = dict(data)
        copy[key] = _mutate(data[key], rest, operation, replacement)
        return copy
    if isinstance(data, list) and data:
        index = head % len(data)
        copy_list = list(data)
        copy_list[index] = _mutate(data[index], rest, operation, replacement)
        return copy_list
    return _apply(data, operation, replacement)


def _apply(node: Any, operation: str, replacement: Any) -> Any:
    if isinstance(node, dict) and node:
        key = next(iter(node))
        if operation == "delete":
            return {k: v for k, v in node.items() if k != key}
        if operation == "rename":
            renamed = f"{key}x" if isinstance(replacement, str) else str(replacement)
            return {(renamed if k == key else k): v for k, v in node.items()}
    if isinstance(node, list) and node:
        if operation == "delete":
            return node[1:]
        if operation == "duplicate":
            return [node[0], *node]
    return replacement


@FAST
@given(
    st.lists(st.integers(min_value=0, max_value=50), max_size=8),
    st.sampled_from(["delete", "rename", "duplicate", "replace"]),
    SCALARS
    | st.lists(SCALARS, max_size=2)
    | st.dictionaries(st.sampled_from(KEYS), SCALARS, max_size=2),
)
def test_mutations_of_a_valid_document(path: list[int], operation: str, replacement: Any) -> None:
    data = yaml.safe_load(VALID)
    mutated = _mutate(data, path, operation, replacement)
    text = yaml.safe_dump(_plain(mutated), allow_unicode=True, sort_keys=False)
    assert_loads_or_explains(text)


@FAST
@given(st.integers(min_value=0, max_value=len(VALID)))
def test_truncated_valid_document(cut: int) -> None:
    assert_loads_or_explains(VALID[:cut])


@FAST
@given(st.integers(min_value=0, max_value=len(VALID) - 1), st.text(min_size=1, max_size=3))
def test_valid_document_with_text_inserted(position: int, inserted: str) -> None:
    assert_loads_or_explains(VALID[:position] + inserted + VALID[position:])
