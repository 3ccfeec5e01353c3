"""Send Work Item to User: a form for one person, who finds it in My Work Items.

.. code-block:: yaml

    - send work item to user:
        work item: Loan Application
        user: =Flow.Originator
        description: ="Car loan for " & LastName
        exits:
          Submit: [change state: Credit Check]
          Cancel: [end process]

In a test launch every work item goes to the user who launched the test.
"""

from __future__ import annotations

from pydantic import Field

from openpas.expr.types import USER
from openpas.model.actions.base import CheckContext, action
from openpas.model.actions.sending import SendWorkItem
from openpas.model.spec import Raw


@action
class SendWorkItemToUser(SendWorkItem):
    """Direct distribution: the work item is offered to one user (direct-routed licence)."""

    kind = "send work item to user"
    user: Raw = Field(description="The user: a user name, or =expression giving a user.")

    def check(self, ctx: CheckContext) -> None:
        super().check(ctx)
        ctx.value(self.user, ("user",), USER)
