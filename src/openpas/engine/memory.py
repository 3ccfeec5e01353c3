"""Running a flow entirely in memory, without storage (``openpas run``, tests)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from openpas.engine.interpreter import advance
from openpas.engine.launch import launch
from openpas.engine.position import Position, Status
from openpas.engine.program import Program
from openpas.engine.runtime import Facts
from openpas.errors import FlowError
from openpas.model.definition import Definition

MAX_ACTIONS = 1_000_000
"""An in-memory run stops with an error after this many actions."""


def run_in_memory(
    definition: Definition,
    inputs: Mapping[str, Any],
    *,
    originator: str = "openpas",
    clock: Callable[[], dt.datetime] | None = None,
    max_actions: int = MAX_ACTIONS,
    test: bool = True,
) -> Position:
    """Launch a flow and run it until it completes, fails, or must wait.

    Raises:
        InputError: the launch inputs are not valid.
    """
    now = clock or (lambda: dt.datetime.now(dt.UTC))
    started = now()
    facts = Facts(1, definition.name, 1, originator, started, test)
    program = Program(definition)
    position = launch(program, inputs, facts, started)
    while position.status is Status.RUNNING:
        if position.steps >= max_actions:
            position.status = Status.ERROR
            position.error = (
                f"the flow ran {max_actions:,} actions without waiting or ending; "
                "is there a loop whose condition never becomes false?"
            )
            break
        advance(program, position, facts, now(), budget=min(10_000, max_actions))
    return position


def describe_wait(position: Position) -> str:
    """Why a flow stopped short of completing, for people."""
    if position.status is Status.WAITING and position.wait is not None:
        return f"the flow waits for a {position.wait.kind} ({position.wait.key})"
    if position.error:
        return position.error
    raise FlowError(f"the flow is {position.status.value}")
