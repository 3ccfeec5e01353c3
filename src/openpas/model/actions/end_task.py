"""End Task: leave the task through the default exit or a named one.

.. code-block:: yaml

    - end task                # the default exit
    - end task: Unavailable   # a named exit; the calling Run Task branches on it
"""

from __future__ import annotations

from pydantic import Field

from openpas.model.actions.base import ActionSpec, CheckContext, Where, action

DEFAULT = "default"


@action
class EndTask(ActionSpec):
    """Return from the task to its caller."""

    kind = "end task"
    where = Where.TASK
    bare = True
    scalar = "exit"
    terminal = True
    exit: str = Field(DEFAULT, description="The exit name the caller branches on.")

    def check(self, ctx: CheckContext) -> None:
        if not isinstance(self.exit, str) or not self.exit.strip():
            ctx.problem(("exit",), "the exit name must be non-empty text")
