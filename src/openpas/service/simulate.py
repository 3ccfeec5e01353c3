"""Running a process start to end on a throw-away database (``openpas run``).

The flow runs on the real engine and storage, so waits, handler calls and
subprocesses behave as on a server. Time is virtual: when nothing can run and
the flow waits for a timer, the clock jumps to the timer, so ``wait: 2d``
takes no time at all. Only people cannot be simulated: a flow that waits for
a work item stops there.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpas.config import Settings
from openpas.service import flows, processes
from openpas.service.context import Context
from openpas.service.flows import FlowDetails
from openpas.service.handlers import Handlers
from openpas.service.runner import Runner
from openpas.store import waits
from openpas.store.database import migrate, open_database

SIMULATION_ID = "00000000-0000-4000-8000-000000000001"
FINISHED = {"completed", "cancelled", "error", "restored-in-error", "propagated-error"}


class VirtualClock:
    """A clock that only moves when told to (or with real time, when ``real``)."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.now = start or dt.datetime.now(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def jump(self, to: dt.datetime) -> None:
        if to > self.now:
            self.now = to


def simulate(
    texts: Sequence[tuple[str, str]],
    process: str,
    inputs: Mapping[str, Any] | None = None,
    *,
    input_texts: Mapping[str, str] | None = None,
    originator: str = "openpas",
    settings: Settings | None = None,
    handlers: Handlers | None = None,
    max_ticks: int = 1_000_000,
) -> FlowDetails:
    """Publish ``texts`` ((source name, document) pairs), launch ``process``, run it out.

    Raises:
        DefinitionError: a document has problems. InputError: the inputs are not valid.
    """
    with tempfile.TemporaryDirectory(prefix="openpas-run-") as folder:
        engine = open_database(f"sqlite:///{Path(folder) / 'run.db'}?synchronous=normal")
        try:
            migrate(engine)
            clock = VirtualClock()
            ctx = Context(
                engine,
                SIMULATION_ID,
                settings=settings or Settings(),
                handlers=handlers or Handlers(),
                clock=clock,
            )
            ctx.restored.set()
            for source, text in texts:
                processes.publish(ctx, text, originator, source)
            flow_id = flows.launch(
                ctx, process, inputs, texts=input_texts, originator=originator, mode="test"
            )
            runner = Runner(ctx)
            try:
                _run_out(ctx, runner, clock, flow_id, max_ticks)
            finally:
                runner.drain(30)
                runner.close(0)
            return flows.details(ctx, flow_id)
        finally:
            engine.dispose()


def _run_out(ctx: Context, runner: Runner, clock: VirtualClock, flow_id: int, ticks: int) -> None:
    for _ in range(ticks):
        worked = runner.tick()
        if not runner.idle():
            runner.drain(0.05)
            continue
        if worked:
            continue
        record = flows.details(ctx, flow_id).record
        if record.status in FINISHED:
            return
        with ctx.read() as conn:
            due = waits.next_due(conn, ctx.storage_id)
        if due is None:
            return  # it waits for something no simulation can give (a person)
        clock.jump(due)
