"""Flows as people and programs handle them: launch, cancel, retry, skip, notes, details."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from openpas.engine import interpreter
from openpas.engine import position as positions
from openpas.engine.launch import launch as launch_position
from openpas.engine.launch import parse_inputs
from openpas.engine.position import Position, Status
from openpas.engine.program import Program
from openpas.errors import FlowError, InputError, OpenpasError
from openpas.security import audit
from openpas.security.specifications import without_secured
from openpas.service.context import Context
from openpas.service.steps import after_status_change, change_of, facts_of
from openpas.store import definitions, flows, waits
from openpas.store.flows import FlowChange
from openpas.store.records import CallRecord, FlowRecord, HistoryRecord, VersionRecord

LAUNCH_MODES = ("production", "test")
REPAIRABLE = {Status.ERROR.value, Status.RESTORED_IN_ERROR.value, Status.PROPAGATED_ERROR.value}


class NotFound(OpenpasError):
    """No such flow or process."""


class NotAllowed(OpenpasError):
    """The operation does not apply to the flow as it is now."""


class LaunchBlocked(OpenpasError):
    """Launches wait until the server has restored its flows (PAS_blockLaunchDuringRestore)."""


@dataclass(frozen=True)
class FlowDetails:
    """Everything known about one flow."""

    record: FlowRecord
    position: Position
    program: Program
    history: list[HistoryRecord]
    calls: list[CallRecord]
    notes: list[dict[str, Any]]
    completion: dict[str, Any] | None


def launch(
    ctx: Context,
    process: str,
    inputs: Mapping[str, Any] | None = None,
    *,
    texts: Mapping[str, str] | None = None,
    originator: str,
    mode: str = "production",
    wait_for_restore: float = 60.0,
) -> int:
    """Start a flow of the active latest version of ``process``; its numeric id.

    ``inputs`` are typed values; ``texts`` are read by the declared types (as
    ``openpas launch --set`` gives them).

    Raises:
        NotFound: no such process. NotAllowed: it is deactivated.
        InputError: the inputs are not valid. LaunchBlocked: the restore takes too long.
    """
    values = dict(inputs or {})
    return launch_many(
        ctx,
        process,
        [values],
        texts=[texts or {}],
        originator=originator,
        mode=mode,
        wait_for_restore=wait_for_restore,
    )[0]


def launch_many(
    ctx: Context,
    process: str,
    inputs: Sequence[Mapping[str, Any]],
    *,
    texts: Sequence[Mapping[str, str]] | None = None,
    originator: str,
    mode: str = "production",
    wait_for_restore: float = 60.0,
) -> list[int]:
    """Start many flows of ``process`` in ONE transaction: all of them or none; their ids.

    Raises:
        as :func:`launch`; an InputError names the launch (``launch 3: ...``).
    """
    if mode not in LAUNCH_MODES:
        raise NotAllowed(f"launch mode {mode!r} is not production or test")
    if ctx.settings.block_launch_during_restore and not ctx.restored.wait(wait_for_restore):
        raise LaunchBlocked()
    now = ctx.clock()
    ids = []
    with ctx.db.begin() as conn:
        found = definitions.launchable(conn, process)
        if found is None:
            raise NotFound(f"no process named {process!r} is published")
        active, version = found
        if not active:
            raise NotAllowed(f"the process {process!r} is deactivated; activate it to launch")
        program = ctx.program(conn, version.id)
        for index, given in enumerate(inputs):
            values = dict(given)
            try:
                if texts and texts[index]:
                    values.update(parse_inputs(program.definition, texts[index]))
                ids.append(_launch_one(ctx, conn, program, version, values, originator, mode, now))
            except InputError as exc:
                # Raising rolls the whole transaction back: no flow is left behind.
                if len(inputs) == 1:
                    raise
                raise InputError(f"launch {index + 1}: {exc.message}") from None
    for flow_id in ids:
        ctx.publish_flow(flow_id, "launched", process=process)
    return ids


def _launch_one(
    ctx: Context,
    conn: Connection,
    program: Program,
    version: VersionRecord,
    values: dict[str, Any],
    originator: str,
    mode: str,
    now: dt.datetime,
) -> int:
    placeholder = FlowChange("queued", False, None, None, None, None, "", {})
    flow_id = flows.insert_flow(
        conn,
        version_id=version.id,
        process_name=program.definition.name,
        version=version.version,
        owner=ctx.storage_id,
        originator=originator,
        launch_mode=mode,
        change=placeholder,
        now=now,
    )
    record = flows.get(conn, flow_id)
    assert record is not None
    position = launch_position(program, values, facts_of(record), now)
    flows.save(conn, record, change_of(program, position), now)
    waits.add_event(conn, flow_id, now, "launched", f"by {originator} ({mode})")
    return flow_id


def _load(ctx: Context, conn: Connection, flow_id: int) -> tuple[FlowRecord, Program, Position]:
    found = flows.get_with_position(conn, flow_id)
    if found is None:
        raise NotFound(f"there is no flow #{flow_id}")
    record, data = found
    program = ctx.program(conn, record.version_id)
    return record, program, positions.load(data, program.definition)


def _save(
    ctx: Context,
    conn: Connection,
    record: FlowRecord,
    program: Program,
    position: Position,
    now: dt.datetime,
) -> None:
    if not flows.save(conn, record, change_of(program, position), now):
        raise NotAllowed(f"flow #{record.id} changed meanwhile; look at it again and retry")
    after_status_change(ctx, conn, record, program, position, now)


def cancel(ctx: Context, flow_id: int, reason: str, by: str) -> None:
    """Stop a flow for good, with the reason and who; its waiting subprocesses too."""
    if not reason.strip():
        raise NotAllowed("give a reason for cancelling the flow")
    now = ctx.clock()
    with ctx.db.begin() as conn:
        _cancel(ctx, conn, flow_id, reason, by, now)
        audit.record(conn, by, "flow.cancel", f"flow #{flow_id}", reason, at=now)
    ctx.publish_flow(flow_id, "cancelled")


def _cancel(
    ctx: Context, conn: Connection, flow_id: int, reason: str, by: str, now: dt.datetime
) -> None:
    record, program, position = _load(ctx, conn, flow_id)
    if Status(record.status).is_final:
        raise NotAllowed(f"flow #{flow_id} is already {record.status}")
    interpreter.cancel(position, reason)
    waits.delete_timers_of(conn, flow_id)
    if ctx.work is not None:
        ctx.work.cancel_items_of(conn, flow_id, now)
    if not flows.save(conn, record, change_of(program, position), now):
        raise NotAllowed(f"flow #{record.id} changed meanwhile; look at it again and retry")
    flows.record_completion(conn, flow_id, Status.CANCELLED.value, now, reason, by)
    waits.add_event(conn, flow_id, now, "cancelled", f"by {by}: {reason}")
    for child in flows.children(conn, flow_id):
        if not Status(child.status).is_final:
            _cancel(ctx, conn, child.id, f"its parent flow #{flow_id} was cancelled", by, now)


def retry(ctx: Context, flow_id: int, by: str, *, reason: str | None = None) -> None:
    """Run the failed (or restored-in-error) action again (audited: ``by``, why)."""
    now = ctx.clock()
    with ctx.db.begin() as conn:
        record, program, position = _load(ctx, conn, flow_id)
        if record.status not in REPAIRABLE or record.status == Status.PROPAGATED_ERROR.value:
            raise NotAllowed(
                f"flow #{flow_id} is {record.status}; only a flow in error or restored in "
                "error can be retried (retry a failed subprocess itself)"
            )
        interpreter.retry(position)
        _save(ctx, conn, record, program, position, now)
        waits.add_event(conn, flow_id, now, "retried", f"by {by}")
        audit.record(
            conn,
            by,
            "flow.retry",
            f"flow #{flow_id}",
            reason,
            {"error": without_secured(program.definition, position, record.error)},
            at=now,
        )
    ctx.publish_flow(flow_id, "retried")


def skip(
    ctx: Context,
    flow_id: int,
    by: str,
    exit_name: str | None = None,
    *,
    reason: str | None = None,
) -> str:
    """Continue after the failed action on one of its exits; the exit taken (audited)."""
    now = ctx.clock()
    with ctx.db.begin() as conn:
        record, program, position = _load(ctx, conn, flow_id)
        if record.status not in REPAIRABLE:
            raise NotAllowed(
                f"flow #{flow_id} is {record.status}; only a flow in error can skip an action"
            )
        try:
            taken = interpreter.skip(program, position, exit_name)
        except FlowError as exc:
            raise NotAllowed(exc.message) from None
        _save(ctx, conn, record, program, position, now)
        waits.add_event(conn, flow_id, now, "skipped", f"by {by}, on exit {taken}")
        audit.record(
            conn,
            by,
            "flow.skip",
            f"flow #{flow_id}",
            reason,
            {
                "exit": taken,
                "error": without_secured(program.definition, position, record.error),
            },
            at=now,
        )
    ctx.publish_flow(flow_id, "skipped", exit=taken)
    return taken


def add_note(ctx: Context, flow_id: int, author: str, text: str) -> None:
    """Add a note to a flow (audited: who, and the note itself as the detail)."""
    if not text.strip():
        raise NotAllowed("a note needs some text")
    now = ctx.clock()
    with ctx.db.begin() as conn:
        if flows.get(conn, flow_id) is None:
            raise NotFound(f"there is no flow #{flow_id}")
        waits.add_note(conn, flow_id, author, text.strip(), now)
        audit.record(conn, author, "flow.note", f"flow #{flow_id}", None, text.strip(), at=now)


def details(ctx: Context, flow_id: int) -> FlowDetails:
    with ctx.read() as conn:
        record, program, position = _load(ctx, conn, flow_id)
        return FlowDetails(
            record,
            position,
            program,
            waits.history_of(conn, flow_id),
            waits.calls_of(conn, flow_id),
            waits.notes_of(conn, flow_id),
            flows.completion_of(conn, flow_id),
        )


def search(
    ctx: Context, *, status: list[str] | None = None, process: str | None = None, limit: int = 100
) -> list[FlowRecord]:
    with ctx.read() as conn:
        return flows.search(conn, status=status, process=process, limit=limit)
