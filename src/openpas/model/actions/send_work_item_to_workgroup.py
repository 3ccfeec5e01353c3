"""Send Work Item to Workgroup: the item waits in the workgroup's queue and is
offered to the best available member with the skills it needs.

.. code-block:: yaml

    - send work item to workgroup:
        work item: Loan Review
        workgroup: Loan Officers
        skills: {Lending: 50}
        priority: 2
        offer timeout: 2m
        escalate: {after: 1d, workgroup: Senior Loan Officers}
        exclude: [Loan Application]
        exits:
          Approve: [change state: Approved]
          Deny: [change state: Denied]
"""

from __future__ import annotations

from pydantic import Field

from openpas.expr.types import DURATION, INTEGER, WORKGROUP
from openpas.model.actions.base import CheckContext, action
from openpas.model.actions.sending import SendWorkItem
from openpas.model.spec import Raw, Spec


class Escalation(Spec):
    """Re-route an item nobody picked up in time."""

    after: Raw = Field(description="How long the item may wait before it escalates.")
    workgroup: Raw = Field(None, description="Move it to this workgroup's queue...")
    supervisors: bool = Field(False, description="...or offer it to the workgroup's supervisors.")


@action
class SendWorkItemToWorkgroup(SendWorkItem):
    """Group (ACD) distribution by skills, availability and load."""

    kind = "send work item to workgroup"
    workgroup: Raw = Field(description="The workgroup: a name, or =expression giving one.")
    skills: dict[str, Raw] = Field(
        default_factory=dict, description="Required skill: minimum proficiency (1-100)."
    )
    offer_timeout: Raw = Field(
        None,
        alias="offer timeout",
        description="An offer not picked up in this time goes to the next agent.",
    )
    offer_to: int = Field(
        1, alias="offer to", ge=1, le=100, description="Offer to this many at once."
    )
    allocate: bool = Field(False, description="Assign to the chosen agent without an offer.")
    escalate: Escalation | None = None

    def check(self, ctx: CheckContext) -> None:
        super().check(ctx)
        ctx.value(self.workgroup, ("workgroup",), WORKGROUP)
        for skill, raw in self.skills.items():
            if not isinstance(skill, str) or not skill.strip():
                ctx.problem(("skills",), "a skill name must be text")
                continue
            if isinstance(raw, int) and not isinstance(raw, bool) and not 1 <= raw <= 100:
                ctx.problem(("skills", skill), f"proficiency {raw} is outside 1..100")
                continue
            ctx.value(raw, ("skills", skill), INTEGER)
        if self.offer_timeout is not None:
            ctx.value(self.offer_timeout, ("offer timeout",), DURATION)
        if self.escalate is not None:
            ctx.value(self.escalate.after, ("escalate", "after"), DURATION)
            if (self.escalate.workgroup is None) == (not self.escalate.supervisors):
                ctx.problem(
                    ("escalate",),
                    "escalate to either a workgroup or the supervisors (supervisors: true)",
                )
            elif self.escalate.workgroup is not None:
                ctx.value(self.escalate.workgroup, ("escalate", "workgroup"), WORKGROUP)
        if self.allocate and self.offer_to > 1:
            ctx.problem(("allocate",), "allocate assigns to one agent; it cannot offer to several")
