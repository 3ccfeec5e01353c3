"""Assign: set variables from literals or expressions, in the order written.

.. code-block:: yaml

    - assign: {Status: Approved, LoanApproved: true, DateCompleted: =Now()}
"""

from __future__ import annotations

from pydantic import ConfigDict

from openpas.model.actions.base import ActionSpec, CheckContext, action
from openpas.model.spec import Raw


@action
class Assign(ActionSpec):
    """Set one or more variables (or fields, ``Car.Make``) to new values."""

    model_config = ConfigDict(extra="allow")
    kind = "assign"

    def assignments(self) -> list[tuple[str, Raw]]:
        """The (target, value) pairs in the order they run."""
        return [(str(k), v) for k, v in (self.model_extra or {}).items()]

    def check(self, ctx: CheckContext) -> None:
        pairs = self.assignments()
        if not pairs:
            ctx.problem((), "assign needs at least one 'Variable: value'", "missing")
        for target, raw in pairs:
            target_type = ctx.target(target, (target,))
            if target_type is not None:
                ctx.value(raw, (target,), target_type)
