"""Runs Send E-Mail: the mail itself is sent by the server, after the flow is saved."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpas.engine.actions.base import Compiler, Evaluator, Executor, Outcome, Suspend, executor
from openpas.engine.effects import SendMail
from openpas.engine.runtime import Runtime
from openpas.expr.types import MAILBOX, STRING
from openpas.expr.values import NOT_SET
from openpas.model.actions.send_email import FAILURE, SUCCESS, SendEmail, recipient_items


@executor
class SendEmailExecutor(Executor):
    kind = "send email"

    def __init__(self, spec: SendEmail, compiler: Compiler) -> None:
        super().__init__(spec, compiler)
        self.to = _recipients(compiler, spec.to)
        self.cc = _recipients(compiler, spec.cc) if spec.cc is not None else []
        self.subject = compiler.value(spec.subject, STRING)
        self.body = compiler.value(spec.body, STRING)

    def run(self, runtime: Runtime) -> Outcome:
        key = runtime.wait_key("call")
        mail = SendMail(
            key,
            to=_addresses(evaluate(runtime) for evaluate in self.to),
            cc=_addresses(evaluate(runtime) for evaluate in self.cc),
            subject=_text(self.subject(runtime)),
            body=_text(self.body(runtime)),
        )
        detail = {"email": mail.to[0] if mail.to else ""}
        return Suspend("call", key, detail, (mail,))

    def complete(self, runtime: Runtime, event: dict[str, Any]) -> str:
        """The mail server accepted the mail (success) or not (failure)."""
        return SUCCESS if event.get("exit") == SUCCESS else FAILURE


def _recipients(compiler: Compiler, raw: Any) -> list[Evaluator]:
    return [
        compiler.expression(item)
        if isinstance(item, str) and item.startswith("=")
        else compiler.value(item, MAILBOX)
        for item in recipient_items(raw)
    ]


def _addresses(given: Iterable[Any]) -> tuple[str, ...]:
    """Every address given, in order; values not set are left out (checked when sending)."""
    found: list[str] = []
    for value in given:
        for one in value if isinstance(value, tuple | list) else (value,):
            if one is not NOT_SET:
                found.append(str(one).strip())
    return tuple(found)


def _text(value: Any) -> str:
    return "" if value is NOT_SET else str(value)
