"""Runs Decision: the yes or the no block."""

from __future__ import annotations

from openpas.engine.actions.base import Compiler, Enter, Executor, Outcome, executor
from openpas.engine.runtime import Runtime
from openpas.expr.types import BOOLEAN
from openpas.model.actions.decision import Decision


@executor
class DecisionExecutor(Executor):
    kind = "decision"

    def __init__(self, spec: Decision, compiler: Compiler) -> None:
        super().__init__(spec, compiler)
        self.condition = compiler.expression(spec.condition, BOOLEAN)

    def run(self, runtime: Runtime) -> Outcome:
        return Enter("yes" if self.condition(runtime) is True else "no")
