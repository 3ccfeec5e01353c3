"""Run Process on a real database: outputs, no wait, errors that propagate, depth, cancel."""

from __future__ import annotations

from openpas.service import flows, processes
from openpas.service.context import Context
from openpas.service.runner import Runner
from openpas.store import schema

from .conftest import Clock, settings
from .support import publish, rows

PARENT = """
    process: Parent
    start: A
    variables: {Reply: string, Outcome: string}
    states:
      A:
        actions:
          - run process:
              process: Kid
              inputs: {Name: '="Ann"'}
              {more}
          - assign: {Outcome: done}
          - end process
"""
KID = """
    process: Kid
    start: K
    inputs: {Name: string}
    outputs: {Reply: string}
    states:
      K:
        actions:
          - {first}
          - assign: {Reply: ="hello " & Name}
          - end process
"""


def parent(more: str = "outputs: {Reply: Reply}") -> str:
    return PARENT.replace("{more}", more)


def kid(first: str = "assign: {Reply: started}") -> str:
    return KID.replace("{first}", first)


def test_a_parent_waits_for_its_child_and_gets_its_outputs(ctx: Context, runner: Runner) -> None:
    publish(ctx, kid())
    publish(ctx, parent())
    flow = flows.launch(ctx, "Parent", originator="pat")
    runner.run_until_idle()
    found = flows.details(ctx, flow)
    assert found.record.status == "completed"
    assert found.position.variables["Reply"] == "hello Ann"
    [child] = rows(ctx, schema.flows, parent_id=flow)
    assert (child["status"], child["depth"], child["originator"]) == ("completed", 1, "pat")


def test_a_parent_that_does_not_wait(ctx: Context, clock: Clock, runner: Runner) -> None:
    publish(ctx, kid("wait: 1h"))
    publish(ctx, parent("wait: false"))
    flow = flows.launch(ctx, "Parent", originator="pat")
    runner.run_until_idle()
    assert flows.details(ctx, flow).record.status == "completed"
    [child] = rows(ctx, schema.flows, parent_id=flow)
    assert (child["status"], child["parent_key"]) == ("waiting", None)
    clock.advance(hours=1)
    runner.run_until_idle()
    assert flows.details(ctx, child["id"]).record.status == "completed"
    assert flows.details(ctx, flow).record.status == "completed"


def test_a_failing_child_propagates_and_a_retry_resumes_the_parent(
    ctx: Context, runner: Runner
) -> None:
    publish(ctx, kid("run process: Grandchild"))  # not published yet: the kid fails
    publish(ctx, parent())
    flow = flows.launch(ctx, "Parent", originator="pat")
    runner.run_until_idle()
    [child] = flows.search(ctx, process="Kid")
    assert child.status == "error"
    assert "no process of that name is published" in (child.error or "")
    top = flows.details(ctx, flow).record
    assert top.status == "propagated-error"
    assert f"the subprocess #{child.id} (Kid) is error" in (top.error or "")
    events = [(h.event, h.detail) for h in flows.details(ctx, flow).history]
    assert ("propagated-error", top.error) in events

    publish(ctx, "process: Grandchild\nstart: G\nstates: {G: {actions: [end process]}}\n")
    flows.retry(ctx, child.id, by="boss")
    runner.run_until_idle()
    assert flows.details(ctx, child.id).record.status == "completed"
    found = flows.details(ctx, flow)
    assert found.record.status == "completed"
    assert found.position.variables["Reply"] == "hello Ann"


def test_a_process_that_runs_itself_stops_at_the_depth_threshold(
    ctx: Context, runner: Runner
) -> None:
    ctx.settings = settings(PAS_DepthThreshold=4)
    publish(
        ctx,
        """
        process: Echo
        start: A
        states:
          A:
            actions:
              - run process: Echo
              - end process
        """,
    )
    flow = flows.launch(ctx, "Echo", originator="u")
    runner.run_until_idle()
    echoes = sorted(flows.search(ctx, process="Echo"), key=lambda f: f.depth)
    assert [f.depth for f in echoes] == [0, 1, 2, 3, 4]
    deepest = echoes[-1]
    assert deepest.status == "error"
    assert "5 levels deep, more than PAS_DepthThreshold (4)" in (deepest.error or "")
    assert {f.status for f in echoes[:-1]} == {"propagated-error"}
    assert echoes[0].id == flow


def test_an_unknown_or_deactivated_subprocess_puts_the_parent_in_error(
    ctx: Context, runner: Runner
) -> None:
    publish(ctx, parent())
    lonely = flows.launch(ctx, "Parent", originator="u")
    runner.run_until_idle()
    publish(ctx, kid())
    processes.set_active(ctx, "Kid", False)
    blocked = flows.launch(ctx, "Parent", originator="u")
    runner.run_until_idle()
    first, second = flows.details(ctx, lonely).record, flows.details(ctx, blocked).record
    assert first.status == second.status == "error"
    assert "Run Process 'Kid': no process of that name is published" in (first.error or "")
    assert "Run Process 'Kid': the process is deactivated" in (second.error or "")
    assert rows(ctx, schema.flows, process_name="Kid") == []


def test_cancelling_a_parent_cancels_its_waiting_child(ctx: Context, runner: Runner) -> None:
    publish(ctx, kid("wait: 1d"))
    publish(ctx, parent())
    flow = flows.launch(ctx, "Parent", originator="u")
    runner.run_until_idle()
    [child] = flows.search(ctx, process="Kid")
    assert child.status == "waiting"
    flows.cancel(ctx, flow, "customer withdrew", by="boss")
    found = flows.details(ctx, child.id)
    assert found.record.status == "cancelled"
    assert found.completion is not None
    assert found.completion["reason"] == f"its parent flow #{flow} was cancelled"
    assert found.completion["ended_by"] == "boss"
    assert rows(ctx, schema.timers) == []
    runner.run_until_idle()
    assert flows.details(ctx, flow).record.status == "cancelled"
