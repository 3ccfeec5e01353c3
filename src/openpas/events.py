"""The in-process event bus: every change of a work item, a queue, an agent or a flow.

Subscribers get each event after the change is committed. Events only wake
things up early (the web client's live lists, routing): nothing depends on
an event arriving, so a subscriber that fails is logged and skipped.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("openpas.events")


@dataclass(frozen=True)
class Event:
    """Something that changed: ``topic`` (``work item``, ``queue``, ``agent``, ``flow``...),
    ``kind`` (``offered``, ``held``...), the ids it is about, and who may see it."""

    topic: str
    kind: str
    data: Mapping[str, Any] = field(default_factory=dict)
    audience: frozenset[str] = frozenset()
    """User names the event concerns (empty: supervisors and monitors decide by topic)."""
    seq: int = 0


Subscriber = Callable[[Event], None]


class Bus:
    """Publish/subscribe within one server process; thread-safe."""

    def __init__(self) -> None:
        self._subscribers: dict[int, Subscriber] = {}
        self._ids = itertools.count(1)
        self._seq = itertools.count(1)
        self._lock = threading.Lock()

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Receive every event from now on; returns the function that unsubscribes."""
        with self._lock:
            key = next(self._ids)
            self._subscribers[key] = subscriber

        def unsubscribe() -> None:
            with self._lock:
                self._subscribers.pop(key, None)

        return unsubscribe

    def publish(
        self,
        topic: str,
        kind: str,
        data: Mapping[str, Any] | None = None,
        audience: frozenset[str] | set[str] = frozenset(),
    ) -> Event:
        with self._lock:
            event = Event(topic, kind, dict(data or {}), frozenset(audience), next(self._seq))
            subscribers = list(self._subscribers.values())
        for subscriber in subscribers:
            try:
                subscriber(event)
            except Exception:
                log.exception("an event subscriber failed on %s %s", topic, kind)
        return event
