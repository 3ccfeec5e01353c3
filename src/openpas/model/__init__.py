"""Process definitions: the document format, its loading and its validation."""

from __future__ import annotations

from openpas.model.definition import Definition
from openpas.model.loader import load_file, load_spec, load_text
from openpas.model.process import ProcessSpec, StateSpec, TaskSpec

__all__ = [
    "Definition",
    "ProcessSpec",
    "StateSpec",
    "TaskSpec",
    "load_file",
    "load_spec",
    "load_text",
]
