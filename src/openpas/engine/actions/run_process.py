"""Runs Run Process: the server starts the subprocess in the same transaction."""

from __future__ import annotations

from typing import Any

from openpas.engine.actions.base import Compiler, Executor, Next, Outcome, Suspend, executor
from openpas.engine.effects import StartProcess
from openpas.engine.runtime import Runtime, Setter
from openpas.model.actions.run_process import SUCCESS, RunProcess


@executor
class RunProcessExecutor(Executor):
    kind = "run process"

    def __init__(self, spec: RunProcess, compiler: Compiler) -> None:
        super().__init__(spec, compiler)
        self.process = spec.process
        self.wait = spec.wait
        self.inputs = [(n, compiler.expression(raw)) for n, raw in spec.inputs.items()]
        self.outputs: list[tuple[str, Setter]] = [
            (name, compiler.setter(target)) for name, target in spec.outputs.items()
        ]

    def run(self, runtime: Runtime) -> Outcome:
        inputs = {name: evaluate(runtime) for name, evaluate in self.inputs}
        key = runtime.wait_key("subprocess")
        start = StartProcess(
            key, self.process, inputs, self.wait, tuple(n for n, _ in self.outputs)
        )
        if not self.wait:
            return Next((start,))
        return Suspend("subprocess", key, {"process": self.process}, (start,))

    def complete(self, runtime: Runtime, event: dict[str, Any]) -> str:
        """Take the subprocess's outputs."""
        outputs = event.get("outputs") or {}
        for name, setter in self.outputs:
            if name in outputs:
                setter.set(runtime, outputs[name])
        return SUCCESS
