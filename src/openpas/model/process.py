"""The process document: variables, states, tasks, work items and custom types."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from pydantic import Field

from openpas.model.actions import BlockType
from openpas.model.forms import WorkItemSpec
from openpas.model.spec import Spec
from openpas.model.variables import Access, TypeDecl, VariableDecl, Variables

if TYPE_CHECKING:
    from openpas.model.actions.base import Block

FORMAT = 1
"""The version of the document format this release writes and reads."""


class Scoped(Spec):
    """Something with variables: ``variables``, plus ``inputs``/``outputs`` as shorthands."""

    variables: Variables = Field(default_factory=dict)
    inputs: Variables = Field(default_factory=dict, description="Variables with input access.")
    outputs: Variables = Field(default_factory=dict, description="Variables with output access.")

    def declarations(self) -> Iterator[tuple[str, str, VariableDecl]]:
        """Every declaration as (section, name, declaration with its effective access)."""
        for name, decl in self.variables.items():
            yield "variables", name, decl
        for name, decl in self.inputs.items():
            access = Access.INPUT_OUTPUT if name in self.outputs else Access.INPUT
            yield "inputs", name, decl.model_copy(update={"access": access})
        for name, decl in self.outputs.items():
            # A name in both is one input-output variable; both declarations are
            # yielded so that the validator can check they agree.
            access = Access.INPUT_OUTPUT if name in self.inputs else Access.OUTPUT
            yield "outputs", name, decl.model_copy(update={"access": access})


class StateSpec(Scoped):
    """A stage of the process: its own variables and inputs, and its actions."""

    description: str = ""
    actions: Block = ()


class TaskSpec(Scoped):
    """A reusable unit called by Run Task; ends through End Task."""

    description: str = ""
    actions: Block = ()


class ProcessSpec(Scoped):
    """A process definition as written."""

    format: int = Field(FORMAT, description="The document format version.")
    name: str = Field(alias="process")
    description: str = ""
    start: str = Field(description="The state a new flow starts in.")
    details: list[str] = Field(
        default_factory=list, description="The variables that identify a flow to people."
    )
    timezone: str = Field("UTC", description="The zone of dates and times written without one.")
    types: dict[str, TypeDecl] = Field(default_factory=dict)
    states: dict[str, StateSpec] = Field(default_factory=dict)
    tasks: dict[str, TaskSpec] = Field(default_factory=dict)
    work_items: dict[str, WorkItemSpec] = Field(default_factory=dict, alias="work items")


StateSpec.model_rebuild(_types_namespace={"Block": BlockType})
TaskSpec.model_rebuild(_types_namespace={"Block": BlockType})
ProcessSpec.model_rebuild()
