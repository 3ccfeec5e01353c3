"""What the router refuses: bad values and events that do not fit the state it holds.

These belong to the one exception tree (``openpas.errors.OpenpasError``); each
carries the item and agent it is about so a service can answer precisely
(for example ``409 Conflict`` for :class:`NotOffered`).
"""

from __future__ import annotations

from openpas.errors import OpenpasError


class RoutingError(OpenpasError):
    """The router cannot do this."""

    def __init__(
        self, message: str | None = None, *, item_id: int | None = None, agent: str | None = None
    ) -> None:
        self.item_id = item_id
        self.agent = agent
        super().__init__(message)


class InvalidRoutingValue(RoutingError):
    """A routing value (agent, queue or item) is not valid."""


class UnknownItem(RoutingError):
    """The router holds no such work item."""


class UnknownAgent(RoutingError):
    """The router holds no such agent."""


class DuplicateItem(RoutingError):
    """The work item is already routed."""


class NotOffered(RoutingError):
    """The work item is not offered to this agent (any more)."""


class NotOwned(RoutingError):
    """The agent does not own this work item."""
