"""The web client's pages, added to the FastAPI app of ``openpas serve``.

Server-rendered HTML (Jinja2 templates) with one small script and one style
sheet, no build step. Pages read and act only through
:mod:`openpas.security.guard` and the monitor service, with the principal of
the browser's session; lists update live from the event stream
``/api/v1/events``.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response

from openpas.web import account, flows, monitor, work
from openpas.web.pages import HERE
from openpas.web.session import SignInRequired, redirect


def install(app: FastAPI) -> None:
    """Add the pages at ``/``, ``/login``, ``/work``..., and the static files at ``/static``."""
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for router in (account.router, work.router, flows.router, monitor.router):
        app.include_router(router)

    async def sign_in_first(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInRequired)
        return redirect(exc.location)

    app.add_exception_handler(SignInRequired, sign_in_first)
