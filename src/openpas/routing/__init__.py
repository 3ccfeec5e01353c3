"""Routing of work items through workgroup queues to agents, like an ACD; pure, no I/O.

A service builds one :class:`Router`, tells it about agents (:class:`Agent`),
queues (:class:`Queue`) and items (:class:`Item`) as they change, and persists
the decisions (:class:`Offer`, :class:`Revoke`, :class:`Allocate`) each call
returns, in order.
"""

from __future__ import annotations

from openpas.routing.decisions import Allocate, Decision, Offer, Revoke
from openpas.routing.errors import (
    DuplicateItem,
    InvalidRoutingValue,
    NotOffered,
    NotOwned,
    RoutingError,
    UnknownAgent,
    UnknownItem,
)
from openpas.routing.model import (
    DISTRIBUTIONS,
    Agent,
    Distribution,
    Item,
    Licence,
    Queue,
    QueueStats,
)
from openpas.routing.router import Router

__all__ = [
    "DISTRIBUTIONS",
    "Agent",
    "Allocate",
    "Decision",
    "Distribution",
    "DuplicateItem",
    "InvalidRoutingValue",
    "Item",
    "Licence",
    "NotOffered",
    "NotOwned",
    "Offer",
    "Queue",
    "QueueStats",
    "Revoke",
    "Router",
    "RoutingError",
    "UnknownAgent",
    "UnknownItem",
]
