"""Runs Assign: evaluate each value, check it, store it; one after the other."""

from __future__ import annotations

from openpas.engine.actions.base import Compiler, Executor, Next, Outcome, executor
from openpas.engine.runtime import Runtime
from openpas.model.actions.assign import Assign


@executor
class AssignExecutor(Executor):
    kind = "assign"

    def __init__(self, spec: Assign, compiler: Compiler) -> None:
        super().__init__(spec, compiler)
        self.steps = [
            (compiler.setter(target), compiler.value(raw, compiler.target_type(target)))
            for target, raw in spec.assignments()
        ]

    def run(self, runtime: Runtime) -> Outcome:
        # Later assignments see earlier ones, as the designer wrote them top to bottom.
        # All or nothing: when one fails, the earlier ones are undone, so that a retry
        # after the flow's error does not apply them twice (Count: =Count + 1).
        saved = (dict(runtime.variables), dict(runtime.local)) if len(self.steps) > 1 else None
        try:
            for setter, evaluate in self.steps:
                setter.set(runtime, evaluate(runtime))
        except Exception:
            if saved is not None:
                runtime.variables.clear()
                runtime.variables.update(saved[0])
                runtime.local.clear()
                runtime.local.update(saved[1])
            raise
        return Next()
