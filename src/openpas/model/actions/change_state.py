"""Change State: leave this state and start another, with values for its inputs.

.. code-block:: yaml

    - change state: Review
    - change state: {state: Review, inputs: {Reason: =LoanDenyReason}}
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import Field

from openpas.model.actions.base import ActionSpec, CheckContext, Where, action
from openpas.model.actions.passing import check_inputs
from openpas.model.spec import Raw


@action
class ChangeState(ActionSpec):
    """The transition of the process's state machine."""

    kind = "change state"
    where = Where.STATE
    scalar = "state"
    terminal = True
    state: str
    inputs: dict[str, Raw] = Field(default_factory=dict, description="State input: value.")

    def transitions(self) -> Iterable[str]:
        return (self.state,)

    def check(self, ctx: CheckContext) -> None:
        target = ctx.state(self.state, ("state",))
        if target is None:
            return
        declared = ctx.variables_of(target)
        check_inputs(ctx, declared, self.inputs, f"state {self.state!r}")
