"""Runs Send Work Item to User."""

from __future__ import annotations

from openpas.engine.actions.base import Compiler, executor
from openpas.engine.actions.sending import SendingExecutor, name_of
from openpas.engine.runtime import Runtime
from openpas.expr.types import USER
from openpas.model.actions.send_work_item_to_user import SendWorkItemToUser


@executor
class SendWorkItemToUserExecutor(SendingExecutor):
    kind = "send work item to user"
    routing = "user"

    def __init__(self, spec: SendWorkItemToUser, compiler: Compiler) -> None:
        super().__init__(spec, compiler)
        self.user = compiler.value(spec.user, USER)

    def target(self, runtime: Runtime) -> str:
        return name_of(self.user(runtime), "user")
