"""The JSON Schema of process documents, for editors and other tools.

It is generated from :class:`~openpas.model.process.ProcessSpec`, then taught
the shorthands the loader accepts but pydantic cannot describe, since they are
expanded by before-validators:

- actions written as a bare string (``- end process``, ``- end task``);
- actions whose parameters are one scalar (``change state: Review``,
  ``end task: Unavailable``, ``run task: Check Credit``);
- variables and fields written as their type alone (``Name: string``);
- buttons written as a name, or as ``{Name: kind}``.

The schema checks the shape of a document only; ``openpas validate`` checks
everything else (names, types, expressions, reachability).
"""

from __future__ import annotations

import copy
from typing import Any

from openpas.model.actions import base, kinds
from openpas.model.process import FORMAT, ProcessSpec

SCHEMA_ID = f"urn:openpas:schema:process-document:{FORMAT}"
"""The ``$id`` of the schema; it changes with the document format version."""

_SCALARS: list[dict[str, Any]] = [
    {"type": "string"},
    {"type": "number"},
    {"type": "boolean"},
]


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a process document, shorthands included."""
    schema = ProcessSpec.model_json_schema(by_alias=True)
    defs: dict[str, Any] = schema["$defs"]
    for kind, spec_class in kinds().items():
        _allow_action_shorthands(defs, kind, spec_class)
    _allow_type_shorthand(schema, "VariableDecl")
    _allow_type_shorthand(schema, "FieldDecl")
    # {base: ...} is a simple type; without base, the mapping lists a complex type's fields.
    defs["ComplexTypeDecl"]["not"] = {"required": ["base"]}
    defs["Page"]["properties"]["buttons"]["items"] = {
        "anyOf": [
            {"$ref": "#/$defs/Button"},
            {"type": "string", "description": "A submit button of this name."},
            {
                "type": "object",
                "description": "{Name: submit} or {Name: cancel}.",
                "minProperties": 1,
                "maxProperties": 1,
                "additionalProperties": {"enum": ["submit", "cancel", None]},
            },
        ]
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "openpas process document",
        "description": (
            "A business process for openpas: typed variables, states, tasks, actions and "
            "work items. See docs/process-format.md. Values are literals read by their "
            "declared type unless they start with '=', which makes them expressions."
        ),
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def _allow_action_shorthands(defs: dict[str, Any], kind: str, spec_class: type[Any]) -> None:
    node_name = base.node_class(kind).__name__
    node = defs[node_name]
    params = node["properties"][kind]
    alternatives = [params]
    if spec_class.scalar:
        alternatives += copy.deepcopy(_SCALARS)
    if spec_class.bare:
        alternatives.append({"type": "null"})
    if len(alternatives) > 1:
        node["properties"][kind] = {"anyOf": alternatives}
    if spec_class.bare:
        defs[node_name] = {
            "title": node.get("title", node_name),
            "description": node.get("description", ""),
            "anyOf": [
                {k: v for k, v in node.items() if k not in ("title", "description")},
                {"const": kind, "description": f"{kind!r} with no parameters."},
            ],
        }


def _allow_type_shorthand(node: Any, def_name: str) -> None:
    """Wherever a mapping's values are ``def_name``, let them be a type name too."""
    ref = {"$ref": f"#/$defs/{def_name}"}
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "additionalProperties" and value == ref:
                node[key] = {"anyOf": [ref, {"type": "string", "description": "The type alone."}]}
            else:
                _allow_type_shorthand(value, def_name)
    elif isinstance(node, list):
        for item in node:
            _allow_type_shorthand(item, def_name)
