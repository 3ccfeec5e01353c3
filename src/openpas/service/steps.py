"""Saving what a step did: the flow's new position and the effects it asked for.

All of it happens inside the caller's transaction, so a step is applied
entirely or not at all. Effects that reach outside openpas (handler calls, mails) are
only recorded here, as in flight; they are performed after the commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from openpas.engine import interpreter
from openpas.engine import position as positions
from openpas.engine.effects import CallHandler, OpenWorkItem, SendMail, StartProcess, StartTimer
from openpas.engine.launch import launch
from openpas.engine.position import Position, Status
from openpas.engine.program import Program
from openpas.engine.runtime import Facts
from openpas.errors import InputError
from openpas.expr import values
from openpas.security.specifications import without_secured
from openpas.service.context import Context
from openpas.store import definitions, flows, waits
from openpas.store.flows import FlowChange
from openpas.store.records import FlowRecord


@dataclass(frozen=True)
class OpenedItem:
    """A work item created in the step's transaction, to route after the commit."""

    item_id: int


@dataclass(frozen=True)
class PendingCall:
    """A handler call or a mail recorded in flight, to perform after the commit."""

    call_id: int
    flow_id: int
    effect: CallHandler | SendMail


def facts_of(record: FlowRecord) -> Facts:
    return Facts(
        record.id,
        record.process_name,
        record.version,
        record.originator,
        record.created_at,
        record.launch_mode == "test",
    )


def change_of(program: Program, position: Position) -> FlowChange:
    """The row facts of a position."""
    definition = program.definition
    details = " · ".join(
        values.format_value(position.variables.get(name, values.NOT_SET))
        for name in definition.spec.details
        if position.variables.get(name, values.NOT_SET) is not values.NOT_SET
    )
    wait = position.wait
    return FlowChange(
        status=position.status.value,
        runnable=position.status is Status.RUNNING,
        state=position.state,
        wait_kind=wait.kind if wait and position.status is not Status.COMPLETED else None,
        wait_key=wait.key if wait and position.status is not Status.COMPLETED else None,
        error=position.error,
        details=details[:1000],
        position=positions.dump(position, definition),
        ended=position.status.is_final,
    )


def save_step(
    ctx: Context,
    conn: Connection,
    record: FlowRecord,
    program: Program,
    position: Position,
    step: interpreter.Step,
    now: dt.datetime,
    pending: list[PendingCall | OpenedItem],
) -> bool:
    """Apply one flow's step; False when the flow changed meanwhile (nothing is written)."""
    # Children and work items are created before the flow's compare-and-set (a failure to
    # create them changes the flow's position), so they go in a savepoint: a flow changed
    # meanwhile leaves neither behind.
    creates = any(isinstance(e, StartProcess | OpenWorkItem) for e in step.effects)
    savepoint = conn.begin_nested() if creates else None
    opened: list[int] = []
    for effect in step.effects:
        if isinstance(effect, StartProcess):
            start_subprocess(ctx, conn, record, position, effect, now)
        elif isinstance(effect, OpenWorkItem) and ctx.work is not None:
            item_id = ctx.work.open(conn, record, program, position, effect, now)
            if item_id is not None:
                opened.append(item_id)
    if not flows.save(conn, record, change_of(program, position), now):
        if savepoint is not None:
            savepoint.rollback()
        return False
    if savepoint is not None:
        savepoint.commit()
    pending.extend(OpenedItem(item_id) for item_id in opened)
    waits.add_history(conn, record.id, now, (("action", *t) for t in step.trace))
    for effect in step.effects:
        if isinstance(effect, StartTimer):
            waits.add_timer(conn, record.id, effect.key, record.owner, effect.due)
        elif isinstance(effect, CallHandler):
            request = {
                "handler": effect.handler,
                "timeout": effect.timeout,
                "retry": effect.retry,
                "parameters": sorted(effect.parameters),
            }
            call_id = waits.add_call(
                conn, record.id, effect.key, "handler", effect.handler, effect.wait, request, now
            )
            pending.append(PendingCall(call_id, record.id, effect))
        elif isinstance(effect, SendMail):
            # The subject and body may hold any variable's value: only the envelope is kept.
            request = {
                "to": list(effect.to),
                "cc": list(effect.cc),
                "recipients": len(effect.to) + len(effect.cc),
                "subject_chars": len(effect.subject),
                "body_chars": len(effect.body),
            }
            target = (effect.to[0] if effect.to else "")[:300]
            call_id = waits.add_call(
                conn, record.id, effect.key, "email", target, True, request, now
            )
            pending.append(PendingCall(call_id, record.id, effect))
    after_status_change(ctx, conn, record, program, position, now)
    return True


