"""Runs Wait: the flow sleeps on a timer row until it is due."""

from __future__ import annotations

from openpas.engine.actions.base import Compiler, Executor, Outcome, Suspend, executor
from openpas.engine.effects import StartTimer
from openpas.engine.runtime import Runtime
from openpas.errors import FlowError
from openpas.expr.types import DATETIME, DURATION
from openpas.expr.values import NOT_SET
from openpas.model.actions.wait import Wait


@executor
class WaitExecutor(Executor):
    kind = "wait"

    def __init__(self, spec: Wait, compiler: Compiler) -> None:
        super().__init__(spec, compiler)
        self.duration = compiler.value(spec.for_, DURATION) if spec.for_ is not None else None
        self.until = compiler.value(spec.until, DATETIME) if spec.until is not None else None

    def run(self, runtime: Runtime) -> Outcome:
        if self.duration is not None:
            length = self.duration(runtime)
            if length is NOT_SET:
                raise FlowError("the duration to wait is NOT SET")
            due = runtime.now() + length
        else:
            assert self.until is not None
            due = self.until(runtime)
            if due is NOT_SET:
                raise FlowError("the time to wait until is NOT SET")
        key = runtime.wait_key("timer")
        return Suspend("timer", key, {"due": due.isoformat()}, (StartTimer(key, due),))
