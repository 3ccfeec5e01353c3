"""FastAPI dependencies shared by the API and the web pages: the server and who is asking.

A caller proves who they are with either

- an ``Authorization: Bearer opas_...`` API token (programs), or
- the session cookie :data:`openpas.security.sessions.COOKIE_NAME` (browsers).

A cookie session must also send its CSRF token (header ``X-CSRF-Token``, or
the form field ``csrf_token``/``csrf``) with every request that changes
something; a bearer token needs none, since a browser never sends it on its
own. Every failure is :class:`NotAuthenticated`, which the problem handlers
turn into a 401.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from openpas.api.schemas import MAX_ID
from openpas.api.server import Server
from openpas.security import sessions, tokens
from openpas.security.identity import NotAuthenticated
from openpas.security.principal import Principal
from openpas.service.context import Context

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
CSRF_FORM_FIELDS = (sessions.CSRF_FIELD, "csrf")
_NO_CREDENTIALS = "sign in first: send the session cookie or an 'Authorization: Bearer' API token"


def server(request: Request) -> Server:
    """The :class:`Server` the app was made for (``app.state.server``)."""
    found: Server = request.app.state.server
    return found


def context(request: Request) -> Context:
    """The services' context of the server's node."""
    return server(request).node.ctx


def client_address(request: Request) -> str:
    """The caller's address, for rate limiting sign-ins and the session record."""
    return request.client.host if request.client is not None else "unknown"


def bearer_token(request: Request) -> str | None:
    """The API token of an ``Authorization: Bearer`` header, or None without one."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise NotAuthenticated(
            "the Authorization header must be 'Bearer opas_...' with an API token"
        )
    return value.strip()


async def _csrf_of(request: Request) -> str | None:
    given = request.headers.get(sessions.CSRF_HEADER)
    if given:
        return given
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(FORM_TYPES):
        form = await request.form()  # Starlette keeps it; the handler reads it again for free
        for field in CSRF_FORM_FIELDS:
            value = form.get(field)
            if isinstance(value, str) and value:
                return value
    return None


async def principal(request: Request) -> Principal:
    """Who is asking, authenticated by an API token or the session cookie (with CSRF).

    Raises:
        NotAuthenticated: no credentials, or they are not live, or an unsafe
            request of a cookie session lacks its CSRF token.
    """
    ctx = context(request)
    token = bearer_token(request)
    if token is not None:
        found = tokens.principal_for_token(ctx, token)
    else:
        cookie = request.cookies.get(sessions.COOKIE_NAME)
        if cookie is None:
            raise NotAuthenticated(_NO_CREDENTIALS)
        found = sessions.principal_for_session(ctx, cookie)
        if request.method not in SAFE_METHODS:
            csrf = await _csrf_of(request)
            if csrf is None:
                raise NotAuthenticated(
                    f"a change needs the session's CSRF token in the {sessions.CSRF_HEADER} "
                    f"header or the {sessions.CSRF_FIELD} form field"
                )
            sessions.check_csrf(ctx, cookie, csrf)
    request.state.principal = found
    return found


async def optional_principal(request: Request) -> Principal | None:
    """Who is asking, or None when the request carries no valid credentials."""
    try:
        return await principal(request)
    except NotAuthenticated:
        return None


CurrentServer = Annotated[Server, Depends(server)]
CurrentContext = Annotated[Context, Depends(context)]
CurrentPrincipal = Annotated[Principal, Depends(principal)]
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
"""A numeric id in a path (a flow, a work item, a token, a link)."""
OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]
