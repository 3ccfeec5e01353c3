"""Run Process: start another published process as a subprocess.

.. code-block:: yaml

    - run process:
        process: Credit Review
        inputs: {Applicant: =LastName}
        outputs: {Decision: ReviewDecision}
        exits:
          success: [...]

The subprocess's inputs and outputs are its process variables with input or
output access; they are checked against the published version when the flow
starts it. An error in the subprocess surfaces here as a propagated error.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from pydantic import Field

from openpas.model.actions.base import ActionSpec, CheckContext, Path, action
from openpas.model.spec import Raw

if TYPE_CHECKING:
    from openpas.model.actions.base import Block

SUCCESS = "success"


@action
class RunProcess(ActionSpec):
    """Start a flow of another process and, by default, wait for it to complete."""

    kind = "run process"
    scalar = "process"
    waits = True
    process: str
    inputs: dict[str, Raw] = Field(default_factory=dict, description="Its input: value.")
    outputs: dict[str, str] = Field(
        default_factory=dict, description="Its output: the variable receiving it."
    )
    wait: bool = Field(True, description="Wait for the subprocess to complete.")
    exit_blocks: dict[str, Block] = Field(default_factory=dict, alias="exits")

    def exits(self, ctx: CheckContext | None = None) -> dict[str, Block]:
        return {SUCCESS: self.exit_blocks.get(SUCCESS, ())}

    def block_path(self, name: str) -> Path:
        return ("exits", name)

    def calls(self) -> Iterable[str]:
        return ()

    def check(self, ctx: CheckContext) -> None:
        if not isinstance(self.process, str) or not self.process.strip():
            ctx.problem(("process",), "the process name is empty")
        for name, raw in self.inputs.items():
            ctx.expression(raw, ("inputs", name))
        for name, target in self.outputs.items():
            ctx.target(target, ("outputs", name))
        for name in self.exit_blocks:
            if name != SUCCESS:
                ctx.problem(
                    ("exits", name),
                    "run process has one exit, success; an error of "
                    "the subprocess stops this flow as a propagated error",
                )
        if not self.wait and self.outputs:
            ctx.problem(("outputs",), "a subprocess that is not waited for returns no outputs")
