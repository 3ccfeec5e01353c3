"""What the executors of both Send Work Item actions share."""

from __future__ import annotations

from typing import Any

from openpas.engine.actions.base import Compiler, Evaluator, Executor, Outcome, Suspend
from openpas.engine.effects import OpenWorkItem
from openpas.engine.runtime import Runtime, Setter, initial_values
from openpas.errors import FlowError
from openpas.expr import values
from openpas.expr.types import DATETIME, DURATION, INTEGER, STRING
from openpas.expr.values import NOT_SET
from openpas.model.actions.assign import Assign
from openpas.model.actions.loop import Loop
from openpas.model.actions.sending import FAILURE, TIMEOUT, SendWorkItem
from openpas.model.forms import ButtonKind, Direction, WorkItemSpec
from openpas.model.validator import iter_actions


def _bare(name: str) -> str:
    return name.split(".", 2)[1] if name.startswith(("Process.", "Local.")) else name.split(".")[0]


def written_variables(item: WorkItemSpec) -> set[str]:
    """Names the work item may change: fields people edit, targets of its buttons' actions."""
    written: set[str] = set()
    for page in item.pages:
        for control in page.controls:
            if control.field is not None and control.effective_direction is not Direction.DISPLAY:
                written.add(_bare(control.field))
        for button in page.buttons:
            for spec in iter_actions(button.actions):
                if isinstance(spec, Assign):
                    written.update(_bare(target) for target, _ in spec.assignments())
                elif isinstance(spec, Loop):
                    written.update(_bare(n) for n in (spec.item, spec.index) if n)
    return written


class SendingExecutor(Executor):
    """Sends the work item; takes the finishing button's values back into the flow."""

    routing: str

    def __init__(self, spec: SendWorkItem, compiler: Compiler) -> None:
        super().__init__(spec, compiler)
        definition = compiler.definition
        self.name = spec.work_item
        self.item = definition.work_item(spec.work_item)
        self.locals = definition.work_items[spec.work_item]
        # The item works on a copy of all process variables (its buttons' actions may read
        # any of them); only what people may edit, and what its actions assign, goes back.
        written = written_variables(self.item)
        self.read = sorted(definition.variables)
        self.written = sorted(
            n for n in written if n in definition.variables and n not in self.locals
        )
        self.setters = {name: compiler.setter(f"Process.{name}") for name in self.written}
        self.description = self._optional(compiler, spec.description, STRING)
        self.priority = self._optional(compiler, spec.priority, INTEGER)
        self.due = self._optional(compiler, spec.due, DATETIME)
        self.timeout = self._optional(compiler, spec.timeout, DURATION)
        self.inputs = [
            (name, compiler.value(raw, self.locals[name].type)) for name, raw in spec.inputs.items()
        ]
        self.outputs: list[tuple[str, Setter]] = [
            (name, compiler.setter(target)) for name, target in spec.outputs.items()
        ]
        self.submits = {
            button.name for button in self.item.exits().values() if button.kind is ButtonKind.SUBMIT
        }
        self.spec_exclude = tuple(spec.exclude)
        self.spec_prefer = spec.prefer
        self.zone = definition.zone

    @staticmethod
    def _optional(compiler: Compiler, raw: Any, expected: Any) -> Evaluator | None:
        return None if raw is None else compiler.value(raw, expected)

    def target(self, runtime: Runtime) -> str:
        raise NotImplementedError

    def routing_options(self, runtime: Runtime) -> dict[str, Any]:
        return {}

    def run(self, runtime: Runtime) -> Outcome:
        target = self.target(runtime)
        local = initial_values(self.locals, self.zone)
        for name, evaluate in self.inputs:
            local[name] = values.coerce(evaluate(runtime), self.locals[name].type)
        process = {name: runtime.variables.get(name, NOT_SET) for name in self.read}
        due = self.due(runtime) if self.due else None
        length = self.timeout(runtime) if self.timeout else None
        priority = self.priority(runtime) if self.priority else 0
        description = self.description(runtime) if self.description else ""
        key = runtime.wait_key("work item")
        effect = OpenWorkItem(
            key=key,
            work_item=self.name,
            routing=self.routing,
            target=target,
            values={"process": process, "local": local},
            description="" if description is NOT_SET else str(description),
            priority=0 if priority is NOT_SET else int(priority),
            due=None if due is NOT_SET else due,
            timeout_at=None if length in (None, NOT_SET) else runtime.now() + length,
            exclude=self.spec_exclude,
            prefer=self.spec_prefer,
            **self.routing_options(runtime),
        )
        return Suspend("work item", key, {"work item": self.name, self.routing: target}, (effect,))

    def complete(self, runtime: Runtime, event: dict[str, Any]) -> str:
        """The item was finished by ``event['exit']``: keep what the people entered."""
        exit_name = str(event.get("exit", FAILURE))
        if exit_name in (FAILURE, TIMEOUT):
            return exit_name
        data = event.get("values") or {}
        if exit_name in self.submits:
            entered = data.get("process", {})
            for name, setter in self.setters.items():
                if name in entered:
                    setter.set(runtime, entered[name])
        local = data.get("local", {})
        for name, setter in self.outputs:
            if name in local:
                setter.set(runtime, local[name])
        return exit_name


def name_of(value: Any, what: str) -> str:
    """The text of a user or workgroup value; FlowError when it is not set."""
    if value is NOT_SET or value is None or not str(value).strip():
        raise FlowError(f"the {what} to send the work item to is NOT SET")
    return str(value).strip()
