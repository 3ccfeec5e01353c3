"""Signing in and out, who am I, my password, and API tokens."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from openpas.api import deps, schemas
from openpas.api.responses import API_PROBLEMS
from openpas.errors import OpenpasError
from openpas.security import auth, sessions, tokens

router = APIRouter(tags=["sessions"], responses=API_PROBLEMS)

_FORM = "application/x-www-form-urlencoded"
_SIGN_IN_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": schemas.SignIn.model_json_schema()},
            _FORM: {"schema": schemas.SignIn.model_json_schema()},
        },
    }
}


class InvalidRequest(OpenpasError):
    """The request body is not what was expected."""


async def _sign_in_form(request: Request) -> schemas.SignIn:
    content_type = request.headers.get("content-type", "")
    try:
        if content_type.startswith((_FORM, "multipart/form-data")):
            form = await request.form()
            return schemas.SignIn.model_validate({k: form.get(k) for k in ("user", "password")})
        raw = await request.body()
        return schemas.SignIn.model_validate_json(raw or b"{}")
    except ValidationError as exc:
        wrong = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()
        )
        raise InvalidRequest(
            f"sign in with JSON or a form with 'user' and 'password': {wrong}"
        ) from None


def _set_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(
        sessions.COOKIE_NAME,
        token,
        path=sessions.COOKIE_PATH,
        # Secure only over HTTPS: a development server on http://localhost must work too.
        secure=request.url.scheme == "https",
        httponly=sessions.COOKIE_HTTPONLY,
        samesite="lax",  # sessions.COOKIE_SAMESITE
    )


@router.post(
    "/session",
    summary="Sign in (JSON or form): sets the session cookie, returns the CSRF token",
    response_model=schemas.SessionOut,
    openapi_extra=_SIGN_IN_BODY,
)
async def sign_in(request: Request, response: Response) -> schemas.SessionOut:
    given = await _sign_in_form(request)
    ctx = deps.context(request)
    # Password hashing takes a fraction of a second on purpose: not on the event loop.
    signed = await run_in_threadpool(
        sessions.sign_in, ctx, given.user, given.password, deps.client_address(request)
    )
    _set_cookie(response, request, signed.token)
    return schemas.SessionOut(
        user=signed.principal.user,
        csrf_token=signed.csrf,
        must_change_password=signed.must_change_password,
    )


@router.delete("/session", summary="Sign out", status_code=status.HTTP_204_NO_CONTENT)
def sign_out(request: Request, p: deps.CurrentPrincipal) -> Response:
    ctx = deps.context(request)
    sessions.revoke_session(ctx, request.cookies.get(sessions.COOKIE_NAME))
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(sessions.COOKIE_NAME, path=sessions.COOKIE_PATH)
    return response


@router.get("/me", summary="Who I am", response_model=schemas.MeOut)
def me(ctx: deps.CurrentContext, p: deps.CurrentPrincipal) -> schemas.MeOut:
    return schemas.MeOut(
        user=p.user,
        licence=p.licence.label,
        administrator=p.administrator,
        workgroups=sorted(p.workgroups),
        roles=sorted(p.roles),
        must_change_password=auth.must_change_password(ctx, p.user),
    )


@router.put(
    "/me/password",
    summary="Change my password (ends every session of mine; API tokens stay)",
    status_code=status.HTTP_204_NO_CONTENT,
)
def change_password(
    request: Request, body: schemas.PasswordChange, p: deps.CurrentPrincipal
) -> Response:
    ctx = deps.context(request)
    auth.change_password(ctx, p.user, body.old, body.new, deps.client_address(request))
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(sessions.COOKIE_NAME, path=sessions.COOKIE_PATH)
    return response


@router.post(
    "/tokens",
    summary="Create an API token (the secret is shown this once)",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.TokenCreated,
)
def create_token(
    body: schemas.TokenCreate, ctx: deps.CurrentContext, p: deps.CurrentPrincipal
) -> schemas.TokenCreated:
    lifetime = tokens.parse_lifetime(body.expires_in)
    token_id, secret = tokens.create_token(ctx, p, body.user or p.user, body.name, lifetime)
    return schemas.TokenCreated(id=token_id, secret=secret)


@router.get("/tokens", summary="My API tokens (anyone's for administrators)")
def list_tokens(
    ctx: deps.CurrentContext, p: deps.CurrentPrincipal, user: str | None = None
) -> list[schemas.TokenOut]:
    return [schemas.token_out(t) for t in tokens.list_tokens(ctx, p, user)]


@router.delete(
    "/tokens/{token_id}", summary="Revoke an API token", status_code=status.HTTP_204_NO_CONTENT
)
def revoke_token(
    token_id: deps.Id,
    ctx: deps.CurrentContext,
    p: deps.CurrentPrincipal,
    reason: str | None = None,
) -> Response:
    tokens.revoke_token(ctx, p, token_id, reason)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
