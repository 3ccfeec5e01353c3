"""The interpreter: runs a flow's actions until it must wait or it ends.

It does no I/O. Given a position, the facts of the flow and the time of the
step, :func:`advance` runs actions and moves the position; what the outside
world must do (open a work item, start a timer, call a service) comes back as
effects. An action that fails puts the flow in error with the cursor still on
it, so a manager can retry it (run it again) or skip it (take its exit).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from openpas.engine.actions.base import (
    Call,
    Enter,
    Finish,
    Goto,
    Next,
    Outcome,
    Return,
    Suspend,
)
from openpas.engine.actions.loop import LoopExecutor
from openpas.engine.actions.run_task import RunTaskExecutor
from openpas.engine.position import Cursor, Frame, Position, Status, Wait
from openpas.engine.program import Program
from openpas.engine.runtime import Facts, Runtime, checked, initial_values
from openpas.errors import EvaluationError, FlowError
from openpas.model.problems import display_path

MAX_TASK_DEPTH = 100
"""Run Task nesting beyond this is an error (a task calling itself without end)."""
DEFAULT_BUDGET = 10_000
"""Actions one call of :func:`advance` runs before it yields, so one flow cannot hog a worker."""


@dataclass
class Step:
    """What one call of :func:`advance` did."""

    actions: int = 0
    effects: list[Any] = field(default_factory=list)
    trace: list[tuple[str, str, str]] = field(default_factory=list)
    """(place, action kind, outcome) of every action run, for the flow's history."""


def enter_state(
    program: Program,
    position: Position,
    name: str,
    inputs: dict[str, Any],
    facts: Facts,
    now: dt.datetime,
) -> None:
    """Replace the frames with a fresh frame of state ``name``.

    The position is changed only once the state's variables are all set, so an
    input that breaks a rule leaves the flow where it was.
    """
    position.frames = [_new_frame(program, position, "state", name, inputs, facts, now)]


def advance(
    program: Program,
    position: Position,
    facts: Facts,
    now: dt.datetime,
    budget: int = DEFAULT_BUDGET,
) -> Step:
    """Run the flow until it waits, ends, fails, or has run ``budget`` actions.

    The position is changed in place. A flow that is not RUNNING is left alone.
    """
    step = Step()
    zone = program.definition.zone
    while position.status is Status.RUNNING and step.actions < budget:
        frame = position.frame
        cursor = frame.cursor
        block = program.block(frame.kind, frame.name, cursor.block)
        runtime = Runtime(
            position.variables, frame.locals, facts, position.state, now, zone, position.steps
        )
        try:
            if cursor.index >= len(block):
                _end_of_block(program, position, frame, runtime)
                continue
            executor = program.executor(frame.kind, frame.name, cursor.block, cursor.index)
            step.actions += 1
            position.steps += 1
            where = place(program, position)
            if isinstance(executor, LoopExecutor):
                step.trace.append((where, executor.kind, ""))
                state = executor.start(runtime)
                # The cursor moves only once the first pass is prepared: if preparing it
                # fails, the flow stops on the loop and a retry starts the loop again.
                first = executor.repeat(runtime, state, first=True)
                cursor.index += 1
                if first:
                    body = (*cursor.block, cursor.index - 1, "do")
                    frame.cursors.append(Cursor(body, 0, state))
                continue
            outcome = executor.run(runtime)
            step.trace.append((where, executor.kind, _label(outcome)))
            _apply(program, position, outcome, facts, now, step)
        except (EvaluationError, FlowError) as exc:
            position.status = Status.ERROR
            position.error = f"{place(program, position)}: {exc.message}"
    return step


def _label(outcome: Outcome) -> str:
    if isinstance(outcome, Enter):
        return outcome.block
    if isinstance(outcome, Call):
        return outcome.task
    if isinstance(outcome, Return):
        return outcome.exit
    if isinstance(outcome, Goto):
        return outcome.state
    if isinstance(outcome, Suspend):
        return f"waits for {outcome.kind}"
    if isinstance(outcome, Finish):
        return "completed"
    return ""


