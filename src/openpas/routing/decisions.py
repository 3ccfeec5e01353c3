"""What the router decides: the changes a service must carry out and persist.

Every router method returns the decisions it caused, in the order they were
made. Applying them in that order keeps the service's rows equal to the
router's state.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Offer:
    """Offer the item to the agent (it alerts; the agent may accept or decline)."""

    item_id: int
    agent: str


@dataclass(frozen=True)
class Revoke:
    """Withdraw an earlier offer: someone else accepted it, the item was cancelled or
    moved, or the agent can no longer take it."""

    item_id: int
    agent: str


@dataclass(frozen=True)
class Allocate:
    """The item now belongs to the agent without an offer (distribution by allocation)."""

    item_id: int
    agent: str


Decision = Offer | Revoke | Allocate
