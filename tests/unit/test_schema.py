"""The JSON Schema of documents: committed as generated, and true to every example."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from openpas.model.schema import json_schema
from openpas.model.source import parse

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "schema" / "openpas-process.schema.json"


def plain(path: Path) -> Any:
    """The document as an editor's YAML 1.2 reader sees it, in JSON types."""
    text = path.read_text(encoding="utf-8")
    return json.loads(json.dumps(parse(text, str(path)).data, default=str))


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_committed_schema_is_the_generated_one() -> None:
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert committed == json_schema(), (
        "schema/openpas-process.schema.json is out of date; regenerate it with "
        "`openpas schema -o schema/openpas-process.schema.json`"
    )


def test_the_schema_names_itself() -> None:
    schema = json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].startswith("urn:openpas:")
    assert schema["title"] == "openpas process document"
    assert "process" in schema["required"]


# examples/ also holds a directory file (examples/directory.yaml), which is no process.
PROCESS_EXAMPLES = sorted(
    p
    for p in (ROOT / "examples").rglob("*.yaml")
    if p.relative_to(ROOT).as_posix() != "examples/directory.yaml"
)


@pytest.mark.parametrize("path", PROCESS_EXAMPLES, ids=lambda p: p.name)
def test_every_example_validates(path: Path, validator: jsonschema.Draft202012Validator) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(plain(path))]
    assert errors == []


MINIMAL: dict[str, Any] = {
    "process": "P",
    "start": "A",
    "types": {"Zip": {"base": "string", "pattern": "^[0-9]{5}$"}, "Car": {"Make": "string"}},
    "variables": {"N": "integer", "S": {"type": "string", "initial": "x"}},
    "states": {
        "A": {
            "actions": [
                {"run task": "T"},
                {"change state": "B"},
            ]
        },
        "B": {"actions": ["end process"]},
    },
    "tasks": {"T": {"actions": [{"end task": "Unavailable"}, "end task"]}},
}


def test_shorthands_validate(validator: jsonschema.Draft202012Validator) -> None:
    assert list(validator.iter_errors(MINIMAL)) == []


@pytest.mark.parametrize(
    "change",
    [
        {"statez": {}},  # an unknown key
        {"states": {"A": {"actions": ["end everything"]}}},  # an unknown bare action
        {"states": {"A": {"actions": [{"decision": {"if": "true", "maybe": []}}]}}},
        {"variables": {"N": {"type": "integer", "colour": "red"}}},
        {"types": {"Zip": {"base": "string", "colour": "red"}}},
    ],
)
def test_wrong_shapes_are_refused(
    change: dict[str, Any], validator: jsonschema.Draft202012Validator
) -> None:
    assert not validator.is_valid({**MINIMAL, **change})
