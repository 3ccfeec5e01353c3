"""Send E-Mail on a real database, through a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from openpas.config import SmtpConfig
from openpas.expr.values import Mailbox
from openpas.service import flows
from openpas.service.context import Context
from openpas.service.runner import Runner
from openpas.service.steps import PendingCall
from openpas.store import schema

from .support import publish, rows

MAIL = """
    process: Mail
    start: A
    inputs: {To: mailbox, Name: string}
    variables:
      Outcome: string
      SSN: {type: string, security: Personal Data}
    states:
      A:
        actions:
          - send email:
              to: [=To, second@example.com]
              cc: boss@example.com
              subject: ="Your car loan, " & Name
              body: ="Dear " & Name & ",\\nyour loan is approved — 5 000 € ✓"
              exits:
                success: [{assign: {Outcome: sent}}]
                failure: [{assign: {Outcome: not sent}}]
          - end process
"""


class Inbox:
    """An aiosmtpd handler that keeps every mail it is given."""

    def __init__(self) -> None:
        self.mails: list[tuple[str, list[str], EmailMessage]] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        message = message_from_bytes(content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.mails.append((str(envelope.mail_from), list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def mail_runner(ctx: Context) -> Iterator[Callable[[int], Runner]]:
    made: list[Runner] = []

    def make(port: int) -> Runner:
        smtp = SmtpConfig("127.0.0.1", port, "loans@bank.example", timeout=5)
        made.append(Runner(ctx, smtp=smtp))
        return made[-1]

    yield make
    for runner in made:
        runner.close(grace=5.0)


def launch(ctx: Context) -> int:
    publish(ctx, MAIL)
    return flows.launch(
        ctx, "Mail", {"To": Mailbox("zoe@example.com"), "Name": "Zoë"}, originator="u"
    )


def outcome(ctx: Context, flow: int) -> tuple[str, Any]:
    found = flows.details(ctx, flow)
    return found.record.status, found.position.variables["Outcome"]


def test_a_mail_arrives_intact_and_the_flow_takes_success(
    ctx: Context, inbox: tuple[Inbox, int], mail_runner: Callable[[int], Runner]
) -> None:
    handler, port = inbox
    flow = launch(ctx)
    mail_runner(port).run_until_idle()
    assert outcome(ctx, flow) == ("completed", "sent")
    [(sender, recipients, message)] = handler.mails
    assert sender == "loans@bank.example"
    assert recipients == ["zoe@example.com", "second@example.com", "boss@example.com"]
    assert message["To"] == "zoe@example.com, second@example.com"
    assert message["Cc"] == "boss@example.com"
    assert message["Subject"] == "Your car loan, Zoë"
    body = message.get_content().replace("\r\n", "\n")  # lines end in CRLF on the wire
    assert body == "Dear Zoë,\nyour loan is approved — 5 000 € ✓\n"
    [call] = rows(ctx, schema.calls, flow_id=flow)
    assert (call["kind"], call["target"], call["status"], call["result"]) == (
        "email",
        "zoe@example.com",
        "done",
        "success",
    )
    assert call["error"] is None
    stored = json.dumps(call["request"], ensure_ascii=False)
    assert "car loan" not in stored and "approved" not in stored and "Zoë," not in stored
    assert call["request"]["recipients"] == 3


def test_a_refused_connection_takes_the_failure_exit(
    ctx: Context, mail_runner: Callable[[int], Runner]
) -> None:
    flow = launch(ctx)
    port = free_port()  # nothing listens there
    mail_runner(port).run_until_idle()
    assert outcome(ctx, flow) == ("completed", "not sent")
    [call] = rows(ctx, schema.calls, flow_id=flow)
    assert (call["kind"], call["status"], call["result"]) == ("email", "failed", "failure")
    assert f"the mail could not be sent through 127.0.0.1:{port}" in call["error"]
    assert "ConnectionRefusedError" in call["error"]
    for text in (json.dumps(call["request"], ensure_ascii=False), call["error"]):
        assert "car loan" not in text and "approved" not in text


def test_a_mail_in_flight_at_a_crash_is_restored_in_error_then_sent_on_retry(
    ctx: Context, inbox: tuple[Inbox, int], mail_runner: Callable[[int], Runner]
) -> None:
    handler, port = inbox
    flow = launch(ctx)
    doomed = mail_runner(port)
    dropped: list[PendingCall] = []
    doomed._submit = dropped.append  # type: ignore[method-assign,assignment]
    assert doomed.step() == 1 and len(dropped) == 1
    [call] = rows(ctx, schema.calls, flow_id=flow)
    assert (call["kind"], call["status"]) == ("email", "in-flight")

    runner = mail_runner(port)
    report = runner.restore()
    assert (report.restored_in_error, report.calls_retried) == (1, 0)
    found = flows.details(ctx, flow)
    assert found.record.status == "restored-in-error"
    assert "the e-mail to 'zoe@example.com' was being sent when the server stopped" in (
        found.record.error or ""
    )
    runner.run_until_idle()
    assert handler.mails == []  # nothing is sent again without a person deciding so

    flows.retry(ctx, flow, by="boss")
    runner.run_until_idle()
    assert outcome(ctx, flow) == ("completed", "sent")
    assert len(handler.mails) == 1
    assert [c.status for c in flows.details(ctx, flow).calls] == ["interrupted", "done"]
