"""Send E-Mail: send a plain-text message, and branch on whether it was accepted.

.. code-block:: yaml

    - send email:
        to: =Mailbox
        cc: [loans@example.com]
        subject: ="Your car loan " & LoanID
        body: ="Dear " & FullName & ", your loan is approved."
        exits:
          success: [assign: {Told: true}]
          failure: [assign: {Told: false}]

The mail follows the external-call protocol: it is recorded in flight with the
flow's new position, sent after the commit, and its outcome is delivered to the
flow as ``success`` (the mail server accepted it) or ``failure``. A mail leaves
openpas, where security specifications cannot follow it: the action may not
read a secured variable unless it says ``allow secured: true``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from openpas.expr.types import MAILBOX, STRING, Kind, Type
from openpas.model.actions.base import ActionSpec, CheckContext, Path, action
from openpas.model.spec import Raw

if TYPE_CHECKING:
    from openpas.model.actions.base import Block

SUCCESS, FAILURE = "success", "failure"

ADDRESS_KINDS = frozenset({Kind.MAILBOX, Kind.STRING})
"""What a recipient expression may give: a mailbox, or a text read as one when sending."""


@action
class SendEmail(ActionSpec):
    """Send a plain-text e-mail (the external-call protocol applies)."""

    kind = "send email"
    waits = True
    sends_outside = True
    to: Raw = Field(
        description="A mailbox or a list of mailboxes: literals or =expressions giving a "
        "mailbox, a string or a list of them."
    )
    cc: Raw = Field(None, description="Copies, written like `to`.")
    subject: Raw = Field(description="The subject: a text or an =expression giving a string.")
    body: Raw = Field(description="The plain-text body: a text or an =expression giving a string.")
    allow_secured: bool = Field(
        False,
        alias="allow secured",
        description="Allow expressions reading variables guarded by a security specification.",
    )
    exit_blocks: dict[str, Block] = Field(default_factory=dict, alias="exits")

    def exits(self, ctx: CheckContext | None = None) -> dict[str, Block]:
        return {name: self.exit_blocks.get(name, ()) for name in (SUCCESS, FAILURE)}

    def block_path(self, name: str) -> Path:
        return ("exits", name)

    def check(self, ctx: CheckContext) -> None:
        check_recipients(ctx, self.to, ("to",), required=True)
        if self.cc is not None:
            check_recipients(ctx, self.cc, ("cc",), required=False)
        ctx.value(self.subject, ("subject",), STRING)
        ctx.value(self.body, ("body",), STRING)
        for name in self.exit_blocks:
            if name not in (SUCCESS, FAILURE):
                ctx.problem(
                    ("exits", name),
                    f"send email has no exit {name!r}; its exits are success and failure",
                    "unknown",
                )


def recipient_items(raw: Raw) -> list[Raw]:
    """The recipients as written: one item, or the items of a list."""
    return list(raw) if isinstance(raw, list | tuple) else [raw]


def check_recipients(ctx: CheckContext, raw: Raw, path: Path, required: bool) -> None:
    """Each item is a mailbox literal or an expression giving mailboxes or strings."""
    items = recipient_items(raw)
    if required and not items:
        ctx.problem(path, "send email needs at least one recipient", "missing")
    for index, item in enumerate(items):
        where = path if not isinstance(raw, list | tuple) else (*path, index)
        if isinstance(item, str) and item.startswith("="):
            given = ctx.expression(item, where)
            if given is not None and not _gives_addresses(given):
                ctx.problem(
                    where,
                    "a recipient must be a mailbox, a string or a list of them; "
                    f"this gives {given}",
                    "type",
                )
        else:
            ctx.value(item, where, MAILBOX)


def _gives_addresses(given: Type) -> bool:
    if given.kind is Kind.LIST and given.item is not None:
        return given.item.kind in ADDRESS_KINDS or given.item.kind is Kind.ANY
    return given.kind in ADDRESS_KINDS or given.kind is Kind.NOTSET