def _apply(
    program: Program,
    position: Position,
    outcome: Outcome,
    facts: Facts,
    now: dt.datetime,
    step: Step,
) -> None:
    frame = position.frame
    cursor = frame.cursor
    if isinstance(outcome, Next):
        cursor.index += 1
        step.effects.extend(outcome.effects)
    elif isinstance(outcome, Enter):
        cursor.index += 1
        _push_block(program, frame, (*cursor.block, cursor.index - 1, outcome.block))
    elif isinstance(outcome, Call):
        if sum(1 for f in position.frames if f.kind == "task") >= MAX_TASK_DEPTH:
            raise FlowError(f"tasks are nested more than {MAX_TASK_DEPTH} deep")
        callee = _new_frame(program, position, "task", outcome.task, outcome.inputs, facts, now)
        callee.caller = (*cursor.block, cursor.index)
        cursor.index += 1
        position.frames.append(callee)
    elif isinstance(outcome, Return):
        _return(program, position, outcome.exit, facts, now)
    elif isinstance(outcome, Goto):
        enter_state(program, position, outcome.state, outcome.inputs, facts, now)
    elif isinstance(outcome, Finish):
        position.status = Status.COMPLETED
        position.wait = None
    elif isinstance(outcome, Suspend):
        position.status = Status.WAITING
        position.wait = Wait(outcome.kind, outcome.key, dict(outcome.detail))
        step.effects.extend(outcome.effects)
    else:  # pragma: no cover - every outcome is handled above
        raise FlowError(f"unknown outcome {outcome!r}")


def deliver(
    program: Program,
    position: Position,
    facts: Facts,
    now: dt.datetime,
    key: str,
    event: dict[str, Any],
) -> bool:
    """What a waiting flow waited for happened: take the action's exit for it.

    ``event`` carries ``exit`` and, for calls and subprocesses, ``outputs``.
    Returns False (and changes nothing) when the flow does not wait on ``key``:
    a late timer or a duplicate reply is ignored, never applied twice.
    """
    if position.wait is None or position.wait.key != key:
        return False
    frame = position.frame
    cursor = frame.cursor
    executor = program.executor(frame.kind, frame.name, cursor.block, cursor.index)
    zone = program.definition.zone
    runtime = Runtime(
        position.variables, frame.locals, facts, position.state, now, zone, position.steps
    )
    try:
        exit_name = executor.complete(runtime, event)
    except (EvaluationError, FlowError) as exc:
        position.status = Status.ERROR
        position.error = f"{place(program, position)}: {exc.message}"
        return True
    resume(program, position, exit_name)
    return True


def retry(position: Position) -> None:
    """Run the action the flow stopped at again (after an error or a restore in error)."""
    position.status = Status.RUNNING
    position.error = None
    position.wait = None


def skip(program: Program, position: Position, exit_name: str | None = None) -> str:
    """Continue after the action the flow stopped at, as if it had ended on ``exit_name``.

    Without an exit name, the action's first exit is taken (``success`` for
    handlers, ``yes`` for a decision); returns the exit taken.
    """
    frame = position.frame
    cursor = frame.cursor
    block = program.block(frame.kind, frame.name, cursor.block)
    exits = list(block[cursor.index].spec.exits(None)) if cursor.index < len(block) else []
    chosen = exit_name if exit_name is not None else (exits[0] if exits else "done")
    if exit_name is not None and exit_name not in exits:
        listed = f"its exits: {', '.join(exits)}" if exits else "it has no named exits"
        raise FlowError(f"the action has no exit {exit_name!r}; {listed}")
    if cursor.index >= len(block):
        # Stopped between two passes of a loop (its condition or next item failed):
        # skipping the loop leaves it.
        if cursor.loop is not None:
            frame.cursors.pop()
        position.wait = None
        position.error = None
        position.status = Status.RUNNING
        return chosen
    resume(program, position, chosen)
    return chosen


def cancel(position: Position, reason: str) -> None:
    """Stop the flow for good."""
    position.status = Status.CANCELLED
    position.wait = None
    position.error = reason


def resume(program: Program, position: Position, exit_name: str) -> None:
    """Continue a waiting (or failed) flow on ``exit_name`` of the action it is at."""
    frame = position.frame
    cursor = frame.cursor
    cursor.index += 1
    position.wait = None
    position.error = None
    position.status = Status.RUNNING
    _push_block(program, frame, (*cursor.block, cursor.index - 1, exit_name))


