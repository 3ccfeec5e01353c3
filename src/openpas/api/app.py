"""The web application of ``openpas serve``: the REST API, health, metrics and the web pages.

``create_app(server)`` builds a FastAPI app around an already built
:class:`Server`. Whoever runs the app starts the server first; the app's
lifespan stops it when the app shuts down (so SIGTERM lets the steps in
progress finish). Every route module under ``api/routes`` is a thin adapter
over the guard and the services.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from types import ModuleType

from fastapi import FastAPI

from openpas import __version__
from openpas.api import health, problems
from openpas.api.routes import ROUTERS
from openpas.api.routes import monitor as monitor_routes
from openpas.api.routes.events import HEARTBEAT
from openpas.api.server import Server
from openpas.api.stream import RecentEvents

log = logging.getLogger("openpas.api")

API_PREFIX = "/api/v1"


def create_app(server: Server, *, stop_on_shutdown: bool = True, pages: bool = True) -> FastAPI:
    """The application serving ``server``.

    Args:
        server: the composed server; the app keeps it in ``app.state.server``.
        stop_on_shutdown: stop the server's node when the app shuts down (tests
            that share one server between apps turn it off).
        pages: add the web pages (``openpas.web.routes``); the API's own tests go without.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            app.state.shutting_down.set()
            app.state.recent_events.close()
            if stop_on_shutdown:
                # Finishing the steps in progress may take seconds: off the event loop.
                await asyncio.to_thread(server.stop)
                log.info("openpas server stopped")

    app = FastAPI(
        title="openpas",
        version=__version__,
        summary="An open Process Automation Server: processes, flows, work items and people.",
        lifespan=lifespan,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    app.state.server = server
    app.state.shutting_down = threading.Event()
    """Set when the server stops: event streams end so that the shutdown can finish."""
    app.state.recent_events = RecentEvents(server.node.bus)
    app.state.heartbeat = HEARTBEAT
    problems.install(app)
    app.include_router(health.router)
    for router in (*ROUTERS, monitor_routes.router):
        app.include_router(router, prefix=API_PREFIX)
    web = _web_routes() if pages else None
    if web is not None:
        install: Callable[[FastAPI], None] = web.install
        install(app)
    return app


def _web_routes() -> ModuleType | None:
    # The web pages are a separate package; the API serves on without them.
    try:
        return importlib.import_module("openpas.web.routes")
    except ModuleNotFoundError as exc:
        if exc.name not in ("openpas.web", "openpas.web.routes"):
            raise
        log.info("no web pages: openpas.web.routes is not installed")
        return None
