"""Runs Run Handler: the call itself is made by the server, after the flow is saved."""

from __future__ import annotations

from typing import Any

from openpas.engine.actions.base import Compiler, Executor, Next, Outcome, Suspend, executor
from openpas.engine.effects import CallHandler
from openpas.engine.runtime import Runtime, Setter
from openpas.expr.types import DURATION
from openpas.expr.values import NOT_SET
from openpas.model.actions.run_handler import FAILURE, SUCCESS, TIMEOUT, RunHandler


@executor
class RunHandlerExecutor(Executor):
    kind = "run handler"

    def __init__(self, spec: RunHandler, compiler: Compiler) -> None:
        super().__init__(spec, compiler)
        self.handler = spec.handler
        self.wait = spec.wait
        self.retry = spec.retry
        self.parameters = [(n, compiler.expression(raw)) for n, raw in spec.parameters.items()]
        self.results: list[tuple[str, Setter]] = [
            (name, compiler.setter(target)) for name, target in spec.results.items()
        ]
        self.timeout = compiler.value(spec.timeout, DURATION) if spec.timeout is not None else None
        self.exit_names = set(spec.exits())

    def run(self, runtime: Runtime) -> Outcome:
        parameters = {name: evaluate(runtime) for name, evaluate in self.parameters}
        seconds: float | None = None
        if self.timeout is not None:
            length = self.timeout(runtime)
            seconds = None if length is NOT_SET else length.total_seconds()
        key = runtime.wait_key("call")
        call = CallHandler(
            key,
            self.handler,
            parameters,
            self.wait,
            seconds if seconds else None,
            default_timeout=self.timeout is None,
            retry=self.retry,
        )
        if not self.wait:
            return Next((call,))
        return Suspend("call", key, {"handler": self.handler}, (call,))

    def complete(self, runtime: Runtime, event: dict[str, Any]) -> str:
        """Take the handler's reply: store its outputs and choose the exit."""
        outcome = str(event.get("exit", SUCCESS))
        if outcome in (FAILURE, TIMEOUT):
            return outcome
        outputs = event.get("outputs") or {}
        for name, setter in self.results:
            if name in outputs:
                setter.set(runtime, outputs[name])
        if outcome != SUCCESS and outcome not in self.exit_names:
            return FAILURE
        return outcome
