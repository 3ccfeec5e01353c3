"""What the monitor refuses."""

from __future__ import annotations

from openpas.errors import OpenpasError


class FilterTooLoose(OpenpasError):
    """The filter matches more flows than the monitor may watch at once; narrow it."""

    def __init__(self, matched: int, maximum: int, *, at_least: bool = False) -> None:
        count = f"at least {matched}" if at_least else str(matched)
        super().__init__(
            f"this filter matches {count} flows, more than PAS Maximum Monitored Flows "
            f"({maximum}); narrow it (a process, a status, a state, a start window...)"
        )
        self.matched = matched
        self.maximum = maximum
        self.at_least = at_least
        """True when counting stopped early (past the maximum): ``matched`` is a lower bound."""


class InvalidFilter(OpenpasError, ValueError):
    """The filter is not valid."""


class InvalidInteraction(OpenpasError, ValueError):
    """The related interaction is not valid."""


class NotFound(OpenpasError, LookupError):
    """No such saved filter or related interaction."""
