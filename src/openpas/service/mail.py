"""Sending the mails of Send E-Mail through an SMTP server.

A mail is sent after the step that asked for it is committed (the external-call
protocol); how it went comes back as a :class:`~openpas.service.handlers.Reply`
with the exit ``success`` (the server accepted it for every recipient it was
given) or ``failure`` with the reason. The reason names the server and the SMTP
error, never the subject or body, because it is stored in the calls table where
no security specification is checked. The password is never logged.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from openpas.config import SmtpConfig
from openpas.engine.effects import SendMail
from openpas.errors import LiteralError
from openpas.expr.values import check_mailbox
from openpas.service.handlers import Reply


def message_of(config: SmtpConfig, mail: SendMail) -> EmailMessage:
    """The plain-text message of a mail (UTF-8 where the text needs it)."""
    message = EmailMessage()
    message["From"] = config.sender
    message["To"] = ", ".join(mail.to)
    if mail.cc:
        message["Cc"] = ", ".join(mail.cc)
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain=config.sender.rpartition("@")[2] or None)
    message.set_content(mail.body)
    return message


def refusal(mail: SendMail) -> str | None:
    """Why the mail cannot be sent at all, before any connection: None when it can."""
    if not mail.to:
        return "the mail has no recipient in to (every address given was not set)"
    for address in (*mail.to, *mail.cc):
        try:
            check_mailbox(address)
        except LiteralError as exc:
            return f"the recipient {exc.message}"
    return None


def send_mail(config: SmtpConfig, mail: SendMail) -> Reply:
    """Hand the mail to the SMTP server of ``config``; the exit and, on failure, why."""
    refused = refusal(mail)
    if refused is not None:
        return Reply("failure", {}, refused)
    server = f"{config.host}:{config.port}"
    try:
        with smtplib.SMTP(config.host, config.port, timeout=config.timeout) as smtp:
            if config.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if config.user is not None and config.password is not None:
                smtp.login(config.user, config.password)
            rejected = smtp.send_message(
                message_of(config, mail), config.sender, [*mail.to, *mail.cc]
            )
    except smtplib.SMTPAuthenticationError as exc:
        # The server's answer may not quote the password, but only its code is kept anyway.
        return Reply("failure", {}, f"the mail server {server} refused the login ({exc.smtp_code})")
    except smtplib.SMTPRecipientsRefused as exc:
        return Reply(
            "failure",
            {},
            f"the mail server {server} refused every recipient: " + _refused(exc.recipients),
        )
    except (smtplib.SMTPException, OSError) as exc:
        return Reply("failure", {}, f"the mail could not be sent through {server}: {_reason(exc)}")
    if rejected:
        # Some recipients got it: the mail is sent, the history says who did not.
        return Reply(
            "success",
            {},
            f"the mail server {server} refused some recipients: " + _refused(rejected),
        )
    return Reply("success", {})


def _refused(recipients: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(
        f"{address} ({code} {text.decode('utf-8', 'replace')})"
        for address, (code, text) in sorted(recipients.items())
    )


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error
        said = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        return f"{exc.smtp_code} {said}"
    return f"{type(exc).__name__}: {exc}"
