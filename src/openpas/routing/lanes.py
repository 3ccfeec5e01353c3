"""A workgroup's queue as the router indexes it.

Items wait in routing order: higher priority first, then oldest, then lowest id
(the key ``(-priority, queued_at, id)``). Items still looking for agents are
also filed in *buckets*, one per distinct skill requirement, so an agent who
becomes free looks only at the head of each bucket whose requirement it meets
instead of scanning every waiting item.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from openpas.routing.model import Item, Queue

Key = tuple[int, float, int]
"""Routing order of an item: ``(-priority, queued_at as a timestamp, id)``."""

Requirement = tuple[tuple[str, int], ...]
"""Skill name and minimum proficiency, sorted by name."""


def key_of(item: Item) -> Key:
    """The item's place in routing order."""
    return (-item.priority, item.queued_at.timestamp(), item.id)


def requirement_of(skills: Mapping[str, int]) -> Requirement:
    """The skills as a sorted, hashable requirement."""
    return tuple(sorted(skills.items()))


def merge(item: Requirement, queue: Mapping[str, int]) -> Requirement:
    """What an agent needs for an item of a queue: the higher minimum of each skill."""
    needed = dict(queue)
    for skill, level in item:
        needed[skill] = max(level, needed.get(skill, level))
    return tuple(sorted(needed.items()))


def meets(skills: Mapping[str, int], requirement: Requirement) -> bool:
    """Whether an agent with ``skills`` has every skill of ``requirement`` at its minimum."""
    return all(skills.get(skill, -1) >= level for skill, level in requirement)


def _remove(keys: list[Key], key: Key) -> None:
    index = bisect_left(keys, key)
    if index < len(keys) and keys[index] == key:
        del keys[index]


@dataclass
class Bucket:
    """The items of one workgroup that share a skill requirement and still need agents.

    Attributes:
        requirement: the items' own skills.
        effective: the requirement merged with the queue's minimums.
        keys: the items' keys in routing order.
    """

    requirement: Requirement
    effective: Requirement
    keys: list[Key] = field(default_factory=list)


@dataclass
class Lane:
    """One workgroup's queue: its settings, its waiting items and its buckets.

    Attributes:
        queue: the queue's settings.
        waiting: keys of every item in the queue (not owned), in routing order.
        buckets: items that still need agents, by skill requirement.
        served: round robin: the tick at which each agent was last given an item here.
    """

    queue: Queue
    waiting: list[Key] = field(default_factory=list)
    buckets: dict[Requirement, Bucket] = field(default_factory=dict)
    served: dict[str, int] = field(default_factory=dict)

    def configure(self, queue: Queue) -> None:
        """Take new settings; every bucket's effective requirement follows them."""
        self.queue = queue
        for bucket in self.buckets.values():
            bucket.effective = merge(bucket.requirement, queue.skills)

    def effective(self, requirement: Requirement) -> Requirement:
        """What an agent needs for an item with this requirement in this queue."""
        bucket = self.buckets.get(requirement)
        if bucket is not None:
            return bucket.effective
        return merge(requirement, self.queue.skills)

    def add_waiting(self, key: Key) -> None:
        insort(self.waiting, key)

    def remove_waiting(self, key: Key) -> None:
        _remove(self.waiting, key)

    def add_routable(self, requirement: Requirement, key: Key) -> None:
        bucket = self.buckets.get(requirement)
        if bucket is None:
            bucket = Bucket(requirement, merge(requirement, self.queue.skills))
            self.buckets[requirement] = bucket
        insort(bucket.keys, key)

    def remove_routable(self, requirement: Requirement, key: Key) -> None:
        bucket = self.buckets.get(requirement)
        if bucket is None:
            return
        _remove(bucket.keys, key)
        if not bucket.keys:
            # Empty buckets are dropped so a free agent's scan stays proportional to the
            # requirements actually waiting, not to every requirement ever seen.
            del self.buckets[requirement]

    def routable(self) -> Iterator[tuple[Key, Bucket]]:
        """Every item still needing agents, across buckets, in routing order (a snapshot)."""
        pairs = [(key, bucket) for bucket in self.buckets.values() for key in bucket.keys]
        pairs.sort(key=lambda pair: pair[0])
        return iter(pairs)
