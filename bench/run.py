"""The openpas benchmark suite: one JSON line per figure.

    .venv/bin/python bench/run.py                      # SQLite, default sizes
    .venv/bin/python bench/run.py --flows 20000 --waiting 100000
    .venv/bin/python bench/run.py --postgres postgresql+psycopg://postgres@127.0.0.1/bench

Figures:
- ``loan``: the loan-approval workload (assign, computed risk, decision, status
  by branch, end) at N flows with durable commits: launches/s, flows/s and
  steps/s of the engine, peak RSS, database bytes per flow;
- ``waiting``: RSS of an engine process holding 1,000 and then 100,000 flows
  waiting on timers (it must not grow with the number of waiting flows);
- ``restore``: the time a new server takes to restore its 100,000 flows.

Each measurement that needs a clean process runs in a child process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from openpas.config import Settings
from openpas.service import flows, processes
from openpas.service.context import Context
from openpas.service.runner import Runner
from openpas.store.database import migrate, open_database

STORAGE_ID = "be7c0000-0000-4000-8000-000000000001"
LAUNCH_BATCH = 500

LOAN = """
process: Loan Approval
start: Assess
inputs:
  Amount: {type: currency, initial: 25000 USD}
  Income: {type: currency, initial: 85000 USD}
  Score: {type: integer, initial: 700}
variables:
  Risk: decimal
  Status: string
  Approved: {type: boolean, initial: false}
states:
  Assess:
    actions:
      - assign:
          Risk: =Amount / Income * 100 - (Score - 600) / 10
      - decision:
          if: Risk < 25
          yes:
            - assign: {Status: Approved, Approved: true}
            - end process
          no:
            - assign: {Status: Referred}
            - end process
"""

WAITER = """
process: Waiter
start: Sleep
states:
  Sleep:
    actions:
      - wait: 1d
      - end process
"""


def emit(figure: str, **fields: Any) -> None:
    print(json.dumps({"figure": figure, **fields}), flush=True)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def context(url: str) -> Context:
    engine = open_database(url)
    migrate(engine)
    ctx = Context(engine, STORAGE_ID, settings=Settings())
    ctx.restored.set()
    return ctx


def launch_all(ctx: Context, process: str, count: int) -> float:
    started = time.perf_counter()
    for offset in range(0, count, LAUNCH_BATCH):
        size = min(LAUNCH_BATCH, count - offset)
        flows.launch_many(ctx, process, [{}] * size, originator="bench")
    return time.perf_counter() - started


def database_bytes(url: str) -> int:
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1].split("?")[0])
        engine = create_engine(f"sqlite:///{path}")
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    engine = create_engine(url)
    with engine.connect() as conn:
        size = conn.execute(text("select pg_database_size(current_database())")).scalar_one()
    engine.dispose()
    return int(size)


def loan(url: str, count: int, backend: str) -> None:
    ctx = context(url)
    processes.publish(ctx, LOAN, "bench")
    launch_seconds = launch_all(ctx, "Loan Approval", count)
    runner = Runner(ctx, batch=500)
    started = time.perf_counter()
    while runner.tick():
        pass
    seconds = time.perf_counter() - started
    with ctx.db.connect() as conn:
        steps = conn.execute(text("select count(*) from flow_history where event = 'action'"))
        actions = int(steps.scalar_one())
        done = conn.execute(
            text("select count(*) from flowexec_flows where status = 'completed'")
        ).scalar_one()
    assert done == count, f"only {done} of {count} flows completed"
    size = database_bytes(url)
    emit(
        "loan",
        backend=backend,
        flows=count,
        launches_per_s=round(count / launch_seconds),
        flows_per_s=round(count / seconds),
        steps_per_s=round(actions / seconds),
        peak_rss_mb=round(peak_rss_mb(), 1),
        db_bytes_per_flow=round(size / count),
        durable="synchronous=FULL" if backend == "sqlite" else "fsync on, synchronous_commit on",
    )


def waiting_rss(url: str, count: int) -> float:
    """RSS of a fresh engine process that restores and polls ``count`` waiting flows."""
    code = "import sys; sys.path.insert(0, 'bench'); import run; run.measure_waiting(sys.argv[1])"
    output = subprocess.run(
        [sys.executable, "-c", code, url], capture_output=True, text=True, check=True
    ).stdout
    return float(json.loads(output.strip().splitlines()[-1])["rss_mb"])


def measure_waiting(url: str) -> None:
    """In a child process: restore, poll the engine for a while, report RSS."""
    ctx = context(url)
    runner = Runner(ctx, batch=500)
    started = time.perf_counter()
    report = runner.restore()
    restore_seconds = time.perf_counter() - started
    for _ in range(50):
        runner.tick()
    print(
        json.dumps(
            {"rss_mb": current_rss_mb(), "owned": report.owned, "restore_s": restore_seconds}
        )
    )


def waiting(url: str, count: int, backend: str) -> None:
    ctx = context(url)
    processes.publish(ctx, WAITER, "bench")
    small = min(1000, count)
    launch_all(ctx, "Waiter", small)
    runner = Runner(ctx, batch=500)
    while runner.tick():
        pass
    rss_small = waiting_rss(url, small)
    launch_all(ctx, "Waiter", count - small)
    while runner.tick():
        pass
    code = "import sys; sys.path.insert(0, 'bench'); import run; run.measure_waiting(sys.argv[1])"
    output = subprocess.run(
        [sys.executable, "-c", code, url], capture_output=True, text=True, check=True
    ).stdout
    big = json.loads(output.strip().splitlines()[-1])
    emit(
        "waiting",
        backend=backend,
        waiting_flows=[small, count],
        engine_rss_mb=[round(rss_small, 1), round(float(big["rss_mb"]), 1)],
    )
    emit("restore", backend=backend, flows=int(big["owned"]), seconds=round(big["restore_s"], 3))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--flows", type=int, default=10_000, help="flows of the loan workload")
    parser.add_argument("--waiting", type=int, default=100_000, help="flows waiting on timers")
    parser.add_argument("--postgres", help="also run on this PostgreSQL database (it is emptied)")
    parser.add_argument("--only", choices=["loan", "waiting"], help="run one figure only")
    parser.add_argument("--no-sqlite", action="store_true", help="run on PostgreSQL only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="openpas-bench-") as folder:
        backends = [] if args.no_sqlite else [("sqlite", f"sqlite:///{Path(folder) / 'loan.db'}")]
        if args.postgres:
            backends.append(("postgresql", args.postgres))
        for backend, url in backends:
            if backend == "postgresql":
                reset_postgres(url)
            if args.only in (None, "loan"):
                loan(url, args.flows, backend)
            if args.only in (None, "waiting"):
                if backend == "sqlite":
                    url = f"sqlite:///{Path(folder) / 'waiting.db'}"
                else:
                    reset_postgres(url)
                waiting(url, args.waiting, backend)


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("drop schema public cascade"))
        conn.execute(text("create schema public"))
    engine.dispose()


if __name__ == "__main__":
    main()
