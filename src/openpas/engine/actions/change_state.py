"""Runs Change State: evaluate the target state's inputs, then go there."""

from __future__ import annotations

from openpas.engine.actions.base import Compiler, Executor, Goto, Outcome, executor
from openpas.engine.runtime import Runtime
from openpas.model.actions.change_state import ChangeState


@executor
class ChangeStateExecutor(Executor):
    kind = "change state"

    def __init__(self, spec: ChangeState, compiler: Compiler) -> None:
        super().__init__(spec, compiler)
        self.state = spec.state
        declared = compiler.definition.states[spec.state]
        self.inputs = [
            (name, compiler.value(raw, declared[name].type)) for name, raw in spec.inputs.items()
        ]

    def run(self, runtime: Runtime) -> Outcome:
        return Goto(self.state, {name: evaluate(runtime) for name, evaluate in self.inputs})
