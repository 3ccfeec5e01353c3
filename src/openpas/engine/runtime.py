"""What an action sees while it runs: values to read, variables to write, the clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from openpas.errors import FlowError
from openpas.expr import values
from openpas.expr.scope import FLOW, LOCAL, PROCESS, VariableRef
from openpas.expr.types import Kind, Type
from openpas.expr.values import NOT_SET, Record, UserRef
from openpas.model.scopes import Variable


@dataclass(frozen=True)
class Facts:
    """Read-only facts about a flow (``Flow.Id``, ``Flow.Originator``...)."""

    id: int
    process: str
    version: int
    originator: str
    started: dt.datetime
    test: bool = False

    def value(self, name: str, state: str | None) -> Any:
        if name == "Id":
            return self.id
        if name == "Originator":
            return UserRef(self.originator)
        if name == "Process":
            return self.process
        if name == "Version":
            return self.version
        if name == "Started":
            return self.started
        if name == "Test":
            return self.test
        if name == "State":
            return state if state is not None else NOT_SET
        raise FlowError(f"unknown flow fact {name!r}")


class Runtime:
    """The :class:`~openpas.expr.scope.RuntimeScope` of one action, plus writing."""

    def __init__(
        self,
        variables: dict[str, Any],
        local: dict[str, Any],
        facts: Facts,
        state: str | None,
        now: dt.datetime,
        zone: dt.tzinfo,
        step: int = 0,
    ) -> None:
        self.step = step
        self.variables = variables
        self.local = local
        self.facts = facts
        self.state = state
        self._now = now
        self._zone = zone

    def value(self, ref: VariableRef) -> Any:
        if ref.scope == LOCAL:
            return self.local.get(ref.name, NOT_SET)
        if ref.scope == PROCESS:
            return self.variables.get(ref.name, NOT_SET)
        if ref.scope == FLOW:
            return self.facts.value(ref.name, self.state)
        raise FlowError(f"unknown scope {ref.scope!r}")

    def now(self) -> dt.datetime:
        return self._now

    def zone(self) -> dt.tzinfo:
        return self._zone

    def wait_key(self, kind: str) -> str:
        """A key for what the flow now waits on, unique within the flow."""
        return f"{kind}-{self.step}"

    def table(self, scope: str) -> dict[str, Any]:
        return self.local if scope == LOCAL else self.variables


@dataclass(frozen=True)
class Setter:
    """Writes one variable or field, after checking the value against its rules."""

    scope: str
    variable: Variable
    fields: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        prefix = "Local" if self.scope == LOCAL else "Process"
        return ".".join((f"{prefix}.{self.variable.name}", *self.fields))

    @property
    def type(self) -> Type:
        current = self.variable.type
        for name in self.fields:
            found = current.field(name)
            assert found is not None  # checked when the definition was validated
            current = found
        return current

    def set(self, runtime: Runtime, value: Any) -> None:
        target = self.type
        # Values checked by the expression language always conform; values from outside
        # (handlers, subprocesses) are checked here, before they are stored.
        if not values.conforms(values.coerce(value, target), target):
            # The value itself stays out of the message: errors reach logs and monitors.
            given = type(value).__name__
            raise FlowError(f"{self.label} is a {target}; the value given is a {given}")
        table = runtime.table(self.scope)
        if not self.fields:
            table[self.variable.name] = checked(self.variable, value, self.label)
            return
        table[self.variable.name] = self._replace(
            table.get(self.variable.name, NOT_SET), self.variable.type, self.fields, value
        )
        checked(self.variable, table[self.variable.name], self.label)

    def _replace(self, record: Any, type_: Type, fields: tuple[str, ...], value: Any) -> Any:
        if record is NOT_SET:
            record = values.empty_record(type_)
        if not isinstance(record, Record):
            raise FlowError(f"{self.label}: cannot set a field of a {type_}")
        name, rest = fields[0], fields[1:]
        field_type = type_.field(name)
        assert field_type is not None  # checked when the definition was validated
        new = (
            self._replace(record.get(name, NOT_SET), field_type, rest, value)
            if rest
            else values.coerce(value, field_type)
        )
        return record.replace(name, new)


def checked(variable: Variable, value: Any, label: str | None = None) -> Any:
    """``value`` widened to the variable's type and cleaned up; FlowError when it breaks a rule."""
    value = variable.rules.normalize(values.coerce(value, variable.type))
    broken = variable.rules.violations(value)
    if broken:
        raise FlowError(f"{label or variable.name}: {'; '.join(broken)}")
    return value


def initial_values(
    declared: Mapping[str, Variable], zone: dt.tzinfo, given: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Variables with their literal initial values; ``=expressions`` are evaluated later."""
    result: dict[str, Any] = {}
    for name, variable in declared.items():
        raw = variable.decl.initial
        if given is not None and name in given:
            result[name] = given[name]
        elif raw is None or (isinstance(raw, str) and raw.startswith("=")):
            result[name] = _empty(variable.type)
        else:
            result[name] = values.coerce(
                values.parse_literal(raw, variable.type, zone), variable.type
            )
    return result


def _empty(type_: Type) -> Any:
    """Collections start empty, everything else NOT SET."""
    return NOT_SET if type_.kind is not Kind.LIST else ()
