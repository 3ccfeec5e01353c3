"""The whole execution position of a flow, as data.

Nothing about a flow lives only in memory: its variables, its stack of
frames (the state, the tasks it called), the block and action each frame is
at, loop counters, and what it waits for. A position round-trips through JSON
(:func:`dump`, :func:`load`) so it can be stored between any two steps.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from openpas.expr import values
from openpas.model.definition import Definition

BlockPath = tuple[str | int, ...]
"""A block inside a state's or task's actions: ``()`` for the actions themselves,
``(2, "yes")`` for the yes-block of action 2, ``(2, "yes", 0, "do")`` deeper."""

POSITION_FORMAT = 1


class Status(enum.Enum):
    """The life of a flow."""

    QUEUED = "queued"
    """Accepted, not started yet (the server was overloaded or restoring)."""
    RUNNING = "running"
    """Runnable: the engine has actions to run now."""
    WAITING = "waiting"
    """Waiting for a person, a timer, a subprocess or an outside call."""
    COMPLETED = "completed"
    """Ended by End Process."""
    CANCELLED = "cancelled"
    """Stopped by a person; the reason and who are recorded."""
    ERROR = "error"
    """Stopped by an error; a manager may retry or skip the failed action."""
    RESTORED_IN_ERROR = "restored-in-error"
    """An outside call was in flight when the server stopped; a manager decides."""
    PROPAGATED_ERROR = "propagated-error"
    """A subprocess failed and its error surfaced here."""

    @property
    def is_final(self) -> bool:
        return self in (Status.COMPLETED, Status.CANCELLED)


@dataclass
class Loop:
    """The progress of a loop whose body a cursor runs."""

    mode: str
    passes: int = 0
    """Passes started so far."""
    items: list[Any] | None = None
    """For loops over a collection: the items (encoded as stored), taken when the loop started."""
    count: int | None = None
    """For counted loops: how many passes."""


@dataclass
class Cursor:
    """Where a frame is in one block: the next action to run."""

    block: BlockPath
    index: int = 0
    loop: Loop | None = None


@dataclass
class Frame:
    """A state, or a task called by Run Task, with its local variables."""

    kind: str
    """``state`` or ``task``."""
    name: str
    locals: dict[str, Any]
    cursors: list[Cursor]
    caller: BlockPath | None = None
    """For tasks: the Run Task action in the frame below (its block path plus its index)."""

    @property
    def cursor(self) -> Cursor:
        return self.cursors[-1]


@dataclass
class Wait:
    """What a waiting flow waits for."""

    kind: str
    """``timer``, ``work item``, ``call``, ``subprocess``..."""
    key: str
    """The id of the timer, work item, call or subprocess."""
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Position:
    """A flow's complete position."""

    status: Status
    variables: dict[str, Any]
    frames: list[Frame]
    wait: Wait | None = None
    error: str | None = None
    steps: int = 0
    """Actions run so far."""

    @property
    def frame(self) -> Frame:
        return self.frames[-1]

    @property
    def state(self) -> str | None:
        return self.frames[0].name if self.frames else None


# ---------------------------------------------------------------------- JSON


def dump(position: Position, definition: Definition) -> dict[str, Any]:
    """A JSON-compatible form of ``position``; values encoded by their declared types."""
    return {
        "format": POSITION_FORMAT,
        "status": position.status.value,
        "variables": _encode_table(position.variables, definition.variables),
        "frames": [_dump_frame(f, definition) for f in position.frames],
        "wait": None
        if position.wait is None
        else {"kind": position.wait.kind, "key": position.wait.key, "detail": position.wait.detail},
        "error": position.error,
        "steps": position.steps,
    }


def load(data: dict[str, Any], definition: Definition) -> Position:
    """The position :func:`dump` wrote."""
    if data.get("format") != POSITION_FORMAT:
        raise ValueError(f"unknown position format {data.get('format')!r}")
    wait = data.get("wait")
    return Position(
        status=Status(data["status"]),
        variables=_decode_table(data["variables"], definition.variables),
        frames=[_load_frame(f, definition) for f in data["frames"]],
        wait=None if wait is None else Wait(wait["kind"], wait["key"], dict(wait["detail"])),
        error=data.get("error"),
        steps=int(data.get("steps", 0)),
    )


def _encode_table(table: dict[str, Any], declared: Any) -> dict[str, Any]:
    return {n: values.encode(v, declared[n].type) for n, v in table.items() if n in declared}


def _decode_table(data: dict[str, Any], declared: Any) -> dict[str, Any]:
    result = dict.fromkeys(declared, values.NOT_SET)
    for name, raw in data.items():
        if name in declared:
            result[name] = values.decode(raw, declared[name].type)
    return result


def _dump_frame(frame: Frame, definition: Definition) -> dict[str, Any]:
    declared = definition.locals_of(frame.kind, frame.name)
    return {
        "kind": frame.kind,
        "name": frame.name,
        "locals": _encode_table(frame.locals, declared),
        "cursors": [_dump_cursor(c) for c in frame.cursors],
        "caller": list(frame.caller) if frame.caller is not None else None,
    }


def _load_frame(data: dict[str, Any], definition: Definition) -> Frame:
    declared = definition.locals_of(data["kind"], data["name"])
    caller = data.get("caller")
    return Frame(
        kind=data["kind"],
        name=data["name"],
        locals=_decode_table(data["locals"], declared),
        cursors=[_load_cursor(c) for c in data["cursors"]],
        caller=tuple(caller) if caller is not None else None,
    )


def _dump_cursor(cursor: Cursor) -> dict[str, Any]:
    loop = cursor.loop
    return {
        "block": list(cursor.block),
        "index": cursor.index,
        "loop": None
        if loop is None
        else {"mode": loop.mode, "passes": loop.passes, "items": loop.items, "count": loop.count},
    }


def _load_cursor(data: dict[str, Any]) -> Cursor:
    loop = data.get("loop")
    return Cursor(
        block=tuple(data["block"]),
        index=int(data["index"]),
        loop=None
        if loop is None
        else Loop(loop["mode"], int(loop["passes"]), loop.get("items"), loop.get("count")),
    )
