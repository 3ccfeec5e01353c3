"""Work item benchmark: how long from a flow reaching Send Work Item to the offer on the Bus.

    .venv/bin/python bench/work.py                  # 1,000 flows, 100 agents, SQLite
    .venv/bin/python bench/work.py --flows 5000 --agents 200

Figure ``work_offer``: with the agents logged in, flows are launched and the
real Runner with the real WorkService runs them; each flow's first step
reaches Send Work Item at once. The latency of a flow is from the start of
the engine step that ran it to the ``offered`` event of its item on the Bus
(both read from one monotonic clock), so it includes the group commit of the
step, the item's row and the routing; median and p99 in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from openpas.directory import service as directory
from openpas.events import Bus, Event
from openpas.service import flows, processes
from openpas.service.context import Context
from openpas.service.runner import Runner
from openpas.store.database import migrate, open_database
from openpas.work.service import WorkService

PROCESS = """
process: Review
start: Review
variables:
  Comment: string
states:
  Review:
    actions:
      - send work item to workgroup:
          work item: Check
          workgroup: Officers
          skills: {Lending: 30}
      - end process
work items:
  Check:
    details: [Comment]
    pages:
      - controls: [{field: Comment}]
        buttons: [Done]
"""


def emit(figure: str, **fields: Any) -> None:
    print(json.dumps({"figure": figure, **fields}), flush=True)


def directory_file(agents: int, capacity: int) -> str:
    lines = ["skills: {Lending: Lending}", "users:"]
    names = [f"agent{n:04d}" for n in range(agents)]
    for n, name in enumerate(names):
        level = 30 + n % 70
        lines.append(
            f"  {name}: {{licence: group, skills: {{Lending: {level}}}, utilization: {capacity}}}"
        )
    lines.append("workgroups:")
    lines.append(f"  Officers: {{members: [{', '.join(names)}]}}")
    return "\n".join(lines) + "\n"


def measure(flows_count: int, agents: int, folder: Path) -> dict[str, Any]:
    engine = open_database(f"sqlite:///{folder / 'work.db'}")
    migrate(engine)
    ctx = Context(engine, str(uuid.uuid4()))
    ctx.restored.set()
    bus = Bus()
    work = WorkService(ctx, bus, lambda: directory.snapshot(ctx))
    ctx.work = work
    people = folder / "directory.yaml"
    # Every item finds an agent with room: the figure is routing, not waiting.
    capacity = max(1, -(-flows_count // agents))
    people.write_text(directory_file(agents, min(capacity, 100)), encoding="utf-8")
    directory.import_file(ctx, bus, people)
    work.start()
    bus.subscribe(
        lambda e: (
            work.people_changed([str(e.data["user"])])
            if e.topic == "agent" and "user" in e.data
            else None
        )
    )
    for name in directory.snapshot(ctx).users:
        directory.login(ctx, bus, name)
    processes.publish(ctx, PROCESS, "bench")

    offered_at: dict[int, float] = {}

    def on_event(event: Event) -> None:
        if event.topic == "work item" and event.kind == "offered":
            flow = event.data.get("flow")
            if isinstance(flow, int) and flow not in offered_at:
                offered_at[flow] = time.monotonic()

    bus.subscribe(on_event)
    ids = flows.launch_many(ctx, "Review", [{} for _ in range(flows_count)], originator="bench")
    runner = Runner(ctx)
    stepped_at: dict[int, float] = {}
    started = time.perf_counter()
    try:
        while len(offered_at) < flows_count:
            # The step about to run takes the oldest runnable flows; note when it starts.
            pending = [i for i in ids if i not in stepped_at][: runner.batch]
            moment = time.monotonic()
            for flow_id in pending:
                stepped_at[flow_id] = moment
            if runner.tick() == 0 and len(offered_at) < flows_count:
                raise RuntimeError(f"only {len(offered_at)} of {flows_count} items were offered")
        elapsed = time.perf_counter() - started
    finally:
        runner.close(grace=5.0)
        engine.dispose()
    latencies = sorted((offered_at[i] - stepped_at[i]) * 1000 for i in ids)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return {
        "flows": flows_count,
        "agents": agents,
        "median_ms": round(statistics.median(latencies), 2),
        "p99_ms": round(p99, 2),
        "max_ms": round(latencies[-1], 2),
        "offers_per_s": round(flows_count / elapsed, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flows", type=int, default=1000)
    parser.add_argument("--agents", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="openpas-bench-work-") as folder:
        result = measure(args.flows, args.agents, Path(folder))
    emit("work_offer", database="sqlite", **result)


if __name__ == "__main__":
    main()
