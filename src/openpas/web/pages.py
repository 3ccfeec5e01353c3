"""Rendering the pages: the templates, what every page's header needs, flash messages."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from fastapi import Request
from starlette.responses import HTMLResponse, Response
from starlette.templating import Jinja2Templates

from openpas.directory import service as directory
from openpas.directory.model import Licence
from openpas.expr import values
from openpas.expr.values import NOT_SET
from openpas.security import sessions
from openpas.security.principal import Principal
from openpas.web.session import context_of, csrf_of, redirect

HERE = Path(__file__).parent
TEMPLATES = Jinja2Templates(directory=str(HERE / "templates"))
FLASH_COOKIE = "openpas_flash"


def show(value: Any) -> str:
    """A value as people read it; empty for NOT SET."""
    if value is NOT_SET or value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return values.format_value(value)


def when(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else ""


def ago(seconds: float | None) -> str:
    """A duration as ``3 min 20 s``."""
    if seconds is None:
        return ""
    whole = int(max(seconds, 0))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {secs} s"
    return f"{secs} s"


TEMPLATES.env.filters["show"] = show
TEMPLATES.env.filters["when"] = when
TEMPLATES.env.filters["ago"] = ago
TEMPLATES.env.filters["tojson_attr"] = lambda v: json.dumps(v, separators=(",", ":"))


def render(
    request: Request,
    template: str,
    principal: Principal | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A page, with the header's user, presence, navigation and the flash message."""
    ctx = context_of(request)
    header: dict[str, Any] = {"principal": principal}
    if principal is not None:
        people = directory.snapshot(ctx)
        state = people.state(principal.user)
        user = people.users.get(principal.user)
        header.update(
            display_name=(user.display_name if user else "") or principal.user,
            statuses=[s.name for s in people.statuses],
            presence=state.status if state is not None and state.logged_in else "",
            can_receive=principal.licence >= Licence.DIRECT,
            can_start=ctx.settings.connect_enabled,
            can_monitor=principal.administrator or principal.licence >= Licence.MONITOR,
        )
    flash = request.cookies.get(FLASH_COOKIE)
    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {
            **header,
            "csrf": csrf_of(request),
            "csrf_field": sessions.CSRF_FIELD,
            "flash": unquote(flash) if flash else None,
            "path": request.url.path,
            **context,
        },
        status_code=status_code,
    )
    if flash:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def fragment(request: Request, template: str, **context: Any) -> HTMLResponse:
    """A piece of a page (the live lists fetch these)."""
    return TEMPLATES.TemplateResponse(request, template, context)


def go(location: str, message: str | None = None) -> Response:
    """Redirect after a POST, with a message for the next page."""
    response = redirect(location)
    if message:
        response.set_cookie(FLASH_COOKIE, quote(message[:1000]), max_age=60, path="/")
    return response
