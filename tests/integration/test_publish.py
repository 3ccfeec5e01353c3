"""Publishing: immutable numbered versions, deactivation, flows keep their version."""

from __future__ import annotations

import pytest

from openpas.errors import DefinitionError
from openpas.service import flows, processes
from openpas.service.context import Context
from openpas.service.flows import NotAllowed, NotFound
from openpas.service.runner import Runner

from .conftest import Clock
from .support import publish

WAITING = """
    process: Greeting
    start: A
    outputs: {Said: string}
    states:
      A:
        actions:
          - wait: 1h
          - assign: {Said: "{word}"}
          - end process
"""


def greeting(word: str) -> str:
    return WAITING.replace("{word}", word)


def test_each_publication_is_the_next_version(ctx: Context) -> None:
    first = publish(ctx, greeting("hello"), by="alice")
    second = publish(ctx, greeting("bonjour"), by="bob")
    assert (first.name, first.version) == ("Greeting", 1)
    assert second.version == 2
    assert second.id != first.id

    [listed] = processes.listing(ctx)
    assert (listed.name, listed.owner, listed.active, listed.latest_version) == (
        "Greeting",
        "alice",  # the first publisher owns the process
        True,
        2,
    )
    versions = processes.versions(ctx, "Greeting")
    assert [(v.version, v.published_by) for v in versions] == [(1, "alice"), (2, "bob")]
    assert "bonjour" in versions[1].text and "bonjour" not in versions[0].text


def test_an_invalid_document_publishes_nothing(ctx: Context) -> None:
    publish(ctx, greeting("hello"))
    broken = greeting("hello").replace("- end process", "- change state: Nowhere")
    with pytest.raises(DefinitionError) as caught:
        publish(ctx, broken)
    assert any("Nowhere" in p.message for p in caught.value.problems)
    assert [v.version for v in processes.versions(ctx, "Greeting")] == [1]
    with pytest.raises(NotFound, match="no process named 'Other'"):
        processes.versions(ctx, "Other")


def test_deactivating_stops_launches_but_not_running_flows(
    ctx: Context, clock: Clock, runner: Runner
) -> None:
    publish(ctx, greeting("hello"))
    running = flows.launch(ctx, "Greeting", originator="ann")
    runner.run_until_idle()
    assert flows.details(ctx, running).record.status == "waiting"

    processes.set_active(ctx, "Greeting", False)
    with pytest.raises(NotAllowed, match="'Greeting' is deactivated"):
        flows.launch(ctx, "Greeting", originator="ann")
    assert [p.active for p in processes.listing(ctx)] == [False]

    clock.advance(hours=1)
    runner.run_until_idle()
    done = flows.details(ctx, running)
    assert done.record.status == "completed"
    assert done.position.variables["Said"] == "hello"

    processes.set_active(ctx, "Greeting", True)
    assert flows.launch(ctx, "Greeting", originator="ann") > running
    with pytest.raises(NotFound):
        processes.set_active(ctx, "Nobody", False)


def test_a_running_flow_keeps_the_version_it_started_with(
    ctx: Context, clock: Clock, runner: Runner
) -> None:
    publish(ctx, greeting("hello"))
    old = flows.launch(ctx, "Greeting", originator="ann")
    runner.run_until_idle()
    publish(ctx, greeting("bonjour"))
    new = flows.launch(ctx, "Greeting", originator="ann")
    runner.run_until_idle()

    clock.advance(hours=2)
    runner.run_until_idle()
    first, second = flows.details(ctx, old), flows.details(ctx, new)
    assert (first.record.version, first.position.variables["Said"]) == (1, "hello")
    assert (second.record.version, second.position.variables["Said"]) == (2, "bonjour")
    assert {r.status for r in flows.search(ctx, process="Greeting")} == {"completed"}