def after_status_change(
    ctx: Context,
    conn: Connection,
    record: FlowRecord,
    program: Program,
    position: Position,
    now: dt.datetime,
) -> None:
    """Record how a flow ended, and tell a waiting parent."""
    status = position.status
    if status.value == record.status:
        return
    # An error may quote the value that broke it: history and completion rows are read
    # where no security specification is checked, so secured values are cut out here.
    error = without_secured(program.definition, position, position.error)
    if status.is_final:
        flows.record_completion(conn, record.id, status.value, now, error)
        waits.add_event(conn, record.id, now, status.value, None)
    elif status in (Status.ERROR, Status.RESTORED_IN_ERROR, Status.PROPAGATED_ERROR):
        waits.add_event(conn, record.id, now, status.value, error)
    if record.parent_id is None or record.parent_key is None:
        return
    if status is Status.COMPLETED:
        outputs = {
            name: position.variables.get(name, values.NOT_SET)
            for name, variable in program.definition.variables.items()
            if variable.decl.access.is_output
        }
        deliver_to_parent(ctx, conn, record, {"exit": "success", "outputs": outputs}, now, None)
    elif status in (
        Status.ERROR,
        Status.RESTORED_IN_ERROR,
        Status.PROPAGATED_ERROR,
        Status.CANCELLED,
    ):
        reason = f"the subprocess #{record.id} ({record.process_name}) is {status.value}"
        if position.error:
            reason += f": {position.error}"
        deliver_to_parent(ctx, conn, record, None, now, reason)


def deliver_to_parent(
    ctx: Context,
    conn: Connection,
    child: FlowRecord,
    event: dict[str, Any] | None,
    now: dt.datetime,
    error: str | None,
) -> None:
    assert child.parent_id is not None and child.parent_key is not None
    found = flows.get_with_position(conn, child.parent_id)
    if found is None:
        return
    parent, data = found
    if parent.wait_key != child.parent_key:
        return  # the parent did not wait for this child (wait: false, or it moved on)
    program = ctx.program(conn, parent.version_id)
    position = positions.load(data, program.definition)
    if event is not None:
        interpreter.deliver(program, position, facts_of(parent), now, child.parent_key, event)
    else:
        position.status = Status.PROPAGATED_ERROR
        position.error = error
    if flows.save(conn, parent, change_of(program, position), now):
        after_status_change(ctx, conn, parent, program, position, now)


def start_subprocess(
    ctx: Context,
    conn: Connection,
    parent: FlowRecord,
    position: Position,
    effect: StartProcess,
    now: dt.datetime,
) -> None:
    """Launch the child flow in the parent's transaction; a failure puts the parent in error."""

    def fail(message: str) -> None:
        position.status = Status.ERROR
        position.error = f"Run Process {effect.process!r}: {message}"
        position.wait = None

    depth = parent.depth + 1
    threshold = ctx.settings.depth_threshold
    if depth > threshold:
        fail(
            f"starting it would nest flows {depth} levels deep, more than PAS_DepthThreshold "
            f"({threshold}); is a process starting itself without end?"
        )
        return
    found = definitions.launchable(conn, effect.process)
    if found is None:
        fail("no process of that name is published")
        return
    active, version = found
    if not active:
        fail("the process is deactivated")
        return
    program = ctx.program(conn, version.id)
    definition = program.definition
    for name in effect.outputs:
        variable = definition.variables.get(name)
        if variable is None or not variable.decl.access.is_output:
            fail(f"it has no output {name!r}")
            return
    # A savepoint, so that a child refused for its inputs leaves no row behind.
    savepoint = conn.begin_nested()
    placeholder = FlowChange("queued", False, None, None, None, None, "", {})
    child_id = flows.insert_flow(
        conn,
        version_id=version.id,
        process_name=definition.name,
        version=version.version,
        owner=parent.owner,
        originator=parent.originator,
        launch_mode=parent.launch_mode,
        change=placeholder,
        now=now,
        parent_id=parent.id,
        parent_key=effect.key if effect.wait else None,
        depth=depth,
    )
    child = flows.get(conn, child_id)
    assert child is not None
    try:
        child_position = launch(program, effect.inputs, facts_of(child), now)
    except InputError as exc:
        savepoint.rollback()
        fail(f"its inputs are not valid: {exc.message}")
        return
    flows.save(conn, child, change_of(program, child_position), now)
    waits.add_event(conn, child_id, now, "launched", f"by flow #{parent.id}")
    savepoint.commit()
