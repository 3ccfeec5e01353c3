"""Flow changes are published on the event bus after they are committed."""

from __future__ import annotations

from openpas.events import Bus, Event
from openpas.service import flows
from openpas.service.context import Context
from openpas.service.runner import Runner

from .conftest import Clock
from .support import publish

PROCESS = """\
process: Events
start: A
states:
  A:
    actions:
      - wait: 1h
      - end process
"""


def test_launch_wait_and_completion_are_published(
    ctx: Context, runner: Runner, clock: Clock
) -> None:
    bus = Bus()
    seen: list[Event] = []
    bus.subscribe(seen.append)
    ctx.bus = bus
    publish(ctx, PROCESS)
    flow_id = flows.launch(ctx, "Events", originator="ann")
    runner.run_until_idle()
    clock.advance(hours=2)
    runner.run_until_idle()
    kinds = [(e.topic, e.kind, e.data["id"]) for e in seen]
    assert kinds == [
        ("flow", "launched", flow_id),
        ("flow", "waiting", flow_id),
        ("flow", "completed", flow_id),
    ]
    assert seen[-1].data["process"] == "Events"
