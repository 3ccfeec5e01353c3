"""What the router decides about: agents, workgroup queues and work items.

All three are frozen values, checked when built, so the router never meets a
negative capacity or a naive time deep inside a sort. Times must carry a zone
(openpas keeps every time in UTC).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from types import MappingProxyType
from typing import Literal, get_args

from openpas.routing.errors import InvalidRoutingValue

Distribution = Literal["best skill", "round robin", "shortest queue", "longest idle"]
"""How a queue chooses among eligible agents (after the item's preferred agent)."""

DISTRIBUTIONS: tuple[Distribution, ...] = get_args(Distribution)

MAX_PROFICIENCY = 100


class Licence(IntEnum):
    """Work licences; each includes the ones below it."""

    NONE = 0
    DIRECT = 1
    """Receives work items sent to the user directly."""
    GROUP = 2
    """Also receives work items routed through workgroup queues."""
    MONITOR = 3
    DESIGNER = 4


def _skills(owner: str, skills: Mapping[str, int]) -> Mapping[str, int]:
    """A read-only copy of ``skills`` after checking every name and proficiency."""
    if not isinstance(skills, Mapping):
        raise InvalidRoutingValue(
            f"{owner}: skills must be a mapping of skill name to proficiency, got {skills!r}"
        )
    for name, level in skills.items():
        if not isinstance(name, str) or not name.strip():
            raise InvalidRoutingValue(f"{owner}: a skill name must be non-empty text, got {name!r}")
        if isinstance(level, bool) or not isinstance(level, int):
            raise InvalidRoutingValue(
                f"{owner}: the proficiency of skill {name!r} must be a whole number, got {level!r}"
            )
        if not 0 <= level <= MAX_PROFICIENCY:
            raise InvalidRoutingValue(
                f"{owner}: the proficiency of skill {name!r} is {level}, "
                f"expected 0..{MAX_PROFICIENCY}"
            )
    return MappingProxyType(dict(skills))


def _name(owner: str, what: str, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidRoutingValue(f"{owner}: {what} must be non-empty text, got {value!r}")


def check_aware(owner: str, what: str, value: object) -> None:
    """Refuse anything but a datetime with a time zone (naive times would not compare)."""
    if not isinstance(value, dt.datetime):
        raise InvalidRoutingValue(f"{owner}: {what} must be a datetime, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidRoutingValue(
            f"{owner}: {what} {value.isoformat()} has no time zone; expected an aware time (UTC)"
        )


def _whole(owner: str, what: str, value: object, low: int, high: int | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidRoutingValue(f"{owner}: {what} must be a whole number, got {value!r}")
    if value < low or (high is not None and value > high):
        expected = f"{low}..{high}" if high is not None else f"{low} or more"
        raise InvalidRoutingValue(f"{owner}: {what} is {value}, expected {expected}")


@dataclass(frozen=True, eq=True)
class Agent:
    """A user as routing sees them.

    Attributes:
        name: the user name.
        licence: 0 none, 1 direct, 2 group, 3 monitor, 4 designer (cumulative); group-routed
            items need 2 or more.
        workgroups: the workgroups whose queues the agent takes items from.
        skills: skill name to proficiency (0..100).
        available: logged in and in a status that is available for routing.
        capacity: how many items the agent may own and be offered at once (utilization, >= 1).
        idle_since: when the agent last finished an item (or logged in).
    """

    name: str
    licence: int
    workgroups: frozenset[str]
    skills: Mapping[str, int]
    available: bool
    capacity: int
    idle_since: dt.datetime

    def __post_init__(self) -> None:
        _name("agent", "the name", self.name)
        owner = f"agent {self.name!r}"
        _whole(owner, "the licence", self.licence, Licence.NONE, Licence.DESIGNER)
        if not isinstance(self.workgroups, frozenset | set | list | tuple):
            raise InvalidRoutingValue(
                f"{owner}: workgroups must be a set of names, got {self.workgroups!r}"
            )
        for workgroup in self.workgroups:
            _name(owner, "a workgroup name", workgroup)
        object.__setattr__(self, "workgroups", frozenset(self.workgroups))
        object.__setattr__(self, "skills", _skills(owner, self.skills))
        if not isinstance(self.available, bool):
            raise InvalidRoutingValue(f"{owner}: available must be true or false")
        _whole(owner, "the capacity", self.capacity, 1)
        check_aware(owner, "idle_since", self.idle_since)


@dataclass(frozen=True, eq=True)
class Queue:
    """A workgroup's queue.

    Attributes:
        workgroup: the workgroup name.
        skills: minimum proficiencies every agent needs for any item of this queue.
        distribution: how to choose among eligible agents.
    """

    workgroup: str
    skills: Mapping[str, int] = field(default_factory=dict)
    distribution: Distribution = "best skill"

    def __post_init__(self) -> None:
        _name("queue", "the workgroup", self.workgroup)
        owner = f"queue {self.workgroup!r}"
        object.__setattr__(self, "skills", _skills(owner, self.skills))
        if self.distribution not in DISTRIBUTIONS:
            choices = ", ".join(repr(d) for d in DISTRIBUTIONS)
            raise InvalidRoutingValue(
                f"{owner}: unknown distribution {self.distribution!r}, expected one of {choices}"
            )


@dataclass(frozen=True, eq=True)
class Item:
    """A work item waiting for an agent of its workgroup.

    Attributes:
        id: the work item id.
        workgroup: the queue it waits in.
        skills: required skill to minimum proficiency.
        priority: higher is taken first.
        queued_at: when it entered the queue; among equal priorities the oldest goes first.
        excluded: agents who must not get it (separation of duties).
        preferred: the agent to offer it to first when eligible (retain familiar).
        offer_to: how many eligible agents are offered it at once; the first to accept wins.
        allocate: assign it to the chosen agent without an offer.
    """

    id: int
    workgroup: str
    skills: Mapping[str, int] = field(default_factory=dict)
    priority: int = 0
    queued_at: dt.datetime = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    excluded: frozenset[str] = frozenset()
    preferred: str | None = None
    offer_to: int = 1
    allocate: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.id, bool) or not isinstance(self.id, int):
            raise InvalidRoutingValue(f"work item: the id must be a whole number, got {self.id!r}")
        owner = f"work item {self.id}"
        _name(owner, "the workgroup", self.workgroup)
        object.__setattr__(self, "skills", _skills(owner, self.skills))
        if isinstance(self.priority, bool) or not isinstance(self.priority, int):
            raise InvalidRoutingValue(
                f"{owner}: the priority must be a whole number, got {self.priority!r}"
            )
        check_aware(owner, "queued_at", self.queued_at)
        if isinstance(self.excluded, str) or not isinstance(
            self.excluded, frozenset | set | list | tuple
        ):
            raise InvalidRoutingValue(
                f"{owner}: excluded must be a set of user names, got {self.excluded!r}"
            )
        object.__setattr__(self, "excluded", frozenset(self.excluded))
        if self.preferred is not None:
            _name(owner, "the preferred agent", self.preferred)
        _whole(owner, "offer_to", self.offer_to, 1)
        if not isinstance(self.allocate, bool):
            raise InvalidRoutingValue(f"{owner}: allocate must be true or false")


@dataclass(frozen=True)
class QueueStats:
    """A workgroup queue at one moment.

    Attributes:
        workgroup: the workgroup name.
        waiting: items in the queue (not yet owned), offered or not.
        offered: how many of those have at least one offer out.
        longest_wait: seconds the longest-waiting item has been in the queue (0 when empty).
        available: group-licensed members who are available with room for more work.
        busy: group-licensed members who are available but at capacity.
        away: group-licensed members who are logged out or in a status not available for routing.
    """

    workgroup: str
    waiting: int
    offered: int
    longest_wait: float
    available: int
    busy: int
    away: int
