"""Every error of the API is a problem+json document with a clear message (RFC 9457)."""

from __future__ import annotations

import datetime as dt
import logging
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from openpas.errors import DefinitionError, InputError, OpenpasError

log = logging.getLogger("openpas.api")

MEDIA_TYPE = "application/problem+json"

# Domain errors by class name, so this module needs no import of every package.
_STATUS_BY_NAME = {
    "NotAuthenticated": 401,
    "TooManyAttempts": 429,
    "NotAllowed": 403,
    "NotLicensed": 403,
    "NotFound": 404,
    "LaunchBlocked": 503,
    "WorkError": 409,
    "InvalidFields": 422,
    "InvalidEntry": 422,
    "WeakPassword": 422,
    "DirectoryError": 422,
    "ConfigError": 422,
    # The filter is valid but too wide for PAS Maximum Monitored Flows: the client must
    # send a narrower one (not a conflict with a resource's state, so not 409).
    "FilterTooLoose": 422,
    "InvalidFilter": 422,
    "InvalidInteraction": 422,
}
_FILTER_TOO_LOOSE_FIELDS = ("matched", "maximum", "at_least")


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE)


# Same class name, other meaning: checked first, by module and name.
_STATUS_BY_QUALNAME = {
    # "does not apply to the flow as it is now" (retry a running flow, launch a deactivated one)
    "openpas.service.flows.NotAllowed": 409,
}


def status_of(exc: OpenpasError) -> int:
    for cls in type(exc).__mro__:
        qualified = _STATUS_BY_QUALNAME.get(f"{cls.__module__}.{cls.__qualname__}")
        if qualified is not None:
            return qualified
        found = _STATUS_BY_NAME.get(cls.__name__)
        if found is not None:
            return found
    if isinstance(exc, DefinitionError | InputError):
        return 422
    return 400


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a problem document."""

    @app.exception_handler(OpenpasError)
    async def _domain(request: Request, exc: OpenpasError) -> JSONResponse:
        status = status_of(exc)
        extra: dict[str, Any] = {}
        if isinstance(exc, DefinitionError):
            extra["problems"] = [p.as_dict() for p in exc.problems]
        invalid = getattr(exc, "invalid", None)
        if isinstance(invalid, dict):
            extra["invalid"] = invalid
        if type(exc).__name__ == "FilterTooLoose":
            # How many matched and the limit, as data for programs (the detail says it too).
            extra.update({k: getattr(exc, k) for k in _FILTER_TOO_LOOSE_FIELDS})
        response = problem(status, type(exc).__name__, exc.message, **extra)
        if status == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        retry_at = getattr(exc, "retry_at", None)
        if status == 429 and isinstance(retry_at, dt.datetime):
            wait = (retry_at - dt.datetime.now(dt.UTC)).total_seconds()
            response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
        return response

    @app.exception_handler(ValueError)
    async def _value(request: Request, exc: ValueError) -> JSONResponse:
        # The services raise ValueError for a bad argument (a limit, a lifetime, a name);
        # the message names the value and what was expected.
        return problem(422, "Invalid value", str(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"where": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
            for e in exc.errors()
        ]
        first = errors[0] if errors else {"where": "", "message": "invalid request"}
        detail = f"{first['where']}: {first['message']}" if first["where"] else first["message"]
        return problem(422, "Invalid request", detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else "request refused"
        response = problem(exc.status_code, "HTTP error", detail)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        # A bug is logged with its trace on the server; the client gets no internals.
        log.exception("internal error on %s %s", request.method, request.url.path)
        return problem(500, "Internal error", "openpas failed to answer; the server log says why")
