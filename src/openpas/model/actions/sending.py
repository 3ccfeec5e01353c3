"""What Send Work Item to User and to Workgroup share (not an action kind itself).

Both send a work item (a form of pages) to people and wait until someone
finishes it with a button. Each finishing button of the work item is an exit
of the action; ``timeout`` is taken when ``timeout`` passes first, ``failure``
when the item cannot be delivered (no such user, nobody licensed...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from openpas.expr.types import DATETIME, DURATION, INTEGER, STRING
from openpas.model.actions.base import ActionSpec, CheckContext, Path
from openpas.model.actions.passing import check_inputs, check_outputs
from openpas.model.naming import suggest
from openpas.model.spec import Raw

if TYPE_CHECKING:
    from openpas.model.actions.base import Block

TIMEOUT, FAILURE = "timeout", "failure"


class SendWorkItem(ActionSpec):
    """Parameters common to both sending actions."""

    waits = True
    work_item: str = Field(alias="work item", description="The work item definition to send.")
    description: Raw = Field(None, description="Text shown in the work item list.")
    priority: Raw = Field(None, description="Higher is more urgent (default 0).")
    due: Raw = Field(None, description="When the work is due (a date and time).")
    timeout: Raw = Field(None, description="Give up after this long and take the timeout exit.")
    inputs: dict[str, Raw] = Field(
        default_factory=dict, description="Work item input variable: value."
    )
    outputs: dict[str, str] = Field(
        default_factory=dict, description="Work item output variable: the variable receiving it."
    )
    exclude: list[str] = Field(
        default_factory=list,
        description="Separation of duties: not to whoever finished these work items in this flow.",
    )
    prefer: str | None = Field(
        None, description="Retain familiar: prefer whoever finished this work item in this flow."
    )
    exit_blocks: dict[str, Block] = Field(default_factory=dict, alias="exits")

    def exits(self, ctx: CheckContext | None = None) -> dict[str, Block]:
        names: list[str] = []
        if ctx is not None:
            item = ctx.find_work_item(self.work_item)
            names = list(item.exits()) if item is not None else []
        names.append(FAILURE)
        if self.timeout is not None:
            names.append(TIMEOUT)
        result = {name: self.exit_blocks.get(name, ()) for name in names}
        result.update(self.exit_blocks)
        return result

    def block_path(self, name: str) -> Path:
        return ("exits", name)

    def check(self, ctx: CheckContext) -> None:
        item = ctx.work_item(self.work_item, ("work item",))
        for key, raw, expected in (
            ("description", self.description, STRING),
            ("priority", self.priority, INTEGER),
            ("due", self.due, DATETIME),
            ("timeout", self.timeout, DURATION),
        ):
            if raw is not None:
                ctx.value(raw, (key,), expected)
        if item is None:
            return
        buttons = item.exits()
        known = [*buttons, FAILURE, *([TIMEOUT] if self.timeout is not None else [])]
        for name in self.exit_blocks:
            if name not in known:
                hint = suggest(name, known)
                extra = " (add a timeout to use it)" if name == TIMEOUT else ""
                ctx.problem(
                    ("exits", name),
                    f"{name!r} is not a finishing button of {self.work_item!r}{hint}{extra}",
                    "unknown",
                )
        declared = ctx.variables_of(item)
        callee = f"the work item {self.work_item!r}"
        check_inputs(ctx, declared, self.inputs, callee, required=False)
        check_outputs(ctx, declared, self.outputs, callee)
        for index, name in enumerate(self.exclude):
            ctx.work_item(name, ("exclude", index))
        if self.prefer is not None:
            ctx.work_item(self.prefer, ("prefer",))
