"""What every action kind shares, and the registry that makes documents of them.

An action is written as a one-key mapping, ``kind: parameters``; a kind without
parameters may be a bare string (``end process``), and some kinds take one
scalar (``change state: Review``). Each kind is a module of this package with
an :class:`ActionSpec` subclass: its parameters, its exits and its checks.
Adding a kind is adding a module; nothing else changes.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from pydantic import BeforeValidator, Field, create_model

from openpas.expr.types import Type
from openpas.model.spec import Raw, Spec
from openpas.model.variables import VariableDecl

if TYPE_CHECKING:
    from openpas.model.forms import WorkItemSpec
    from openpas.model.process import StateSpec, TaskSpec

Path = tuple[str | int, ...]


class Where(enum.Enum):
    """Where an action may stand."""

    ANYWHERE = "anywhere"
    STATE = "state"
    """Only in a state's actions (Change State, End Process)."""
    TASK = "task"
    """Only in a task's actions (End Task)."""
    PAGE = "page"
    """Between the pages of a work item (a button's actions)."""


@dataclass(frozen=True)
class Declared:
    """A variable as the checker knows it: its resolved type and its declaration."""

    name: str
    type: Type
    decl: VariableDecl


class CheckContext(Protocol):
    """What an action's check may ask of the validator; paths are relative to the action."""

    @property
    def where(self) -> Where:
        """The kind of container the action stands in."""
        ...

    def problem(self, path: Path, message: str, code: str = "invalid") -> None:
        """Report a problem at ``path`` below the action's parameters."""
        ...

    def expression(self, raw: Raw, path: Path, expected: Type | None = None) -> Type | None:
        """Check an expression (a leading ``=`` is optional); its type, or None after a problem."""
        ...

    def value(self, raw: Raw, path: Path, expected: Type) -> None:
        """Check a literal (read by ``expected``) or an ``=expression`` giving ``expected``."""
        ...

    def target(self, raw: Raw, path: Path) -> Type | None:
        """Check a variable (or ``Var.Field``) that is written; its type, or None."""
        ...

    def type_named(self, raw: Raw, path: Path) -> Type | None:
        """Resolve a type name (``integer``, ``Vehicle``, ``list<string>``)."""
        ...

    def state(self, raw: Raw, path: Path) -> StateSpec | None:
        """The state of that name, or None after reporting it unknown."""
        ...

    def task(self, raw: Raw, path: Path) -> TaskSpec | None:
        """The task of that name, or None after reporting it unknown."""
        ...

    def work_item(self, raw: Raw, path: Path) -> WorkItemSpec | None:
        """The work item of that name, or None after reporting it unknown."""
        ...

    def find_work_item(self, name: str) -> WorkItemSpec | None:
        """The work item of that name, or None (without reporting anything)."""
        ...

    def variables_of(self, scope: StateSpec | TaskSpec | WorkItemSpec) -> Mapping[str, Declared]:
        """The declared variables of a state, task or work item, with their types."""
        ...

    def task_exits(self, name: str) -> frozenset[str]:
        """The exit names a task's End Task actions use (``default`` included)."""
        ...


class ActionSpec(Spec):
    """The parameters of one action kind, with its exits and checks."""

    kind: ClassVar[str]
    """The key that names the kind in documents: ``assign``, ``run task``..."""
    where: ClassVar[Where] = Where.ANYWHERE
    bare: ClassVar[bool] = False
    """It may be written with no parameters at all (``end process``)."""
    scalar: ClassVar[str | None] = None
    """A lone scalar stands for this parameter (``change state: Review``)."""
    terminal: ClassVar[bool] = False
    """It leaves the current state or task: nothing after it in a block can run."""
    waits: ClassVar[bool] = False
    """It may make the flow wait (a person, a timer, an outside call)."""
    sends_outside: ClassVar[bool] = False
    """It sends values outside openpas (an e-mail...), where security specifications cannot
    follow them. Such a kind declares an ``allow_secured: bool`` parameter (``allow
    secured``); unless it is true, validation refuses any expression of the action that
    reads a variable with a security specification. Handlers are trusted server code:
    ``run handler`` does not count as sending outside."""

    def exits(self, ctx: CheckContext | None = None) -> dict[str, Block]:
        """Every way out of the action, each with its block (empty when not written).

        Exactly one exit is taken each time the action runs; a block that ends
        continues after the action.
        """
        return {}

    def bodies(self) -> dict[str, Block]:
        """Nested blocks that are not alternative exits (a loop's body)."""
        return {}

    def block_path(self, name: str) -> Path:
        """Where the block of an exit or body is written, below the parameters."""
        return (name,)

    def check(self, ctx: CheckContext) -> None:
        """Report every problem of the parameters through ``ctx``."""

    def transitions(self) -> Iterable[str]:
        """The states this action itself may change to (for diagrams and reachability)."""
        return ()

    def calls(self) -> Iterable[str]:
        """The tasks this action itself calls."""
        return ()


class ActionNode(Spec):
    """One action as written: ``{kind: parameters}``."""

    kind: ClassVar[str] = ""

    @property
    def spec(self) -> ActionSpec:
        value = getattr(self, "params", None)
        assert isinstance(value, ActionSpec)
        return value


Block = tuple[ActionNode, ...]
"""A sequence of actions (a state's or task's actions, an exit, a loop body)."""

_KINDS: dict[str, type[ActionSpec]] = {}
_NODES: dict[str, type[ActionNode]] = {}


def action(cls: type[ActionSpec]) -> type[ActionSpec]:
    """Class decorator: register an action kind."""
    if cls.kind in _KINDS:
        raise RuntimeError(f"action kind {cls.kind!r} is registered twice")
    _KINDS[cls.kind] = cls
    return cls


def kinds() -> Mapping[str, type[ActionSpec]]:
    """Every registered action kind by its document key."""
    return dict(_KINDS)


def node_class(kind: str) -> type[ActionNode]:
    """The node class of a kind (after :func:`build`)."""
    return _NODES[kind]


def make(kind: str, spec: ActionSpec) -> ActionNode:
    """An action node holding ``spec`` (for building definitions in code and tests)."""
    return _NODES[kind].model_validate({kind: spec})


def _expander(cls: type[ActionSpec]) -> Any:
    def expand(value: Any) -> Any:
        if value is None and cls.bare:
            return {}
        if cls.scalar and isinstance(value, str | int | bool | Decimal | None):
            return {cls.scalar: value}
        return value

    return expand


def kind_of(value: Any) -> str | None:
    """The kind named by a raw action (the discriminator of the action union)."""
    if isinstance(value, ActionNode):
        return value.kind
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        key = next(iter(value))
        return key if isinstance(key, str) else None
    return None


def _bare_to_mapping(value: Any) -> Any:
    if isinstance(value, str):
        return {value: None}
    return value


def build() -> Any:
    """Make one node class per registered kind and return the action union type."""
    from typing import Annotated, Union

    from pydantic import Discriminator, Tag

    for kind, cls in _KINDS.items():
        if kind in _NODES:
            continue
        field_type: Any = Annotated[cls, BeforeValidator(_expander(cls))]
        node = create_model(
            f"{cls.__name__}Node",
            __base__=ActionNode,
            __doc__=cls.__doc__,
            params=(field_type, Field(alias=kind)),
        )
        node.kind = kind
        _NODES[kind] = node
    members = tuple(Annotated[node, Tag(kind)] for kind, node in _NODES.items())
    return Annotated[
        Union[members],  # noqa: UP007 - built at run time
        Discriminator(kind_of),
        BeforeValidator(_bare_to_mapping),
    ]
