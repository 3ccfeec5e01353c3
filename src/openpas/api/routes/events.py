"""``GET /api/v1/events``: Server-Sent Events of what changed, for the signed-in user.

Each event is ``id: <n>``, ``event: <topic>`` and ``data: {"topic", "kind",
"data"}``; the stream starts with ``retry:`` (how long a browser waits before
reconnecting) and sends a comment every :data:`HEARTBEAT` seconds so proxies
keep it open. A client reconnecting with ``Last-Event-ID`` first gets the kept
events it missed. The stream ends when the client leaves or the server stops.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from openpas.api import deps
from openpas.api.responses import API_PROBLEMS
from openpas.api.stream import Listener, RecentEvents, encode
from openpas.events import Event
from openpas.security.guard import event_visible
from openpas.security.principal import Principal
from openpas.service.context import Context

router = APIRouter(tags=["events"], responses=API_PROBLEMS)

HEARTBEAT = 15.0
RETRY_MS = 3000
_TICK = 0.5
"""How often a waiting stream looks whether the server is stopping."""


@router.get(
    "/events",
    summary="Server-Sent Events of work items, queues and flows I may see",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {"schema": {"type": "string"}}}}},
)
async def events(
    request: Request,
    p: deps.CurrentPrincipal,
    last_event_id: Annotated[int | None, Header(ge=0)] = None,
) -> StreamingResponse:
    recent: RecentEvents = request.app.state.recent_events
    listener = Listener(asyncio.get_running_loop())
    missed = recent.add(listener, last_event_id)
    ctx = deps.context(request)
    heartbeat: float = getattr(request.app.state, "heartbeat", HEARTBEAT)
    return StreamingResponse(
        _stream(request, ctx, p, recent, listener, missed, heartbeat),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _stream(
    request: Request,
    ctx: Context,
    p: Principal,
    recent: RecentEvents,
    listener: Listener,
    missed: list[Event],
    heartbeat: float,
) -> AsyncIterator[str]:
    stopping = request.app.state.shutting_down
    loop = asyncio.get_running_loop()
    try:
        yield f"retry: {RETRY_MS}\n: connected as {p.user}\n\n"
        for event in missed:
            if await run_in_threadpool(event_visible, ctx, p, event):
                yield encode(event)
        quiet_since = loop.time()
        while not stopping.is_set():
            try:
                event = await asyncio.wait_for(listener.queue.get(), _TICK)
            except TimeoutError:
                if await request.is_disconnected():
                    break
                if loop.time() - quiet_since >= heartbeat:
                    quiet_since = loop.time()
                    yield ": heartbeat\n\n"
                continue
            if await run_in_threadpool(event_visible, ctx, p, event):
                quiet_since = loop.time()
                yield encode(event)
    finally:
        recent.remove(listener)
