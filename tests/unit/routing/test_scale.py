"""1,000 agents and 10,000 queued items: every item is routed, owned once and finished."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from openpas.routing import Agent, Allocate, Item, Offer, Queue, Revoke, Router

from .conftest import at

WORKGROUPS = [f"wg{n}" for n in range(10)]
SKILLS = ["billing", "french", "lending", "claims", "spanish"]


@pytest.mark.slow
def test_a_thousand_agents_route_ten_thousand_items_to_completion() -> None:
    rnd = random.Random(7)
    router = Router()
    for wg in WORKGROUPS:
        router.set_queue(Queue(wg, {}, rnd.choice(["best skill", "longest idle", "round robin"])))
    for n in range(1000):
        router.set_agent(
            Agent(
                f"agent{n:04}",
                2,
                frozenset(rnd.sample(WORKGROUPS, 2)),
                {s: rnd.randint(30, 100) for s in SKILLS},
                True,
                rnd.randint(1, 3),
                at(-rnd.randint(0, 3600)),
            )
        )
    # Every agent is made busy before the backlog arrives, so 10,000 items really queue.
    busy: list[tuple[int, str | None]] = []
    warm = 10**6
    for wg in WORKGROUPS:
        while decisions := router.enqueue(Item(warm, wg), at(0)):
            for d in decisions:
                assert isinstance(d, Offer)
                router.accept(d.item_id, d.agent, at(0))
                busy.append((d.item_id, d.agent))
            warm += 1
        router.cancel(warm)
    assert sum(router.stats(wg, at(0)).available for wg in WORKGROUPS) == 0
    items = [
        Item(
            n,
            rnd.choice(WORKGROUPS),
            {rnd.choice(SKILLS): rnd.randint(1, 30)},
            rnd.randint(0, 2),
            at(n / 10),
        )
        for n in range(10_000)
    ]
    pending: list[tuple[int, str]] = []
    for item in items:
        pending += [(d.item_id, d.agent) for d in router.enqueue(item, at(1000))]
    assert pending == []
    assert sum(len(router.queued(wg)) for wg in WORKGROUPS) == 10_000

    owners: Counter[int] = Counter()
    clock = 2000.0
    while busy or pending:
        for item_id, agent in pending:
            router.accept(item_id, agent, at(clock))
            owners[item_id] += 1
            assert router.owner(item_id) == agent
            busy.append((item_id, agent))
        pending = []
        finished, busy = busy, []
        for item_id, agent in finished:
            clock += 0.01
            assert agent is not None
            for d in router.release(agent, item_id, at(clock)):
                assert not isinstance(d, Revoke | Allocate)
                pending.append((d.item_id, d.agent))
    assert sorted(owners) == list(range(10_000))
    assert set(owners.values()) == {1}
    assert all(router.queued(wg) == () for wg in WORKGROUPS)
    assert all(router.load(name) == 0 for name in router.agents())
