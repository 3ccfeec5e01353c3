"""Who is signed in to the web pages: the session cookie, the CSRF cookie, sign-in redirects.

The pages authenticate with the same security functions as the API
(:mod:`openpas.security.sessions`): the ``openpas_session`` cookie (HttpOnly)
names a live session, and every form that changes something carries the
session's CSRF token, which the browser keeps in a second cookie readable by
the pages' script (the server stores only digests of both).
"""

from __future__ import annotations

import ipaddress
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from starlette.responses import RedirectResponse, Response

from openpas.api.server import Server
from openpas.security import auth, sessions
from openpas.security.identity import NotAuthenticated
from openpas.security.principal import Principal
from openpas.service.context import Context

CSRF_COOKIE = "openpas_csrf"
SESSION_HOURS = 12


class SignInRequired(Exception):
    """The page needs a signed-in user (or a password change first); where to go instead."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


def server_of(request: Request) -> Server:
    """The server the app was built for (``app.state.server``)."""
    found: Server = request.app.state.server
    return found


def context_of(request: Request) -> Context:
    ctx: Context = server_of(request).node.ctx
    return ctx


def current(request: Request) -> Principal:
    """The signed-in principal; SignInRequired (a redirect) when there is none.

    A user still holding a one-time password is sent to the password page.
    """
    ctx = context_of(request)
    try:
        principal = sessions.principal_for_session(ctx, request.cookies.get(sessions.COOKIE_NAME))
    except NotAuthenticated:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired("/login?next=" + quote(target, safe="")) from None
    if request.url.path != "/password" and auth.must_change_password(ctx, principal.user):
        raise SignInRequired("/password")
    return principal


def maybe_current(request: Request) -> Principal | None:
    """The signed-in principal, or None (for the sign-in page's header)."""
    try:
        return sessions.principal_for_session(
            context_of(request), request.cookies.get(sessions.COOKIE_NAME)
        )
    except NotAuthenticated:
        return None


async def check_form(request: Request) -> dict[str, Any]:
    """The posted form, after checking its CSRF token against the session.

    Raises:
        SignInRequired: the session is not live, or the token is missing or not its own.
    """
    form = await request.form()
    try:
        sessions.check_csrf(
            context_of(request),
            request.cookies.get(sessions.COOKIE_NAME),
            form.get(sessions.CSRF_FIELD),
        )
    except NotAuthenticated:
        raise SignInRequired("/login") from None
    result: dict[str, Any] = {}
    for key in form:
        found = form.getlist(key)
        # A checkbox is preceded by a hidden "false": the last value is the one that counts.
        result[key] = found[-1] if found else ""
    return result


CheckedForm = Annotated[dict[str, Any], Depends(check_form)]
"""A handler's parameter: the posted form, its CSRF token checked."""


def csrf_of(request: Request) -> str:
    return request.cookies.get(CSRF_COOKIE, "")


def address_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _secure(request: Request) -> bool:
    """Secure cookies, except over plain HTTP to this machine (a development server)."""
    if request.url.scheme == "https":
        return True
    host = request.url.hostname or ""
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


def set_session(request: Request, response: Response, token: str, csrf: str) -> None:
    """Give the browser its session cookie and the CSRF token for the pages' forms."""
    secure = _secure(request)
    age = SESSION_HOURS * 3600
    response.set_cookie(
        sessions.COOKIE_NAME,
        token,
        max_age=age,
        path=sessions.COOKIE_PATH,
        secure=secure,
        httponly=sessions.COOKIE_HTTPONLY,
        samesite="lax",  # sessions.COOKIE_SAMESITE
    )
    # Readable by the pages' script (it sends it as X-CSRF-Token); useless without the
    # HttpOnly session cookie, which other sites' pages cannot send with a POST.
    response.set_cookie(
        CSRF_COOKIE, csrf, max_age=age, path="/", secure=secure, httponly=False, samesite="strict"
    )


def clear_session(response: Response) -> None:
    response.delete_cookie(sessions.COOKIE_NAME, path=sessions.COOKIE_PATH)
    response.delete_cookie(CSRF_COOKIE, path="/")


def redirect(location: str) -> RedirectResponse:
    """After a POST: the browser GETs ``location`` (303 See Other)."""
    return RedirectResponse(location, status_code=303)
