"""Routing benchmark: one JSON line per figure, like ``bench/run.py``.

    .venv/bin/python bench/routing.py
    .venv/bin/python bench/routing.py --agents 1000 --items 10000 --decisions 200000

Figures:
- ``routing decisions``: 1,000 agents busy with a backlog of 10,000 queued items;
  agents accept offers and finish items in a loop and each finish brings a new
  offer (the queue is topped up so it stays at 10,000): decisions per second;
- ``routing enqueue``: the time of one ``enqueue``: into that backlog with every
  agent busy (``filed``), and with no backlog and every agent free, so the call
  ranks all free members of the workgroup and makes an offer (``offered``):
  median and p99 in microseconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import time
from typing import Any

from openpas.routing import Agent, Item, Offer, Queue, Router

T0 = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
WORKGROUPS = [f"wg{n}" for n in range(10)]
SKILLS = ["billing", "claims", "french", "lending", "spanish"]


def emit(figure: str, **fields: Any) -> None:
    print(json.dumps({"figure": figure, **fields}), flush=True)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


class Workload:
    """A router with busy agents and a full backlog, and the items to feed it."""

    def __init__(self, agents: int, items: int, seed: int) -> None:
        self.rnd = random.Random(seed)
        self.router = Router()
        self.next_id = 0
        self.owned: list[tuple[int, str]] = []
        for wg in WORKGROUPS:
            self.router.set_queue(Queue(wg, {}, self.rnd.choice(["best skill", "longest idle"])))
        for n in range(agents):
            self.router.set_agent(
                Agent(
                    f"agent{n:05}",
                    2,
                    frozenset(self.rnd.sample(WORKGROUPS, 2)),
                    {s: self.rnd.randint(30, 100) for s in SKILLS},
                    True,
                    self.rnd.randint(1, 3),
                    at(-self.rnd.randint(0, 3600)),
                )
            )
        # Fill every agent, then queue the backlog.
        while len(self.queued()) < items:
            for decision in self.router.enqueue(self.item(), at(0)):
                assert isinstance(decision, Offer)
                self.router.accept(decision.item_id, decision.agent, at(0))
                self.owned.append((decision.item_id, decision.agent))

    def item(self) -> Item:
        self.next_id += 1
        return Item(
            self.next_id,
            self.rnd.choice(WORKGROUPS),
            {self.rnd.choice(SKILLS): self.rnd.randint(1, 30)},
            self.rnd.randint(0, 2),
            at(self.next_id / 1000),
        )

    def queued(self) -> list[Item]:
        return [i for wg in WORKGROUPS for i in self.router.queued(wg)]


def decisions_per_second(agents: int, items: int, target: int) -> None:
    load = Workload(agents, items, seed=1)
    router = load.router
    made = calls = fed = 0
    clock = 10.0
    feed = [load.item() for _ in range(target)]
    started = time.perf_counter()
    while made < target:
        clock += 0.001
        index = load.rnd.randrange(len(load.owned))
        load.owned[index], load.owned[-1] = load.owned[-1], load.owned[index]
        item_id, agent = load.owned.pop()
        decisions = router.release(agent, item_id, at(clock))
        decisions += router.enqueue(feed[fed], at(clock))
        fed += 1
        calls += 2
        for d in decisions:
            router.accept(d.item_id, d.agent, at(clock))
            load.owned.append((d.item_id, d.agent))
            calls += 1
        made += len(decisions)
    elapsed = time.perf_counter() - started
    emit(
        "routing decisions",
        agents=agents,
        queued=items,
        decisions=made,
        events=calls,
        seconds=round(elapsed, 3),
        decisions_per_second=round(made / elapsed),
        events_per_second=round(calls / elapsed),
        note="a loop of release (brings an offer), enqueue (tops the queue up) and accept",
    )


def enqueue_latency(agents: int, items: int, samples: int) -> None:
    load = Workload(agents, items, seed=2)
    router = load.router
    filed = []
    for n in range(samples):
        item = load.item()
        started = time.perf_counter_ns()
        router.enqueue(item, at(20 + n))
        filed.append(time.perf_counter_ns() - started)
    # The other extreme: no backlog and every agent free, so each enqueue ranks all
    # the free members of its workgroup and makes an offer (then the item is cancelled).
    idle = Workload(agents, 0, seed=3)
    offered = []
    for n in range(samples):
        item = idle.item()
        started = time.perf_counter_ns()
        made = idle.router.enqueue(item, at(60 + n))
        offered.append(time.perf_counter_ns() - started)
        assert made, "an idle agent should have been offered the item"
        idle.router.cancel(item.id)
    for label, queued, times in (("filed", items, filed), ("offered", 0, offered)):
        ordered = sorted(times)
        emit(
            "routing enqueue",
            case=label,
            agents=agents,
            queued=queued,
            samples=len(times),
            median_us=round(statistics.median(ordered) / 1000, 1),
            p99_us=round(ordered[int(len(ordered) * 0.99) - 1] / 1000, 1),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--decisions", type=int, default=200_000)
    parser.add_argument("--samples", type=int, default=5000)
    args = parser.parse_args()
    decisions_per_second(args.agents, args.items, args.decisions)
    enqueue_latency(args.agents, args.items, args.samples)


if __name__ == "__main__":
    main()
