"""Builders for router tests: agents, queues and items with sensible defaults."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from openpas.routing import Agent, Item

T0 = dt.datetime(2030, 1, 1, 9, 0, tzinfo=dt.UTC)
"""The start of every test's working day."""


def at(seconds: float) -> dt.datetime:
    """``seconds`` after T0."""
    return T0 + dt.timedelta(seconds=seconds)


def agent(
    name: str,
    *,
    licence: int = 2,
    workgroups: Iterable[str] = ("Loans",),
    skills: Mapping[str, int] | None = None,
    available: bool = True,
    capacity: int = 1,
    idle: float = 0,
) -> Agent:
    """An available, group-licensed member of Loans, idle since ``idle`` seconds after T0."""
    return Agent(
        name,
        licence,
        frozenset(workgroups),
        dict(skills or {}),
        available,
        capacity,
        at(idle),
    )


def item(
    item_id: int,
    *,
    workgroup: str = "Loans",
    skills: Mapping[str, int] | None = None,
    priority: int = 0,
    queued: float = 0,
    excluded: Iterable[str] = (),
    preferred: str | None = None,
    offer_to: int = 1,
    allocate: bool = False,
) -> Item:
    """An item of Loans queued ``queued`` seconds after T0."""
    return Item(
        item_id,
        workgroup,
        dict(skills or {}),
        priority,
        at(queued),
        frozenset(excluded),
        preferred,
        offer_to,
        allocate,
    )
