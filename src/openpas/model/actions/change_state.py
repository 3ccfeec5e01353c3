"""Change State: leave this state and start another, with values for its inputs.

.. code-block:: yaml

    - change state: Review
    - change state: {state: Review, inputs: {Reason: =LoanDenyReason}}
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import Field

from openpas.model.actions.base import ActionSpec, CheckContext, Where, action
from openpas.model.naming import suggest
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
        for name, raw in self.inputs.items():
            var = declared.get(name)
            if var is None or not var.decl.access.is_input:
                inputs = [n for n, v in declared.items() if v.decl.access.is_input]
                ctx.problem(
                    ("inputs", name),
                    f"state {self.state!r} has no input {name!r}{suggest(name, inputs)}",
                    "unknown",
                )
                continue
            ctx.value(raw, ("inputs", name), var.type)
