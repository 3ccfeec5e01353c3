"""What every service needs: the database, this node's storage id, settings, handlers, a clock."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Connection, Engine

from openpas.config import Settings
from openpas.engine.program import Program
from openpas.model import load_text
from openpas.service.handlers import Handlers
from openpas.store import definitions
from openpas.store.database import reading

Clock = Callable[[], dt.datetime]


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class WorkPort(Protocol):
    """What the engine needs of the work item service (``openpas.work.service``)."""

    def open(
        self, conn: Connection, flow: Any, program: Program, position: Any, effect: Any, now: Any
    ) -> int | None:
        """Create a work item in the flow's transaction; None when it cannot be delivered."""
        ...

    def opened_many(self, item_ids: list[int]) -> None:
        """After the commit: route the new items."""
        ...

    def cancel_items_of(self, conn: Connection, flow_id: int, now: dt.datetime) -> None:
        """The flow was cancelled: so are its open work items."""
        ...

    def sweep(self) -> int:
        """Expire offers, escalate, time out."""
        ...


@dataclass
class Context:
    """Shared by the services of one server process."""

    db: Engine
    storage_id: str
    settings: Settings = field(default_factory=Settings)
    handlers: Handlers = field(default_factory=Handlers)
    clock: Clock = system_clock
    restored: threading.Event = field(default_factory=threading.Event)
    work: WorkPort | None = None
    """The work item service; without one, a flow that sends a work item just waits."""
    bus: Any = None
    """The event bus (``openpas.events.Bus``) flow changes are published on, if any."""
    _programs: OrderedDict[int, Program] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def publish_flow(self, flow_id: int, status: str, **data: Any) -> None:
        """Tell subscribers (after the commit) that a flow changed."""
        if self.bus is not None:
            self.bus.publish("flow", status, {"id": flow_id, "status": status, **data})

    def read(self) -> Connection:
        """A connection for reading only (it never waits for the engine's writes)."""
        return reading(self.db)

    def program(self, conn: Connection, version_id: int) -> Program:
        """The compiled program of a published version (versions never change, so cache them)."""
        with self._lock:
            found = self._programs.get(version_id)
            if found is not None:
                self._programs.move_to_end(version_id)
                return found
        record = definitions.version(conn, version_id)
        if record is None:
            raise LookupError(f"process version {version_id} does not exist")
        program = Program(load_text(record.text, f"{record.name} v{record.version}"))
        with self._lock:
            self._programs[version_id] = program
            while len(self._programs) > 256:
                self._programs.popitem(last=False)
        return program
