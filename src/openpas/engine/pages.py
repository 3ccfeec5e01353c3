"""Running a button's actions between two pages of a work item, on the item's data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpas.engine.interpreter import advance
from openpas.engine.position import Cursor, Frame, Position, Status
from openpas.engine.program import Program, button_name
from openpas.engine.runtime import Facts
from openpas.errors import FlowError

MAX_ACTIONS = 10_000


def run_button_actions(
    program: Program,
    work_item: str,
    page: int,
    button: int,
    data: dict[str, dict[str, Any]],
    facts: Facts,
    now: dt.datetime,
) -> dict[str, dict[str, Any]]:
    """The work item's data after the button's actions ran on a copy of it.

    Raises:
        FlowError: an action failed (the message says where and why); nothing changes.
    """
    process = dict(data.get("process", {}))
    local = dict(data.get("local", {}))
    name = button_name(work_item, page, button)
    position = Position(Status.RUNNING, process, [Frame("button", name, local, [Cursor(())])])
    advance(program, position, facts, now, budget=MAX_ACTIONS)
    if position.status is Status.ERROR:
        raise FlowError(position.error or "the button's actions failed")
    if position.status is not Status.COMPLETED:
        raise FlowError(f"the button's actions ran {MAX_ACTIONS:,} actions without ending")
    return {"process": process, "local": local}
