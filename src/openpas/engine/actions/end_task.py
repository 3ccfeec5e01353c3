"""Runs End Task."""

from __future__ import annotations

from openpas.engine.actions.base import Compiler, Executor, Outcome, Return, executor
from openpas.engine.runtime import Runtime
from openpas.model.actions.end_task import EndTask


@executor
class EndTaskExecutor(Executor):
    kind = "end task"

    def __init__(self, spec: EndTask, compiler: Compiler) -> None:
        super().__init__(spec, compiler)
        self.exit = spec.exit

    def run(self, runtime: Runtime) -> Outcome:
        return Return(self.exit)
