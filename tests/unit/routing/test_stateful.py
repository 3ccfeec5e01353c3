"""Random event sequences over hundreds of agents and thousands of items.

The test keeps its own record of offers and owners, built only from the
decisions the router returns, and checks after every step that the router
agrees with it and with the rules: no offer to an ineligible agent when made,
no item owned twice or lost, no agent over capacity, no agent with room left
idle while an item it may take waits, and items handed out in priority order.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from openpas.routing import (
    DISTRIBUTIONS,
    Agent,
    Allocate,
    Decision,
    Item,
    Offer,
    Queue,
    Revoke,
    Router,
    RoutingError,
)

from .conftest import T0

WORKGROUPS = ("A", "B", "C", "D")
SKILLS = ("x", "y", "z")


def key(item: Item) -> tuple[int, dt.datetime, int]:
    return (-item.priority, item.queued_at, item.id)


class RouterMachine(RuleBasedStateMachine):
    """The router against a record kept from its decisions."""

    @initialize(agents=st.integers(100, 300), seed=st.integers(0, 2**32 - 1))
    def start(self, agents: int, seed: int) -> None:
        self.rnd = random.Random(seed)
        self.router = Router()
        self.now = T0
        self.agents: dict[str, Agent] = {}
        self.queues: dict[str, Queue] = {wg: Queue(wg) for wg in WORKGROUPS}
        self.items: dict[int, Item] = {}
        self.owner: dict[int, str] = {}
        self.offers: dict[int, list[str]] = {}
        self.declined: dict[int, set[str]] = {}
        self.count: Counter[str] = Counter()
        """Each agent's load (items owned plus offered) by the record."""
        self.next_id = 1
        for wg in WORKGROUPS:
            self.set_queue(self.random_queue(wg))
        for n in range(agents):
            self.set_agent(self.random_agent(f"a{n:03}"))

    # ----------------------------------------------------------- random values

    def random_skills(self, chance: float, top: int) -> dict[str, int]:
        return {s: self.rnd.randint(1, top) for s in SKILLS if self.rnd.random() < chance}

    def random_agent(self, name: str) -> Agent:
        return Agent(
            name,
            self.rnd.choice([0, 1, 2, 2, 2, 2, 2, 2, 3, 4]),
            frozenset(self.rnd.sample(WORKGROUPS, self.rnd.randint(1, 2))),
            self.random_skills(0.7, 100),
            self.rnd.random() < 0.8,
            self.rnd.randint(1, 3),
            self.now - dt.timedelta(seconds=self.rnd.randint(0, 3600)),
        )

    def random_queue(self, workgroup: str) -> Queue:
        return Queue(workgroup, self.random_skills(0.3, 40), self.rnd.choice(DISTRIBUTIONS))

    def random_item(self, item_id: int) -> Item:
        names = sorted(self.agents)
        excluded = (
            frozenset(self.rnd.sample(names, min(len(names), self.rnd.randint(1, 3))))
            if names and self.rnd.random() < 0.2
            else frozenset()
        )
        preferred = self.rnd.choice(names) if names and self.rnd.random() < 0.2 else None
        return Item(
            item_id,
            self.rnd.choice(WORKGROUPS),
            self.random_skills(0.3, 60),
            self.rnd.randint(0, 3),
            self.now - dt.timedelta(seconds=self.rnd.randint(0, 600)),
            excluded,
            preferred,
            1 if self.rnd.random() < 0.8 else self.rnd.randint(2, 3),
            self.rnd.random() < 0.1,
        )

    # ----------------------------------------------------------- the record

    def load(self, name: str) -> int:
        return self.count[name]

    def offer(self, item_id: int, name: str) -> None:
        self.offers[item_id].append(name)
        self.count[name] += 1

    def unoffer(self, item_id: int, name: str) -> None:
        self.offers[item_id].remove(name)
        self.count[name] -= 1

    def own(self, item_id: int, name: str) -> None:
        self.owner[item_id] = name
        self.declined[item_id].clear()
        self.count[name] += 1

    def eligible(self, name: str, item: Item) -> bool:
        agent = self.agents[name]
        needed = dict(self.queues[item.workgroup].skills)
        for skill, level in item.skills.items():
            needed[skill] = max(level, needed.get(skill, 0))
        return (
            agent.licence >= 2
            and agent.available
            and item.workgroup in agent.workgroups
            and name not in item.excluded
            and all(agent.skills.get(s, -1) >= m for s, m in needed.items())
        )

    def needs(self, item_id: int) -> int:
        if item_id in self.owner:
            return 0
        item = self.items[item_id]
        return (1 if item.allocate else item.offer_to) - len(self.offers[item_id])

    def has_room(self, name: str) -> bool:
        agent = self.agents[name]
        return agent.licence >= 2 and agent.available and self.load(name) < agent.capacity

    def check_given(self, item_id: int, name: str) -> None:
        """The rules at the moment of an offer or allocation."""
        item = self.items[item_id]
        assert item_id not in self.owner, f"item {item_id} given to {name} but owned"
        assert name not in self.offers[item_id]
        assert self.eligible(name, item), f"item {item_id} given to ineligible {name}"
        assert self.load(name) < self.agents[name].capacity, f"{name} given over capacity"
        if name in self.declined[item_id]:
            assert all(n in self.declined[item_id] for n in self.offers[item_id]), (
                f"{name} declined {item_id}, which is offered to others"
            )
            others = [
                n
                for n in self.agents
                if n != name
                and n not in self.declined[item_id]
                and self.has_room(n)
                and self.eligible(n, item)
            ]
            assert not others, f"{item_id} went back to {name}, who declined it, not to {others}"
        preferred = item.preferred
        if (
            preferred not in (None, name)
            and preferred in self.agents
            and preferred not in self.declined[item_id]
        ):
            assert preferred in self.offers[item_id] or not (
                self.has_room(preferred) and self.eligible(preferred, item)
            ), f"preferred agent of {item_id} passed over"

    def apply(self, decisions: list[Decision]) -> None:
        given: list[tuple[int, str]] = []
        for d in decisions:
            if isinstance(d, Revoke):
                assert d.agent in self.offers[d.item_id], f"revoke of a missing offer {d}"
                self.unoffer(d.item_id, d.agent)
                continue
            self.check_given(d.item_id, d.agent)
            given.append((d.item_id, d.agent))
            if isinstance(d, Allocate):
                assert self.items[d.item_id].allocate
                self.own(d.item_id, d.agent)
            else:
                assert isinstance(d, Offer) and not self.items[d.item_id].allocate
                self.offer(d.item_id, d.agent)
        if given:
            self.check_order(given)

    def check_order(self, given: list[tuple[int, str]]) -> None:
        """After one event: no agent got an item while a more urgent one it may take waits."""
        routable = [self.items[i] for i in self.items if self.needs(i) > 0]
        for item_id, name in given:
            if item_id not in self.items or name not in self.agents:
                continue
            mine = key(self.items[item_id])
            for other in routable:
                if (
                    key(other) < mine
                    and name not in self.offers[other.id]
                    and name not in self.declined[other.id]
                    and self.eligible(name, other)
                ):
                    raise AssertionError(f"{name} got {item_id} before more urgent {other.id}")

    def add(self, item: Item) -> None:
        self.items[item.id] = item
        self.offers[item.id] = []
        self.declined[item.id] = set()

    def forget(self, item_id: int) -> None:
        for name in list(self.offers[item_id]):
            self.unoffer(item_id, name)
        owner = self.owner.pop(item_id, None)
        if owner is not None:
            self.count[owner] -= 1
        del self.items[item_id], self.offers[item_id], self.declined[item_id]

    def set_agent(self, agent: Agent) -> None:
        self.agents[agent.name] = agent
        self.apply(self.router.set_agent(agent))

    def set_queue(self, queue: Queue) -> None:
        self.queues[queue.workgroup] = queue
        self.apply(self.router.set_queue(queue))

    def tick(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=self.rnd.randint(1, 30))
        return self.now

    def pairs(self) -> list[tuple[int, str]]:
        return sorted((i, n) for i, offers in self.offers.items() for n in offers)

    # ----------------------------------------------------------- events

    @rule(count=st.integers(100, 500))
    def enqueue(self, count: int) -> None:
        for _ in range(count):
            item = self.random_item(self.next_id)
            self.next_id += 1
            self.add(item)
            self.apply(self.router.enqueue(item, self.tick()))

    @rule(count=st.integers(1, 100))
    def accept(self, count: int) -> None:
        pairs = self.pairs()
        for item_id, name in self.rnd.sample(pairs, min(count, len(pairs))):
            if name not in self.offers.get(item_id, ()):
                continue  # revoked by an earlier accept in this step
            self.unoffer(item_id, name)
            self.own(item_id, name)
            self.apply(self.router.accept(item_id, name, self.tick()))
            assert self.offers[item_id] == [], "other offers were not revoked"

    @rule(count=st.integers(1, 20), timeout=st.booleans())
    def decline(self, count: int, timeout: bool) -> None:
        pairs = self.pairs()
        for item_id, name in self.rnd.sample(pairs, min(count, len(pairs))):
            if name not in self.offers.get(item_id, ()):
                continue
            self.unoffer(item_id, name)
            self.declined[item_id].add(name)
            event = self.router.offer_timeout if timeout else self.router.decline
            self.apply(event(item_id, name, self.tick()))

    @rule(count=st.integers(1, 150), hold=st.booleans())
    def release(self, count: int, hold: bool) -> None:
        owned = sorted(self.owner.items())
        for item_id, name in self.rnd.sample(owned, min(count, len(owned))):
            now = self.tick()
            item = self.items[item_id]
            self.forget(item_id)
            self.agents[name] = replace(self.agents[name], idle_since=now)
            self.apply(self.router.release(name, item_id, now))
            if hold:
                moved = replace(item, workgroup=self.rnd.choice(WORKGROUPS))
                self.add(moved)
                self.apply(self.router.requeue(moved, now))

    @rule(count=st.integers(1, 20))
    def transfer_waiting(self, count: int) -> None:
        waiting = sorted(i for i in self.items if i not in self.owner)
        for item_id in self.rnd.sample(waiting, min(count, len(waiting))):
            if item_id in self.owner:
                continue  # allocated by an earlier transfer in this step
            moved = replace(self.items[item_id], workgroup=self.rnd.choice(WORKGROUPS))
            old = list(self.offers[item_id])
            self.items[item_id] = moved
            self.declined[item_id] = set()
            decisions = self.router.requeue(moved, self.tick())
            revoked = [d.agent for d in decisions[: len(old)] if isinstance(d, Revoke)]
            assert sorted(revoked) == sorted(old), "a moved item kept old offers"
            self.apply(decisions)

    @rule(count=st.integers(1, 30))
    def cancel(self, count: int) -> None:
        ids = sorted(self.items)
        for item_id in self.rnd.sample(ids, min(count, len(ids))):
            decisions = self.router.cancel(item_id)
            revoked = [d.agent for d in decisions if isinstance(d, Revoke) and d.item_id == item_id]
            assert sorted(revoked) == sorted(self.offers[item_id]), "cancel left offers behind"
            self.forget(item_id)
            self.apply([d for d in decisions if d.item_id != item_id])

    @rule(count=st.integers(1, 40))
    def change_agents(self, count: int) -> None:
        for name in self.rnd.sample(sorted(self.agents), min(count, len(self.agents))):
            old = self.agents[name]
            new = self.random_agent(name)
            # Most changes touch one thing, as presence and directory edits do.
            field = self.rnd.choice(
                ["available", "skills", "workgroups", "capacity", "licence", "all"]
            )
            if field != "all":
                new = replace(old, **{field: getattr(new, field)})
            self.set_agent(new)

    @rule()
    def remove_agent(self) -> None:
        if not self.agents:
            return
        name = self.rnd.choice(sorted(self.agents))
        if name in self.owner.values():
            with pytest.raises(RoutingError, match="still owns"):
                self.router.remove_agent(name)
            return
        decisions = self.router.remove_agent(name)
        del self.agents[name]
        self.apply(decisions)
        assert self.count[name] == 0

    @rule()
    def add_agent(self) -> None:
        self.set_agent(self.random_agent(f"n{self.next_id:05}"))
        self.next_id += 1

    @rule()
    def change_queue(self) -> None:
        self.set_queue(self.random_queue(self.rnd.choice(WORKGROUPS)))

    @rule()
    def own_direct(self) -> None:
        if not self.agents:
            return
        name = self.rnd.choice(sorted(self.agents))
        item = self.random_item(self.next_id)
        self.next_id += 1
        self.add(item)
        self.own(item.id, name)
        self.apply(self.router.own(item, name))

    def teardown(self) -> None:
        if hasattr(self, "router"):
            event(f"items at the end: {len(self.items) // 1000 * 1000}+")

    # ----------------------------------------------------------- invariants

    @invariant()
    def agrees_with_the_record(self) -> None:
        if not hasattr(self, "router"):
            return
        for item_id in self.items:
            assert item_id in self.router, f"item {item_id} lost"
            assert self.router.owner(item_id) == self.owner.get(item_id)
            assert sorted(self.router.offers(item_id)) == sorted(self.offers[item_id])
        for wg in WORKGROUPS:
            waiting = [
                i for i in self.items.values() if i.workgroup == wg and i.id not in self.owner
            ]
            expected = [i.id for i in sorted(waiting, key=key)]
            assert [i.id for i in self.router.queued(wg)] == expected, f"queue {wg} out of order"

    @invariant()
    def loads_within_capacity(self) -> None:
        if not hasattr(self, "router"):
            return
        offered: dict[str, int] = {}
        for offers in self.offers.values():
            for name in offers:
                offered[name] = offered.get(name, 0) + 1
        for name, agent in self.agents.items():
            load = self.load(name)
            assert self.router.load(name) == load
            if offered.get(name):
                assert load <= agent.capacity, f"{name} holds {load} over capacity"

    @invariant()
    def no_agent_with_room_while_its_work_waits(self) -> None:
        if not hasattr(self, "router"):
            return
        with_room = [n for n in self.agents if self.has_room(n)]
        routable = [self.items[i] for i in self.items if self.needs(i) > 0] if with_room else []
        for item in routable:
            offers, declined = self.offers[item.id], self.declined[item.id]
            for name in with_room:
                if name in offers or (name in declined and offers):
                    continue  # a decliner comes back only when no one else holds an offer
                if self.eligible(name, item):
                    raise AssertionError(f"{name} has room but item {item.id} waits for it")
        for item_id, offers in self.offers.items():
            for name in offers:
                assert self.eligible(name, self.items[item_id]), f"stale offer {item_id}->{name}"


RouterMachine.TestCase.settings = settings(
    max_examples=15,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
test_router_keeps_its_invariants = RouterMachine.TestCase
