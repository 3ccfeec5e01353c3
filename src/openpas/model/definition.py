"""A validated process definition: the document plus everything resolved from it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from openpas.errors import Problem
from openpas.expr.types import Type
from openpas.model.forms import WorkItemSpec
from openpas.model.process import ProcessSpec, StateSpec, TaskSpec
from openpas.model.scopes import NameScope, Variable


@dataclass(frozen=True)
class Definition:
    """A process definition that passed validation; only these can be published and run.

    Attributes:
        spec: the document as written.
        types: the custom types, resolved.
        variables: the process variables.
        states, tasks, work_items: the local variables of each, by element name.
        zone: the time zone of the process.
        warnings: problems that do not prevent running (an unused task...).
        text: the document's source text, as published.
    """

    spec: ProcessSpec
    types: Mapping[str, Type]
    variables: Mapping[str, Variable]
    states: Mapping[str, Mapping[str, Variable]]
    tasks: Mapping[str, Mapping[str, Variable]]
    work_items: Mapping[str, Mapping[str, Variable]]
    zone: dt.tzinfo
    warnings: tuple[Problem, ...] = ()
    text: str = field(default="", repr=False)

    @property
    def name(self) -> str:
        return self.spec.name

    def state(self, name: str) -> StateSpec:
        return self.spec.states[name]

    def task(self, name: str) -> TaskSpec:
        return self.spec.tasks[name]

    def work_item(self, name: str) -> WorkItemSpec:
        return self.spec.work_items[name]

    def scope(self, kind: str, name: str) -> NameScope:
        """The names visible in a state, a task or a work item (``kind`` says which)."""
        tables = {"state": self.states, "task": self.tasks, "work item": self.work_items}
        return NameScope(self.variables, tables[kind][name], f"{kind} {name!r}")

    def locals_of(self, kind: str, name: str) -> Mapping[str, Variable]:
        tables = {"state": self.states, "task": self.tasks, "work item": self.work_items}
        return tables[kind][name]
