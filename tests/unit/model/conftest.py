"""Helpers for process document tests: load a text, get its problems."""

from __future__ import annotations

import textwrap

import pytest

from openpas.errors import DefinitionError, Problem
from openpas.model import Definition, load_text


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def load(text: str, name: str = "test.yaml") -> Definition:
    """Load an inline document (dedented); fail the test with its problems if it is invalid."""
    try:
        return load_text(dedent(text), name)
    except DefinitionError as exc:
        listed = "\n".join(p.describe(name) for p in exc.problems)
        pytest.fail(f"expected a valid document, got:\n{listed}")


def problems(text: str, name: str = "test.yaml") -> list[Problem]:
    """The problems of an inline document (dedented) that must be invalid."""
    with pytest.raises(DefinitionError) as caught:
        load_text(dedent(text), name)
    found = list(caught.value.problems)
    assert found, "a DefinitionError must carry at least one problem"
    return found


def only(text: str, name: str = "test.yaml") -> Problem:
    """The one problem of an inline document."""
    found = problems(text, name)
    assert len(found) == 1, "expected one problem, got:\n" + "\n".join(p.describe() for p in found)
    return found[0]


def at(found: list[Problem], path: str) -> Problem:
    """The problem reported at ``path``."""
    matches = [p for p in found if p.path == path]
    assert matches, f"no problem at {path!r}; got:\n" + "\n".join(p.describe() for p in found)
    return matches[0]
