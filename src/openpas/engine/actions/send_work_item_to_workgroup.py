"""Runs Send Work Item to Workgroup."""

from __future__ import annotations

from typing import Any

from openpas.engine.actions.base import Compiler, executor
from openpas.engine.actions.sending import SendingExecutor, name_of
from openpas.engine.effects import Escalate
from openpas.engine.runtime import Runtime
from openpas.errors import FlowError
from openpas.expr.types import DURATION, INTEGER, WORKGROUP
from openpas.expr.values import NOT_SET
from openpas.model.actions.send_work_item_to_workgroup import SendWorkItemToWorkgroup


@executor
class SendWorkItemToWorkgroupExecutor(SendingExecutor):
    kind = "send work item to workgroup"
    routing = "workgroup"

    def __init__(self, spec: SendWorkItemToWorkgroup, compiler: Compiler) -> None:
        super().__init__(spec, compiler)
        self.workgroup = compiler.value(spec.workgroup, WORKGROUP)
        self.skills = [(name, compiler.value(raw, INTEGER)) for name, raw in spec.skills.items()]
        self.offer_timeout = (
            compiler.value(spec.offer_timeout, DURATION) if spec.offer_timeout else None
        )
        self.offer_to = spec.offer_to
        self.allocate = spec.allocate
        escalate = spec.escalate
        self.escalate_after = compiler.value(escalate.after, DURATION) if escalate else None
        self.escalate_to = (
            compiler.value(escalate.workgroup, WORKGROUP)
            if escalate and escalate.workgroup is not None
            else None
        )
        self.escalate_supervisors = bool(escalate and escalate.supervisors)

    def target(self, runtime: Runtime) -> str:
        return name_of(self.workgroup(runtime), "workgroup")

    def routing_options(self, runtime: Runtime) -> dict[str, Any]:
        skills = {}
        for name, evaluate in self.skills:
            level = evaluate(runtime)
            if level is NOT_SET or not 1 <= int(level) <= 100:
                raise FlowError(f"the proficiency required for {name} must be 1..100")
            skills[name] = int(level)
        offer = self.offer_timeout(runtime) if self.offer_timeout else None
        escalate = None
        if self.escalate_after is not None:
            after = self.escalate_after(runtime)
            to = name_of(self.escalate_to(runtime), "workgroup") if self.escalate_to else None
            escalate = Escalate(after.total_seconds(), to, self.escalate_supervisors)
        return {
            "skills": skills,
            "offer_timeout": None if offer in (None, NOT_SET) else offer.total_seconds(),
            "offer_to": self.offer_to,
            "allocate": self.allocate,
            "escalate": escalate,
        }
