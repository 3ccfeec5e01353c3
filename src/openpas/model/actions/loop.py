"""Loop: repeat a block over a collection, a number of times, or while a condition holds.

.. code-block:: yaml

    - loop: {over: Applicants, item: Applicant, do: [...]}
    - loop: {times: 3, index: Attempt, do: [...]}
    - loop: {while: Balance > 0 USD, test: after, do: [...]}
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from pydantic import Field

from openpas.expr.types import BOOLEAN, INTEGER, Kind, is_assignable
from openpas.model.actions.base import ActionSpec, CheckContext, action
from openpas.model.spec import Raw

if TYPE_CHECKING:
    from openpas.model.actions.base import Block


class Test(enum.Enum):
    """When a ``while`` condition is tested."""

    BEFORE = "before"
    """Before each pass: the body may run zero times."""
    AFTER = "after"
    """After each pass: the body runs at least once."""


MAX_ITERATIONS = 1_000_000
"""A loop stops the flow with an error after this many passes."""


@action
class Loop(ActionSpec):
    """Repeat the ``do`` block."""

    kind = "loop"
    over: Raw = Field(None, description="A collection: the body runs once per item.")
    item: str | None = Field(None, description="The variable that receives each item.")
    times: Raw = Field(None, description="A number of passes.")
    while_: Raw = Field(None, alias="while", description="A boolean condition.")
    test: Test = Test.BEFORE
    index: str | None = Field(None, description="An integer variable counting passes from 1.")
    do: Block = ()

    def bodies(self) -> dict[str, Block]:
        return {"do": self.do}

    @property
    def mode(self) -> str:
        """``over``, ``times`` or ``while``."""
        if self.over is not None:
            return "over"
        if self.times is not None:
            return "times"
        return "while"

    def check(self, ctx: CheckContext) -> None:
        given = [
            k
            for k, v in (("over", self.over), ("times", self.times), ("while", self.while_))
            if v is not None
        ]
        if len(given) != 1:
            what = "none" if not given else " and ".join(given)
            ctx.problem(
                (), f"a loop needs exactly one of over, times or while; it has {what}", "loop"
            )
            return
        if self.over is not None:
            self._check_over(ctx)
        elif self.times is not None:
            ctx.value(self.times, ("times",), INTEGER)
        else:
            ctx.expression(self.while_, ("while",), BOOLEAN)
        if self.test is not Test.BEFORE and self.while_ is None:
            ctx.problem(("test",), "test applies only to while loops")
        if self.item is not None and self.over is None:
            ctx.problem(("item",), "item applies only to loops over a collection")
        if self.index is not None:
            index_type = ctx.target(self.index, ("index",))
            if index_type is not None and not is_assignable(index_type, INTEGER):
                ctx.problem(("index",), f"the index must be an integer variable, not {index_type}")
        if not self.do:
            ctx.problem(("do",), "the loop has no actions to repeat", "empty")

    def _check_over(self, ctx: CheckContext) -> None:
        collection = ctx.expression(self.over, ("over",))
        if collection is not None and collection.kind is not Kind.LIST:
            ctx.problem(("over",), f"over needs a collection, the expression gives a {collection}")
            collection = None
        if self.item is None:
            ctx.problem(
                (), "a loop over a collection needs 'item:', the variable for each item", "missing"
            )
            return
        item_type = ctx.target(self.item, ("item",))
        if item_type is not None and collection is not None:
            element = collection.element()
            if not is_assignable(item_type, element):
                ctx.problem(("item",), f"{self.item} is a {item_type} but the items are {element}")
