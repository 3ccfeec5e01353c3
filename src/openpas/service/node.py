"""One openpas server process: its database, its storage id, its engine loop."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from openpas.config import ServerConfig
from openpas.directory import service as directory
from openpas.events import Bus, Event
from openpas.service.context import Clock, Context, system_clock
from openpas.service.handlers import Handlers
from openpas.service.runner import RestoreReport, Runner
from openpas.store.database import migrate, open_database
from openpas.work.service import WorkService

log = logging.getLogger("openpas.node")


@dataclass
class Node:
    """Opens the storage, restores the flows it owns, and runs them until stopped."""

    config: ServerConfig
    clock: Clock = system_clock
    handlers: Handlers | None = None
    ctx: Context = field(init=False)
    runner: Runner = field(init=False)
    bus: Bus = field(default_factory=Bus)
    work: WorkService = field(init=False)
    stop_event: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __post_init__(self) -> None:
        config = self.config
        engine = open_database(
            config.effective_database_url, default_used=config.uses_default_database
        )
        migrate(engine)
        self.ctx = Context(
            db=engine,
            storage_id=config.storage_id(),
            settings=config.settings,
            handlers=self.handlers or Handlers(config.handlers),
            clock=self.clock,
        )
        self.runner = Runner(self.ctx, smtp=config.smtp)
        self.work = WorkService(self.ctx, self.bus, lambda: directory.snapshot(self.ctx))
        self.ctx.work = self.work
        self.ctx.bus = self.bus
        self.bus.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        # Presence, login, skills, licence or membership changed: routing reacts at once.
        if event.topic == "agent" and "user" in event.data:
            self.work.people_changed([str(event.data["user"])])
        elif event.topic == "directory":
            self.work.people_changed(None)

    def restore(self) -> RestoreReport:
        report = self.runner.restore()
        self.work.start()
        return report

    def start(self) -> RestoreReport:
        """Restore, then run the engine loop on a background thread."""
        report = self.restore()
        self._thread = threading.Thread(
            target=self.runner.serve, args=(self.stop_event,), name="openpas-engine", daemon=True
        )
        self._thread.start()
        return report

    def stop(self, grace: float = 10.0) -> None:
        """Finish the step in progress and the calls being made (up to ``grace`` s), then stop."""
        self.stop_event.set()
        if self._thread is not None:
            self._thread.join(grace)
        self.runner.close(grace)
        self.ctx.db.dispose()
