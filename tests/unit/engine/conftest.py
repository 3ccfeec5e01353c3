"""Helpers for engine tests: load an inline document, launch a flow, run it, round-trip it."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from openpas.engine import interpreter
from openpas.engine import position as positions
from openpas.engine.interpreter import Step
from openpas.engine.launch import launch
from openpas.engine.position import Position, Status
from openpas.engine.program import Program
from openpas.engine.runtime import Facts
from openpas.errors import DefinitionError
from openpas.model import Definition, load_text

NOW = dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
"""The time of every step, unless a test moves it."""


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def load(text: str, name: str = "test.yaml") -> Definition:
    """Load an inline document (dedented); fail the test with its problems if it is invalid."""
    try:
        return load_text(dedent(text), name)
    except DefinitionError as exc:
        listed = "\n".join(p.describe(name) for p in exc.problems)
        pytest.fail(f"expected a valid document, got:\n{listed}")


def facts(definition: Definition, now: dt.datetime = NOW) -> Facts:
    return Facts(1, definition.name, 1, "ann", now)


def roundtrip(position: Position, definition: Definition) -> Position:
    """The position as a server would store and restore it: through JSON text."""
    return positions.load(json.loads(json.dumps(positions.dump(position, definition))), definition)


@dataclass
class Flow:
    """One flow of an inline document, driven step by step as a server would."""

    definition: Definition
    position: Position
    program: Program
    now: dt.datetime = NOW
    steps: list[Step] = field(default_factory=list)

    @property
    def status(self) -> Status:
        return self.position.status

    @property
    def variables(self) -> dict[str, Any]:
        return self.position.variables

    @property
    def error(self) -> str | None:
        return self.position.error

    @property
    def effects(self) -> list[Any]:
        return [effect for step in self.steps for effect in step.effects]

    @property
    def trace(self) -> list[tuple[str, str, str]]:
        return [entry for step in self.steps for entry in step.trace]

    def run(self, budget: int = interpreter.DEFAULT_BUDGET) -> Flow:
        """Advance until the flow stops running (or one call of ``budget`` actions)."""
        facts_ = facts(self.definition, self.now)
        while self.position.status is Status.RUNNING:
            self.steps.append(
                interpreter.advance(self.program, self.position, facts_, self.now, budget)
            )
        return self

    def deliver(self, key: str, **event: Any) -> bool:
        facts_ = facts(self.definition, self.now)
        return interpreter.deliver(self.program, self.position, facts_, self.now, key, event)


def start(
    text: str | Definition, inputs: Mapping[str, Any] | None = None, now: dt.datetime = NOW
) -> Flow:
    """Launch a flow of a document (not yet run)."""
    definition = text if isinstance(text, Definition) else load(text)
    program = Program(definition)
    position = launch(program, inputs or {}, facts(definition, now), now)
    return Flow(definition, position, program, now)


def run(text: str | Definition, inputs: Mapping[str, Any] | None = None) -> Flow:
    """Launch a flow and run it until it completes, fails or waits."""
    return start(text, inputs).run()
