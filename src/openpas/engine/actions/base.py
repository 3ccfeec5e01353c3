"""What every executor shares: the outcomes an action can have, and compiling its values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from openpas.engine.runtime import Runtime, Setter
from openpas.errors import FlowError
from openpas.expr import compile_expression, values
from openpas.expr.scope import FLOW
from openpas.expr.types import Type
from openpas.model.actions.base import ActionSpec
from openpas.model.definition import Definition
from openpas.model.scopes import NameScope, parse_target

Evaluator = Callable[[Runtime], Any]


class Outcome:
    """What happened when an action ran; the interpreter moves the flow accordingly."""


@dataclass(frozen=True)
class Next(Outcome):
    """Continue with the next action of the block (after asking for ``effects``)."""

    effects: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Enter(Outcome):
    """Continue with the block of this exit (or body); then after the action."""

    block: str


@dataclass(frozen=True)
class Call(Outcome):
    """Run a task with these input values (by the task's variable names)."""

    task: str
    inputs: dict[str, Any]


@dataclass(frozen=True)
class Return(Outcome):
    """Leave the task through this exit."""

    exit: str


@dataclass(frozen=True)
class Goto(Outcome):
    """Leave the state for another one, with values for its inputs."""

    state: str
    inputs: dict[str, Any]


@dataclass(frozen=True)
class Finish(Outcome):
    """The flow is complete."""


@dataclass(frozen=True)
class Suspend(Outcome):
    """The flow waits; ``effects`` are what the server must do for it."""

    kind: str
    key: str
    detail: dict[str, Any] = field(default_factory=dict)
    effects: tuple[Any, ...] = ()


class Compiler:
    """Compiles the values of the actions of one state, task or work item."""

    def __init__(self, definition: Definition, scope: NameScope) -> None:
        self.definition = definition
        self.scope = scope

    def expression(self, raw: Any, expected: Type | None = None) -> Evaluator:
        """An evaluator of an expression (a leading ``=`` is optional) or of a literal."""
        if not isinstance(raw, str):
            if expected is None:
                raise FlowError(f"expected an expression, got {raw!r}")
            constant = values.coerce(
                values.parse_literal(raw, expected, self.definition.zone), expected
            )
            return lambda runtime: constant
        source = raw[1:] if raw.startswith("=") else raw
        compiled = compile_expression(source, self.scope, expected)
        if expected is None:
            return compiled.evaluate
        return lambda runtime: values.coerce(compiled.evaluate(runtime), expected)

    def typed(self, raw: Any) -> tuple[Evaluator, Type]:
        """An evaluator of an expression, with the type it gives."""
        source = raw[1:] if isinstance(raw, str) and raw.startswith("=") else str(raw)
        compiled = compile_expression(source, self.scope)
        return compiled.evaluate, compiled.type

    def value(self, raw: Any, expected: Type) -> Evaluator:
        """A literal read by ``expected``, or an ``=expression``."""
        if isinstance(raw, str) and raw.startswith("="):
            return self.expression(raw, expected)
        constant = values.coerce(
            values.parse_literal(raw, expected, self.definition.zone), expected
        )
        return lambda runtime: constant

    def setter(self, raw: str) -> Setter:
        """A setter for a target (``Name``, ``Local.Name``, ``Car.Make``)."""
        target = parse_target(raw)
        ref = self.scope.resolve(target.prefix, target.name)
        variable = self.scope.variable(ref)
        if variable is None or ref.scope == FLOW:
            raise FlowError(f"{raw} cannot be written")
        return Setter(ref.scope, variable, target.fields)

    def target_type(self, raw: str) -> Type:
        target = parse_target(raw)
        ref = self.scope.resolve(target.prefix, target.name)
        current = ref.type
        for name in target.fields:
            nxt = current.field(name)
            assert nxt is not None
            current = nxt
        return current


class Executor:
    """Runs one action of a definition; built once per action and reused."""

    kind: ClassVar[str]

    def __init__(self, spec: ActionSpec, compiler: Compiler) -> None:
        self.spec = spec

    def run(self, runtime: Runtime) -> Outcome:
        raise NotImplementedError

    def complete(self, runtime: Runtime, event: dict[str, Any]) -> str:
        """The exit to take when what the action waited for happened (``event``)."""
        return str(event.get("exit", "done"))


_EXECUTORS: dict[str, type[Executor]] = {}


def executor(cls: type[Executor]) -> type[Executor]:
    """Class decorator: register the executor of an action kind."""
    _EXECUTORS[cls.kind] = cls
    return cls


def executor_for(kind: str) -> type[Executor]:
    try:
        return _EXECUTORS[kind]
    except KeyError:
        raise FlowError(f"this openpas cannot run the action {kind!r}") from None
