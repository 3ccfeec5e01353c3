"""Waits are timer rows: nothing happens before they are due, and they cost the loop nothing."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import insert

from openpas.service import flows
from openpas.service.context import Context
from openpas.service.runner import Runner
from openpas.store import schema

from .conftest import Clock
from .support import publish, rows

NAP = """
    process: Nap
    start: A
    inputs: {Until: datetime}
    variables: {Woke: datetime}
    states:
      A:
        actions:
          - decision:
              if: IsSet(Until)
              yes: [{wait: {until: =Until}}]
              no: [{wait: 90m}]
          - assign: {Woke: =Now()}
          - end process
"""


def test_wait_for_a_duration(ctx: Context, clock: Clock, runner: Runner) -> None:
    publish(ctx, NAP)
    started = clock.now
    flow = flows.launch(ctx, "Nap", originator="u")
    runner.run_until_idle()

    [row] = rows(ctx, schema.flows, id=flow)
    assert (row["status"], row["wait_kind"], row["runnable"]) == ("waiting", "timer", False)
    [timer] = rows(ctx, schema.timers, flow_id=flow)
    assert timer["due_at"].replace(tzinfo=dt.UTC) == started + dt.timedelta(minutes=90)
    assert timer["key"] == row["wait_key"]

    clock.advance(minutes=89, seconds=59)
    assert runner.tick() == 0
    assert flows.details(ctx, flow).record.status == "waiting"

    clock.advance(seconds=1)
    assert runner.fire_timers() == 1
    runner.run_until_idle()
    found = flows.details(ctx, flow)
    assert found.record.status == "completed"
    assert found.position.variables["Woke"] == started + dt.timedelta(minutes=90)
    assert rows(ctx, schema.timers) == []


def test_wait_until_a_time(ctx: Context, clock: Clock, runner: Runner) -> None:
    publish(ctx, NAP)
    due = clock.now + dt.timedelta(days=3, hours=2)
    flow = flows.launch(ctx, "Nap", {"Until": due}, originator="u")
    runner.run_until_idle()
    clock.now = due - dt.timedelta(milliseconds=1)
    runner.run_until_idle()
    assert flows.details(ctx, flow).record.status == "waiting"
    clock.now = due + dt.timedelta(hours=1)  # a server down at the due time catches up
    runner.run_until_idle()
    found = flows.details(ctx, flow)
    assert found.record.status == "completed"
    assert found.position.variables["Woke"] == due + dt.timedelta(hours=1)


def test_a_wait_until_the_past_does_not_block(ctx: Context, clock: Clock, runner: Runner) -> None:
    publish(ctx, NAP)
    flow = flows.launch(ctx, "Nap", {"Until": clock.now - dt.timedelta(days=1)}, originator="u")
    runner.run_until_idle()
    assert flows.details(ctx, flow).record.status == "completed"


def test_thousands_of_waiting_flows_leave_the_loop_no_work(
    ctx: Context, clock: Clock, runner: Runner
) -> None:
    publish(ctx, NAP)
    first = flows.launch(ctx, "Nap", originator="u")
    runner.run_until_idle()
    # 1,999 more flows exactly like the first, written in one go: launching them one by
    # one would only measure launching, which is not what this test is about.
    clone_flow(ctx, first, 1999)
    assert len(flows.search(ctx, status=["waiting"], limit=5000)) == 2000

    assert runner.step() == 0
    assert runner.tick() == 0
    clock.advance(minutes=90)
    assert runner.fire_timers() == runner.batch  # due timers are taken a batch at a time
    assert runner.step() == runner.batch
    assert len(flows.search(ctx, status=["completed"], limit=5000)) == runner.batch
    assert len(rows(ctx, schema.timers)) == 2000 - runner.batch


def clone_flow(ctx: Context, flow_id: int, copies: int) -> None:
    [flow] = rows(ctx, schema.flows, id=flow_id)
    [stored] = rows(ctx, schema.storage, flow_id=flow_id)
    [timer] = rows(ctx, schema.timers, flow_id=flow_id)
    del flow["id"], timer["id"]  # the database numbers the copies
    with ctx.db.begin() as conn:
        new_ids = list(
            conn.execute(
                insert(schema.flows).returning(schema.flows.c.id, sort_by_parameter_order=True),
                [{**flow, "uid": str(uuid.uuid4())} for _ in range(copies)],
            ).scalars()
        )
        conn.execute(
            insert(schema.storage),
            [{"flow_id": i, "position": stored["position"]} for i in new_ids],
        )
        conn.execute(insert(schema.timers), [{**timer, "flow_id": i} for i in new_ids])
