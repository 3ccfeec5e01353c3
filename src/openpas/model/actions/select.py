"""Select: branch on the exact value of an expression.

.. code-block:: yaml

    - select:
        on: Status
        cases:
          Approved: [change state: Notify]
          Denied: [end process]
        default: [change state: Review]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from openpas.errors import LiteralError
from openpas.expr import values
from openpas.expr.types import Kind
from openpas.model.actions.base import ActionSpec, CheckContext, Path, action
from openpas.model.spec import Raw

if TYPE_CHECKING:
    from openpas.model.actions.base import Block

DEFAULT = "default"


@action
class Select(ActionSpec):
    """A multi-way branch on exact values; ``default`` takes every other value."""

    kind = "select"
    on: Raw = Field(description="The expression whose value is matched.")
    cases: dict[str | int | bool, Block] = Field(default_factory=dict)
    default: Block = ()

    def exits(self, ctx: CheckContext | None = None) -> dict[str, Block]:
        blocks = {str(key): block for key, block in self.cases.items()}
        blocks[DEFAULT] = self.default
        return blocks

    def block_path(self, name: str) -> Path:
        if name == DEFAULT:
            return (DEFAULT,)
        for key in self.cases:
            if str(key) == name:
                return ("cases", key)
        return ("cases", name)

    def check(self, ctx: CheckContext) -> None:
        on_type = ctx.expression(self.on, ("on",))
        if on_type is None:
            return
        if on_type.kind in (Kind.LIST, Kind.COMPLEX):
            ctx.problem(("on",), f"select matches single values; the expression gives a {on_type}")
            return
        if not self.cases:
            ctx.problem(("cases",), "select needs at least one case", "missing")
        seen: dict[object, object] = {}
        for key in self.cases:
            ctx.value(key, ("cases", key), on_type)
            # Compare by value, so that 1 and 01, or 1.0 and 1.00, are the same case.
            try:
                value: object = values.parse_literal(key, on_type, values.UTC)
            except LiteralError:
                value = str(key)
            if value in seen:
                ctx.problem(
                    ("cases", key),
                    f"the case {key} is the same value as the case {seen[value]}",
                    "duplicate",
                )
            seen.setdefault(value, key)
