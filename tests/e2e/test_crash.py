"""Crash test: a real engine process is killed with SIGKILL again and again while
thousands of flows run. After the last restart every flow completes exactly once,
no handler call ran twice unless a person retried it, and calls that were in flight
at a kill were restored in error.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from openpas.config import Settings
from openpas.service import flows, processes
from openpas.service.context import Context
from openpas.store import schema
from openpas.store.database import migrate, open_database

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
OPENPAS = ROOT / ".venv" / "bin" / "openpas"
STORAGE_ID = "c0ffee00-0000-4000-8000-000000000042"
FLOWS = 2000
KILLS = 8

PROCESS = """
process: Crash Test
start: Work
inputs:
  N: {type: integer, initial: 3}
variables:
  I: integer
  Total: {type: integer, initial: 0}
  Score: integer
states:
  Work:
    actions:
      - loop:
          times: =N
          index: I
          do:
            - assign: {Total: =Total + I}
      - run handler:
          handler: crash.record
          parameters: {flow: =Flow.Id}
          results: {score: Score}
          timeout: 30s
      - wait: 5ms
      - decision:
          if: Total = 6 and Score = Flow.Id % 100
          yes: [change state: Done]
          no: [end process]
  Done:
    actions:
      - assign: {Total: =Total * 10}
      - end process
"""


def start_engine(tmp: Path, db_url: str, log: Path) -> subprocess.Popen[bytes]:
    config = tmp / "openpas.yaml"
    config.write_text("handlers:\n  crash.record: crash_handlers:record\n", encoding="utf-8")
    env = {
        **os.environ,
        "OPENPAS_STORAGE_ID": STORAGE_ID,
        "OPENPAS_CRASH_LOG": str(log),
        "PYTHONPATH": str(Path(__file__).parent),
    }
    command = [
        str(OPENPAS),
        "engine",
        "--config",
        str(config),
        "--db",
        db_url,
        "--data-dir",
        str(tmp),
    ]
    with (tmp / "engine.log").open("ab") as errors:
        return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)


def counts(ctx: Context) -> Counter[str]:
    with ctx.db.connect() as conn:
        rows = conn.execute(
            select(schema.flows.c.status, func.count()).group_by(schema.flows.c.status)
        )
        return Counter({str(status): int(n) for status, n in rows})


def wait_until_settled(ctx: Context, timeout: float) -> Counter[str]:
    deadline = time.monotonic() + timeout
    while True:
        found = counts(ctx)
        if found["running"] == 0 and found["waiting"] == 0:
            return found
        if time.monotonic() > deadline:
            return found
        time.sleep(0.2)


@pytest.mark.timeout(600)
def test_kill_the_engine_at_random_points(tmp_path: Path) -> None:
    if not OPENPAS.exists():
        pytest.fail(f"{OPENPAS} is missing: install openpas with `bash scripts/test`")
    db_url = f"sqlite:///{tmp_path / 'crash.db'}"
    log = tmp_path / "calls.log"
    log.touch()
    engine = open_database(db_url)
    migrate(engine)
    ctx = Context(engine, STORAGE_ID, settings=Settings())
    ctx.restored.set()
    processes.publish(ctx, PROCESS, "tester")
    ids = [flows.launch(ctx, "Crash Test", originator="tester") for _ in range(FLOWS)]

    rng = random.Random(20261204)
    kills = 0
    for _ in range(KILLS):
        process = start_engine(tmp_path, db_url, log)
        time.sleep(rng.uniform(1.0, 2.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        kills += 1
        if counts(ctx)["completed"] == FLOWS:
            break

    retried: Counter[int] = Counter()
    restored_seen = 0
    process = start_engine(tmp_path, db_url, log)
    try:
        for _ in range(20):
            found = wait_until_settled(ctx, timeout=120)
            if found["completed"] == FLOWS:
                break
            restored = flows.search(ctx, status=["restored-in-error"], limit=FLOWS)
            assert restored or found["running"] or found["waiting"], found
            restored_seen += len(restored)
            for record in restored:
                flows.retry(ctx, record.id, by="tester")  # a person decides to call again
                retried[record.id] += 1
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)

    final = counts(ctx)
    assert final == Counter({"completed": FLOWS}), (final, (tmp_path / "engine.log").read_text())
    with ctx.db.connect() as conn:
        completions = conn.execute(
            select(schema.completion.c.flow_id, func.count()).group_by(schema.completion.c.flow_id)
        ).all()
        totals = dict(
            conn.execute(
                select(schema.flows.c.id, schema.storage.c.position).join(
                    schema.storage, schema.storage.c.flow_id == schema.flows.c.id
                )
            ).all()
        )
        completed_events = Counter(
            flow_id
            for (flow_id,) in conn.execute(
                select(schema.history.c.flow_id).where(schema.history.c.event == "completed")
            )
        )
    assert len(completions) == FLOWS and all(n == 1 for _, n in completions)
    assert all(n == 1 for n in completed_events.values()) and len(completed_events) == FLOWS
    # Every flow took the path its own values promise: ran its loop once, its handler's reply.
    assert all(totals[i]["variables"]["Total"] == 60 for i in ids)

    calls = Counter(int(line) for line in log.read_text().split())
    assert set(calls) == set(ids)
    twice = {flow: n for flow, n in calls.items() if n > 1 + retried[flow]}
    assert twice == {}, f"handler calls made twice without a person deciding: {twice}"
    print(
        f"\n{FLOWS} flows, {kills} kills, {restored_seen} restored in error and retried, "
        f"{sum(calls.values())} handler calls",
        file=sys.stderr,
    )
