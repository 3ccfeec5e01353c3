"""Runs Run Task: call the task with its inputs; on return, take its outputs."""

from __future__ import annotations

from typing import Any

from openpas.engine.actions.base import Call, Compiler, Executor, Outcome, executor
from openpas.engine.runtime import Runtime
from openpas.model.actions.run_task import RunTask


@executor
class RunTaskExecutor(Executor):
    kind = "run task"

    def __init__(self, spec: RunTask, compiler: Compiler) -> None:
        super().__init__(spec, compiler)
        self.task = spec.task
        declared = compiler.definition.tasks[spec.task]
        self.inputs = [
            (name, compiler.value(raw, declared[name].type)) for name, raw in spec.inputs.items()
        ]
        self.outputs = [(name, compiler.setter(target)) for name, target in spec.outputs.items()]

    def run(self, runtime: Runtime) -> Outcome:
        return Call(self.task, {name: evaluate(runtime) for name, evaluate in self.inputs})

    def returned(self, task_locals: dict[str, Any], runtime: Runtime) -> None:
        """Copy the task's outputs into the caller's variables."""
        for name, setter in self.outputs:
            setter.set(runtime, task_locals[name])
