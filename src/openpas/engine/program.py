"""A definition made ready to run: its blocks by path, its actions compiled on first use."""

from __future__ import annotations

from openpas.engine import actions as _executors  # noqa: F401 - registers the executors
from openpas.engine.actions.base import Compiler, Executor, executor_for
from openpas.engine.position import BlockPath
from openpas.model.actions.base import ActionNode
from openpas.model.definition import Definition

Block = tuple[ActionNode, ...]

SEPARATOR = "\x1f"
"""Joins work item, page and button in the name of a button's frame."""


def button_name(work_item: str, page: int, button: int) -> str:
    """The frame name of the actions of a button (run between two pages)."""
    return f"{work_item}{SEPARATOR}{page}{SEPARATOR}{button}"


def button_actions(definition: Definition, name: str) -> Block:
    work_item, page, button = name.split(SEPARATOR)
    return definition.work_item(work_item).pages[int(page)].buttons[int(button)].actions


class Program:
    """Blocks and compiled executors of one process version.

    Compiling is lazy: a flow pays only for the actions it reaches, and each
    is compiled once per process version, whatever the number of flows.
    """

    def __init__(self, definition: Definition) -> None:
        self.definition = definition
        self._blocks: dict[tuple[str, str, BlockPath], Block] = {}
        self._executors: dict[tuple[str, str, BlockPath, int], Executor] = {}
        self._compilers: dict[tuple[str, str], Compiler] = {}

    def block(self, kind: str, name: str, path: BlockPath) -> Block:
        """The block at ``path`` of a state's or task's actions."""
        key = (kind, name, path)
        found = self._blocks.get(key)
        if found is None:
            if not path and kind == "button":
                found = button_actions(self.definition, name)
            elif not path:
                container = (
                    self.definition.state(name) if kind == "state" else self.definition.task(name)
                )
                found = container.actions
            else:
                parent = self.block(kind, name, path[:-2])
                index, block_name = path[-2], path[-1]
                assert isinstance(index, int) and isinstance(block_name, str)
                spec = parent[index].spec
                found = spec.exits(None).get(block_name) or spec.bodies().get(block_name) or ()
            self._blocks[key] = found
        return found

    def executor(self, kind: str, name: str, path: BlockPath, index: int) -> Executor:
        """The compiled action at ``index`` of the block at ``path``."""
        key = (kind, name, path, index)
        found = self._executors.get(key)
        if found is None:
            node = self.block(kind, name, path)[index]
            found = executor_for(node.kind)(node.spec, self.compiler(kind, name))
            self._executors[key] = found
        return found

    def compiler(self, kind: str, name: str) -> Compiler:
        key = (kind, name)
        found = self._compilers.get(key)
        if found is None:
            if kind == "button":  # a button's actions see the work item's variables
                kind, name = "work item", name.split(SEPARATOR, 1)[0]
            found = Compiler(self.definition, self.definition.scope(kind, name))
            self._compilers[key] = found
        return found