def _push_block(program: Program, frame: Frame, path: tuple[str | int, ...]) -> None:
    if program.block(frame.kind, frame.name, path):
        frame.cursors.append(Cursor(path))


def _end_of_block(program: Program, position: Position, frame: Frame, runtime: Runtime) -> None:
    cursor = frame.cursor
    if cursor.loop is not None:
        loop_path = cursor.block[:-2]
        index = cursor.block[-2]
        assert isinstance(index, int)
        executor = program.executor(frame.kind, frame.name, loop_path, index)
        assert isinstance(executor, LoopExecutor)
        if executor.repeat(runtime, cursor.loop):
            cursor.index = 0
            return
    if len(frame.cursors) > 1:
        frame.cursors.pop()
        return
    if frame.kind == "button":  # a button's actions simply run out
        position.status = Status.COMPLETED
        return
    # Validation makes every path end explicitly; reaching here means a bug, not bad input.
    raise FlowError(f"the {frame.kind} {frame.name!r} ran out of actions")


def _return(
    program: Program, position: Position, exit_name: str, facts: Facts, now: dt.datetime
) -> None:
    # The outputs are copied before the task's frame goes: if one breaks a rule of the
    # caller's variable, the flow stops on the End Task, where a retry returns again.
    callee = position.frames[-1]
    caller = position.frames[-2]
    assert callee.caller is not None
    call_block, call_index = callee.caller[:-1], callee.caller[-1]
    assert isinstance(call_index, int)
    executor = program.executor(caller.kind, caller.name, call_block, call_index)
    assert isinstance(executor, RunTaskExecutor)
    zone = program.definition.zone
    runtime = Runtime(position.variables, caller.locals, facts, position.state, now, zone)
    executor.returned(callee.locals, runtime)
    position.frames.pop()
    _push_block(program, caller, (*callee.caller, exit_name))


def _new_frame(
    program: Program,
    position: Position,
    kind: str,
    name: str,
    inputs: dict[str, Any],
    facts: Facts,
    now: dt.datetime,
) -> Frame:
    """A frame of a state or task with its variables set: inputs checked, initial values."""
    definition = program.definition
    declared = definition.locals_of(kind, name)
    checked_inputs = {
        input_name: checked(declared[input_name], value, f"{kind} {name!r} input {input_name}")
        for input_name, value in inputs.items()
    }
    local = initial_values(declared, definition.zone, checked_inputs)
    compiler = program.compiler(kind, name)
    state = name if kind == "state" else position.state
    runtime = Runtime(position.variables, local, facts, state, now, definition.zone)
    for var_name, variable in declared.items():
        raw = variable.decl.initial
        if var_name not in inputs and isinstance(raw, str) and raw.startswith("="):
            local[var_name] = checked(
                variable, compiler.expression(raw, variable.type)(runtime), f"Local.{var_name}"
            )
    return Frame(kind, name, local, [Cursor(())])


def place(program: Program, position: Position) -> str:
    """Where the flow is, for people: ``state 'Review', actions[2].yes[0]``."""
    if not position.frames:
        return "the flow"
    frame = position.frame
    cursor = frame.cursor
    segments: list[str | int] = [frame.kind + "s", frame.name, "actions"]
    block_path, at = cursor.block, cursor.index
    if cursor.loop is not None and at >= len(program.block(frame.kind, frame.name, block_path)):
        # Between two passes the loop itself runs (its condition, its next item).
        block_path, loop_index = block_path[:-2], block_path[-2]
        assert isinstance(loop_index, int)
        at = loop_index
    for offset in range(0, len(block_path), 2):
        index, name = block_path[offset], block_path[offset + 1]
        assert isinstance(index, int) and isinstance(name, str)
        node = program.block(frame.kind, frame.name, block_path[:offset])[index]
        segments += [index, node.kind, *node.spec.block_path(name)]
    segments.append(at)
    return f"{frame.kind} {frame.name!r}, {display_path(tuple(segments[2:]))}"
