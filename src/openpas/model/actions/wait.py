"""Wait: pause the flow for a duration or until a date and time.

.. code-block:: yaml

    - wait: {for: 2d}
    - wait: {until: =AddDays(DateRequested, 7)}
    - wait: 30m            # short for {for: 30m}
"""

from __future__ import annotations

from pydantic import Field

from openpas.expr.types import DATETIME, DURATION
from openpas.model.actions.base import ActionSpec, CheckContext, action
from openpas.model.spec import Raw


@action
class Wait(ActionSpec):
    """Pause the flow; it costs nothing while it waits."""

    kind = "wait"
    scalar = "for"
    waits = True
    for_: Raw = Field(None, alias="for", description="How long: 2d, 1h30m, or an expression.")
    until: Raw = Field(None, description="A date and time, or an expression giving one.")

    def check(self, ctx: CheckContext) -> None:
        if (self.for_ is None) == (self.until is None):
            ctx.problem(
                (),
                "wait needs exactly one of 'for' (a duration) or 'until' (a date and time)",
                "wait",
            )
        elif self.for_ is not None:
            ctx.value(self.for_, ("for",), DURATION)
        else:
            ctx.value(self.until, ("until",), DATETIME)
