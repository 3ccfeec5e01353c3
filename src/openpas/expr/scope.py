"""How expressions find variables: statically when checked, and at run time.

The expression language knows nothing of processes. A :class:`StaticScope`
(built by the model from the declarations visible at one place of a
definition) turns names into :class:`VariableRef` s with their types; a
:class:`RuntimeScope` (built by the engine) gives their current values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from openpas.expr.types import Type

PROCESS = "process"
"""Variables of the whole process: ``Process.Name`` (or a bare ``Name``)."""
LOCAL = "local"
"""Variables of the current state, task or work item: ``Local.Name``."""
FLOW = "flow"
"""Read-only facts about the running flow: ``Flow.Id``, ``Flow.Originator``..."""

PREFIXES = {"Process": PROCESS, "Local": LOCAL, "Flow": FLOW}
"""The words that may qualify a name in an expression, and the scope each selects."""


@dataclass(frozen=True)
class VariableRef:
    """A variable an expression reads, resolved when the expression was checked."""

    scope: str
    name: str
    type: Type

    def __str__(self) -> str:
        prefix = {PROCESS: "Process", LOCAL: "Local", FLOW: "Flow"}.get(self.scope, self.scope)
        return f"{prefix}.{self.name}"


class UnknownName(LookupError):
    """A name could not be resolved; the message says why (unknown, ambiguous...)."""

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else "unknown name"


class StaticScope(Protocol):
    """The names visible to an expression while it is checked."""

    def resolve(self, prefix: str | None, name: str) -> VariableRef:
        """Resolve ``name`` (``prefix`` is ``"Process"``, ``"Local"``, ``"Flow"`` or None).

        Raises:
            UnknownName: with a message such as ``unknown variable 'CreditScor'
                (did you mean 'CreditScore'?)`` or ``'Status' is both a process
                and a local variable; write Process.Status or Local.Status``.
        """
        ...


class RuntimeScope(Protocol):
    """The values an expression reads while it is evaluated."""

    def value(self, ref: VariableRef) -> Any:
        """The current value of a variable (may be ``NOT_SET``)."""
        ...

    def now(self) -> dt.datetime:
        """The current instant, timezone-aware (the engine's clock, so replays agree)."""
        ...

    def zone(self) -> dt.tzinfo:
        """The time zone of the process, used by ``Today()`` and naive date-times."""
        ...
