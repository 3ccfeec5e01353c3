"""Names at one place of a definition: the process's variables, the local ones, ``Flow.*``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from openpas.expr import types as t
from openpas.expr.scope import FLOW, LOCAL, PREFIXES, PROCESS, UnknownName, VariableRef
from openpas.expr.types import Type
from openpas.model.constraints import Rules
from openpas.model.naming import suggest
from openpas.model.variables import VariableDecl

FLOW_FACTS: dict[str, Type] = {
    "Id": t.INTEGER,
    "Originator": t.USER,
    "Process": t.STRING,
    "Version": t.INTEGER,
    "Started": t.DATETIME,
    "Test": t.BOOLEAN,
    "State": t.STRING,
}
"""Read-only facts about the running flow, read as ``Flow.Id``, ``Flow.Originator``..."""


@dataclass(frozen=True)
class Variable:
    """A declared variable with its resolved type and its rules."""

    name: str
    type: Type
    decl: VariableDecl
    rules: Rules


class NameScope:
    """A :class:`~openpas.expr.scope.StaticScope` over process and local variables."""

    def __init__(
        self,
        process: Mapping[str, Variable],
        local: Mapping[str, Variable] | None = None,
        local_label: str = "",
    ) -> None:
        self.process = process
        self.local = local or {}
        self.local_label = local_label

    def resolve(self, prefix: str | None, name: str) -> VariableRef:
        if prefix is not None and prefix not in PREFIXES:
            raise UnknownName(f"unknown prefix {prefix!r}; use Process., Local. or Flow.")
        scope = PREFIXES.get(prefix) if prefix else None
        if scope == FLOW:
            fact = FLOW_FACTS.get(name)
            if fact is None:
                raise UnknownName(
                    f"Flow has no fact {name!r}{suggest(name, FLOW_FACTS)}; "
                    f"it has {', '.join(FLOW_FACTS)}"
                )
            return VariableRef(FLOW, name, fact)
        if scope == PROCESS:
            return self._from(self.process, PROCESS, name, "process variable")
        if scope == LOCAL:
            what = f"local variable of {self.local_label}" if self.local_label else "local variable"
            return self._from(self.local, LOCAL, name, what)
        in_local, in_process = name in self.local, name in self.process
        if in_local and in_process:
            raise UnknownName(
                f"{name!r} is both a process and a local variable; "
                f"write Process.{name} or Local.{name}"
            )
        if in_local:
            return VariableRef(LOCAL, name, self.local[name].type)
        if in_process:
            return VariableRef(PROCESS, name, self.process[name].type)
        known = [*self.local, *self.process]
        raise UnknownName(f"unknown variable {name!r}{suggest(name, known)}")

    @staticmethod
    def _from(table: Mapping[str, Variable], scope: str, name: str, what: str) -> VariableRef:
        variable = table.get(name)
        if variable is None:
            raise UnknownName(f"there is no {what} {name!r}{suggest(name, table)}")
        return VariableRef(scope, name, variable.type)

    def variable(self, ref: VariableRef) -> Variable | None:
        """The declaration behind a resolved reference (None for ``Flow`` facts)."""
        table = self.local if ref.scope == LOCAL else self.process if ref.scope == PROCESS else {}
        return table.get(ref.name)


@dataclass(frozen=True)
class Target:
    """A place an action writes: a variable, possibly a field of it (``Car.Make``)."""

    prefix: str | None
    name: str
    fields: tuple[str, ...] = ()

    def __str__(self) -> str:
        head = f"{self.prefix}.{self.name}" if self.prefix else self.name
        return ".".join((head, *self.fields))


def parse_target(text: str) -> Target:
    """Read ``Name``, ``Process.Name``, ``Local.Name`` or ``Name.Field.Field``.

    Raises:
        ValueError: the text is not a target; the message says what is expected.
    """
    parts = text.strip().split(".") if isinstance(text, str) else []
    if not parts or any(not p or not (p[0].isalpha() or p[0] == "_") for p in parts):
        raise ValueError(f"{text!r} is not a variable name such as Status or Car.Make")
    if any(not all(c.isalnum() or c == "_" for c in p) for p in parts):
        raise ValueError(f"{text!r} is not a variable name such as Status or Car.Make")
    if parts[0] in PREFIXES:
        if len(parts) < 2:
            raise ValueError(f"{text!r} names no variable after {parts[0]}.")
        return Target(parts[0], parts[1], tuple(parts[2:]))
    return Target(None, parts[0], tuple(parts[1:]))
