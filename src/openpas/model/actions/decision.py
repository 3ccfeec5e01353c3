"""Decision: take the ``yes`` or the ``no`` block by a condition.

.. code-block:: yaml

    - decision:
        if: CreditScore >= 650 and LoanAmount <= 50000 USD
        yes: [change state: Approved]
        no: [change state: Review]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from openpas.expr.types import BOOLEAN
from openpas.model.actions.base import ActionSpec, CheckContext, action
from openpas.model.spec import Raw

if TYPE_CHECKING:
    from openpas.model.actions.base import Block


@action
class Decision(ActionSpec):
    """A yes/no branch on a boolean condition."""

    kind = "decision"
    condition: Raw = Field(alias="if", description="A boolean expression.")
    yes: Block = ()
    no: Block = ()

    def exits(self, ctx: CheckContext | None = None) -> dict[str, Block]:
        return {"yes": self.yes, "no": self.no}

    def check(self, ctx: CheckContext) -> None:
        ctx.expression(self.condition, ("if",), BOOLEAN)
