"""Repairing flows: cancel, retry and skip rules; compare-and-set; group commits."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from openpas.service import flows
from openpas.service import runner as runner_module
from openpas.service.context import Context
from openpas.service.flows import NotAllowed, NotFound
from openpas.service.runner import Runner
from openpas.store import schema

from .support import publish, rows

SLOW = """
    process: Slow
    start: A
    variables: {N: integer}
    states:
      A:
        actions:
          - assign: {N: =N + 1}
          - wait: 1d
          - end process
"""
SPAWN = """
    process: Spawn
    start: A
    states:
      A:
        actions:
          - run process: Leaf
          - end process
"""
LEAF = "process: Leaf\nstart: L\nstates: {L: {actions: [{wait: 1d}, end process]}}\n"


def test_cancel_needs_a_reason_and_records_who(ctx: Context, runner: Runner) -> None:
    publish(ctx, SLOW.replace("=N + 1", "1"))
    flow = flows.launch(ctx, "Slow", originator="u")
    runner.run_until_idle()
    with pytest.raises(NotAllowed, match="give a reason"):
        flows.cancel(ctx, flow, "  ", by="boss")
    assert flows.details(ctx, flow).record.status == "waiting"

    flows.cancel(ctx, flow, "customer withdrew", by="boss")
    found = flows.details(ctx, flow)
    assert found.record.status == "cancelled"
    assert found.completion is not None
    assert (found.completion["status"], found.completion["reason"]) == (
        "cancelled",
        "customer withdrew",
    )
    assert found.completion["ended_by"] == "boss"
    assert rows(ctx, schema.timers) == []
    assert found.history[-1].detail == "by boss: customer withdrew"
    with pytest.raises(NotAllowed, match="already cancelled"):
        flows.cancel(ctx, flow, "again", by="boss")
    with pytest.raises(NotFound):
        flows.cancel(ctx, 999_999, "why", by="boss")


def test_retry_and_skip_apply_only_to_flows_in_error(ctx: Context, runner: Runner) -> None:
    publish(ctx, SLOW)
    flow = flows.launch(ctx, "Slow", originator="u")
    with pytest.raises(NotAllowed, match="is running; only a flow in error"):
        flows.retry(ctx, flow, by="boss")
    runner.run_until_idle()
    failed = flows.details(ctx, flow).record
    assert failed.status == "error"  # N is NOT SET
    flows.retry(ctx, flow, by="boss")
    runner.run_until_idle()
    assert flows.details(ctx, flow).record.status == "error"  # the same error again

    assert flows.skip(ctx, flow, by="boss") == "done"
    runner.run_until_idle()
    found = flows.details(ctx, flow)
    assert found.record.status == "waiting"
    with pytest.raises(NotAllowed, match="only a flow in error can skip"):
        flows.skip(ctx, flow, by="boss")
    with pytest.raises(NotAllowed, match="is waiting"):
        flows.retry(ctx, flow, by="boss")
    events = [h.event for h in found.history]
    assert events.count("error") == 2
    assert [e for e in events if e in ("retried", "skipped")] == ["retried", "skipped"]


def test_a_flow_changed_meanwhile_is_not_overwritten(
    ctx: Context, runner: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(ctx, LEAF)
    publish(ctx, SPAWN)
    flow = flows.launch(ctx, "Spawn", originator="u")
    real_save_step = runner_module.save_step

    def cancelled_first(ctx: Context, conn: Any, record: Any, *args: Any) -> bool:
        # Another writer (a manager) cancels the flow after step() read it.
        flows._cancel(ctx, conn, record.id, "changed by someone else", "boss", ctx.clock())
        return real_save_step(ctx, conn, record, *args)

    monkeypatch.setattr(runner_module, "save_step", cancelled_first)
    assert runner.step() == 1
    monkeypatch.undo()
    found = flows.details(ctx, flow)
    assert found.record.status == "cancelled"
    assert found.completion is not None and found.completion["ended_by"] == "boss"
    assert [h.event for h in found.history if h.event == "action"] == []
    assert rows(ctx, schema.flows, process_name="Leaf") == []  # no child of a step not taken
    runner.run_until_idle()
    assert flows.details(ctx, flow).record.status == "cancelled"


def test_one_step_advances_many_flows_in_one_commit(ctx: Context, runner: Runner) -> None:
    publish(ctx, SLOW.replace("=N + 1", "1"))
    launched = [flows.launch(ctx, "Slow", originator="u") for _ in range(30)]
    commits: list[int] = []

    def count(_conn: object) -> None:
        commits.append(1)

    event.listen(ctx.db, "commit", count)
    try:
        assert runner.step() == 30
    finally:
        event.remove(ctx.db, "commit", count)
    assert len(commits) == 1
    assert {f.status for f in flows.search(ctx)} == {"waiting"}
    assert len(rows(ctx, schema.timers)) == len(launched)
