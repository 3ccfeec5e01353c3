"""The events of the bus as a browser or a program sees them: recent ones kept, filtered.

The app subscribes once to the server's bus and keeps the last
:data:`KEEP` events, so a client that reconnects with ``Last-Event-ID`` gets
what it missed (when it is still kept). Each stream has a bounded queue: a
client that cannot keep up loses events, never the server's memory. Events
only wake clients up early; a client that missed some reloads what it shows.
"""

from __future__ import annotations

import asyncio
import collections
import json
import threading
from collections.abc import Callable
from typing import Any

from openpas.events import Bus, Event

KEEP = 1000
QUEUE_SIZE = 1000


def encode(event: Event) -> str:
    """The SSE text of ``event``: its id, its topic as the event name, the JSON data."""
    body = {"topic": event.topic, "kind": event.kind, "data": _plain(event.data)}
    return f"id: {event.seq}\nevent: {event.topic}\ndata: {json.dumps(body)}\n\n"


def _plain(data: Any) -> Any:
    try:
        json.dumps(data)
        return data
    except TypeError:
        return json.loads(json.dumps(data, default=str))


class Listener:
    """One client's queue of events, filled from the bus's threads."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.queue: asyncio.Queue[Event] = asyncio.Queue(QUEUE_SIZE)

    def offer(self, event: Event) -> None:
        self.loop.call_soon_threadsafe(self._put, event)

    def _put(self, event: Event) -> None:
        if not self.queue.full():
            self.queue.put_nowait(event)


class RecentEvents:
    """The app's one subscription to the bus: the recent events and the live listeners."""

    def __init__(self, bus: Bus) -> None:
        self._recent: collections.deque[Event] = collections.deque(maxlen=KEEP)
        self._listeners: set[Listener] = set()
        self._lock = threading.Lock()
        self._unsubscribe: Callable[[], None] = bus.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        with self._lock:
            self._recent.append(event)
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener.offer(event)
            except RuntimeError:  # its event loop is closed: the client is gone
                self.remove(listener)

    def add(self, listener: Listener, after: int | None) -> list[Event]:
        """Start delivering to ``listener``; the kept events after the id ``after``."""
        with self._lock:
            self._listeners.add(listener)
            if after is None:
                return []
            return [e for e in self._recent if e.seq > after]

    def remove(self, listener: Listener) -> None:
        with self._lock:
            self._listeners.discard(listener)

    def close(self) -> None:
        self._unsubscribe()
        with self._lock:
            self._listeners.clear()
