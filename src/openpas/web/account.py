"""Signing in and out, changing one's password, and one's presence for routing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from openpas.directory import service as directory
from openpas.errors import OpenpasError
from openpas.security import auth, passwords, sessions
from openpas.security.identity import NotAuthenticated
from openpas.security.principal import Principal
from openpas.web.pages import go, render
from openpas.web.session import (
    CheckedForm,
    address_of,
    clear_session,
    context_of,
    current,
    maybe_current,
    redirect,
    server_of,
    set_session,
)

router = APIRouter(include_in_schema=False)
LOGGED_OUT = ""
"""The presence selector's value for 'not receiving work'."""


def _safe_next(target: str | None) -> str:
    """Only a path of this site (never another site's address) after signing in."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/work"


@router.get("/")
def home(principal: Annotated[Principal, Depends(current)]) -> Response:
    return redirect("/work")


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", maybe_current(request), next=_safe_next(next))


@router.post("/login")
def login(
    request: Request,
    user: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/work",
) -> Response:
    ctx = context_of(request)
    try:
        signed = sessions.sign_in(ctx, user.strip(), password, address_of(request))
    except NotAuthenticated as exc:
        return render(
            request,
            "login.html",
            None,
            status_code=429 if "TooMany" in type(exc).__name__ else 401,
            error=exc.message,
            user=user,
            next=_safe_next(next),
        )
    response = redirect("/password" if signed.must_change_password else _safe_next(next))
    set_session(request, response, signed.token, signed.csrf)
    return response


@router.post("/logout")
def logout(request: Request, form: CheckedForm) -> Response:
    principal = maybe_current(request)
    if principal is not None:
        _stop_receiving(request, principal.user)
    sessions.revoke_session(context_of(request), request.cookies.get(sessions.COOKIE_NAME))
    response = go("/login", "You are signed out.")
    clear_session(response)
    return response


@router.get("/password")
def password_page(request: Request, principal: Annotated[Principal, Depends(current)]) -> Response:
    ctx = context_of(request)
    return render(
        request,
        "password.html",
        principal,
        min_length=passwords.MIN_LENGTH,
        forced=auth.must_change_password(ctx, principal.user),
    )


@router.post("/password")
def change_password(
    request: Request, principal: Annotated[Principal, Depends(current)], form: CheckedForm
) -> Response:
    ctx = context_of(request)
    old, new, again = (str(form.get(k, "")) for k in ("old", "new", "again"))
    error = None
    if new != again:
        error = "the new password and its confirmation differ; type the same password twice"
    else:
        try:
            auth.change_password(ctx, principal.user, old, new, address_of(request))
        except OpenpasError as exc:
            error = exc.message
    if error is not None:
        forced = auth.must_change_password(ctx, principal.user)
        return render(
            request,
            "password.html",
            principal,
            422,
            error=error,
            forced=forced,
            min_length=passwords.MIN_LENGTH,
        )
    # Changing the password ended every session, this one too: open a fresh one.
    token, csrf = sessions.create_session(ctx, principal.user, address_of(request))
    response = go("/work", "Your password is changed.")
    set_session(request, response, token, csrf)
    return response


@router.post("/presence")
def presence(
    request: Request, principal: Annotated[Principal, Depends(current)], form: CheckedForm
) -> Response:
    status = str(form.get("status", ""))
    back = _safe_next(str(form.get("back", "/work")))
    server = server_of(request)
    ctx, bus = server.node.ctx, server.node.bus
    try:
        if status == LOGGED_OUT:
            _stop_receiving(request, principal.user)
            return go(back, "You are logged out of routing: no new work is offered to you.")
        state = directory.snapshot(ctx).state(principal.user)
        if state is None or not state.logged_in:
            directory.login(ctx, bus, principal.user, status)
        else:
            directory.set_presence(ctx, bus, principal.user, status)
    except OpenpasError as exc:
        return go(back, exc.message)
    return go(back, f"You are {status}.")


def _stop_receiving(request: Request, user: str) -> None:
    """Log out of routing: items in progress are held (as logging off holds them)."""
    server = server_of(request)
    state = directory.snapshot(server.node.ctx).state(user)
    if state is None or not state.logged_in:
        return
    server.node.work.logout(user)
    directory.logout(server.node.ctx, server.node.bus, user)
    server.node.work.people_changed([user])
