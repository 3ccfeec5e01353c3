"""Run Task: call a task, pass inputs, take outputs back, branch on its End Task exit.

.. code-block:: yaml

    - run task:
        task: Check Credit
        inputs: {SSN: =SSN}
        outputs: {Score: CreditScore}
        exits:
          default: [...]
          Unavailable: [...]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from pydantic import Field

from openpas.model.actions.base import ActionSpec, CheckContext, Path, action
from openpas.model.actions.passing import check_inputs, check_outputs
from openpas.model.naming import suggest
from openpas.model.spec import Raw

if TYPE_CHECKING:
    from openpas.model.actions.base import Block

DEFAULT = "default"


@action
class RunTask(ActionSpec):
    """Call a task of this process."""

    kind = "run task"
    scalar = "task"
    task: str
    inputs: dict[str, Raw] = Field(default_factory=dict, description="Task input: value.")
    outputs: dict[str, str] = Field(
        default_factory=dict, description="Task output: the variable receiving it."
    )
    exit_blocks: dict[str, Block] = Field(default_factory=dict, alias="exits")

    def exits(self, ctx: CheckContext | None = None) -> dict[str, Block]:
        names = ctx.task_exits(self.task) if ctx is not None else frozenset()
        result = {name: self.exit_blocks.get(name, ()) for name in sorted(names | {DEFAULT})}
        result.update(self.exit_blocks)
        return result

    def block_path(self, name: str) -> Path:
        return ("exits", name)

    def calls(self) -> Iterable[str]:
        return (self.task,)

    def check(self, ctx: CheckContext) -> None:
        task = ctx.task(self.task, ("task",))
        if task is None:
            return
        declared = ctx.variables_of(task)
        callee = f"task {self.task!r}"
        check_inputs(ctx, declared, self.inputs, callee)
        check_outputs(ctx, declared, self.outputs, callee)
        known = ctx.task_exits(self.task) | {DEFAULT}
        for name in self.exit_blocks:
            if name not in known:
                ctx.problem(
                    ("exits", name),
                    f"task {self.task!r} never ends with the exit {name!r}{suggest(name, known)}",
                    "unknown",
                )
