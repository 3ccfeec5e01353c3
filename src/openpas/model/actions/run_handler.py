"""Run Handler: call a registered handler, and branch on how it went.

.. code-block:: yaml

    - run handler:
        handler: credit_bureau.score
        parameters: {ssn: =SSN}
        results: {score: Score}
        timeout: 10s
        exits:
          success: [end task]
          failure: [end task: Unavailable]
          timeout: [end task: Unavailable]

A handler is a Python callable registered by name (the ``openpas.handlers``
entry points, or ``handlers:`` in the server configuration). It receives the
parameters as typed values and returns its outputs, optionally with a result
name that selects an exit of its own (``exits: {NotFound: [...]}``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from openpas.expr.types import DURATION
from openpas.model.actions.base import ActionSpec, CheckContext, Path, action
from openpas.model.spec import Raw

if TYPE_CHECKING:
    from openpas.model.actions.base import Block

SUCCESS, FAILURE, TIMEOUT = "success", "failure", "timeout"


@action
class RunHandler(ActionSpec):
    """Call a handler outside the flow (the external-call protocol applies)."""

    kind = "run handler"
    waits = True
    handler: str = Field(description="The registered name of the handler.")
    parameters: dict[str, Raw] = Field(default_factory=dict)
    results: dict[str, str] = Field(
        default_factory=dict, description="Handler output: the variable receiving it."
    )
    wait: bool = Field(True, description="Wait for the handler to complete.")
    timeout: Raw = Field(None, description="How long to wait; PAS_HandlerResponseTimeout if unset.")
    retry: bool = Field(
        False, description="The call is idempotent: after a crash, call it again by itself."
    )
    exit_blocks: dict[str, Block] = Field(default_factory=dict, alias="exits")

    def exits(self, ctx: CheckContext | None = None) -> dict[str, Block]:
        result = {name: self.exit_blocks.get(name, ()) for name in (SUCCESS, FAILURE, TIMEOUT)}
        if not self.wait:
            return {SUCCESS: self.exit_blocks.get(SUCCESS, ())}
        result.update(self.exit_blocks)
        return result

    def block_path(self, name: str) -> Path:
        return ("exits", name)

    def check(self, ctx: CheckContext) -> None:
        if not isinstance(self.handler, str) or not self.handler.strip():
            ctx.problem(("handler",), "the handler name is empty")
        for name, raw in self.parameters.items():
            ctx.expression(raw, ("parameters", name))
        for name, target in self.results.items():
            ctx.target(target, ("results", name))
        if self.timeout is not None:
            ctx.value(self.timeout, ("timeout",), DURATION)
        if not self.wait:
            for name in self.exit_blocks:
                if name != SUCCESS:
                    ctx.problem(
                        ("exits", name),
                        "a handler that is not waited for only continues on success",
                    )
            if self.results:
                ctx.problem(("results",), "a handler that is not waited for returns no results")
