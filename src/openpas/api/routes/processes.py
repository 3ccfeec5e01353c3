"""Processes: those I may launch, publishing new versions, activation, versions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from openpas.api import deps, schemas
from openpas.api.responses import API_PROBLEMS
from openpas.api.routes.auth import InvalidRequest
from openpas.security import guard
from openpas.security.principal import Principal
from openpas.security.rights import require_designer
from openpas.service import flows as flow_service
from openpas.service import processes
from openpas.service.context import Context

router = APIRouter(tags=["processes"], responses=API_PROBLEMS)

_YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/plain")
_PUBLISH_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/yaml": {"schema": {"type": "string"}},
            "application/json": {"schema": schemas.PublishJson.model_json_schema()},
        },
    }
}


@router.get("/processes", summary="The processes I may launch (designers: all)")
def listing(ctx: deps.CurrentContext, p: deps.CurrentPrincipal) -> list[schemas.ProcessOut]:
    return [schemas.process_out(r) for r in guard.guarded_processes(ctx, p)]


async def _document(request: Request) -> tuple[str, str | None]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await request.body()
    if content_type in _YAML_TYPES:
        try:
            return raw.decode("utf-8"), request.query_params.get("reason")
        except UnicodeDecodeError:
            raise InvalidRequest("the process document is not UTF-8 text") from None
    if content_type == "application/json":
        try:
            given = schemas.PublishJson.model_validate_json(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"]) or "body"
            raise InvalidRequest(
                f"publish with a JSON body {{'document': '<YAML text>'}}: {where}: {first['msg']}"
            ) from None
        return given.document, given.reason
    raise InvalidRequest(
        f"the Content-Type {content_type or '(none)'!r} is not application/yaml or "
        "application/json; send the YAML text, or JSON {'document': '<YAML text>'}"
    )


@router.post(
    "/processes",
    summary="Publish a process document (a new version); every problem is listed on 422",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.VersionOut,
    openapi_extra=_PUBLISH_BODY,
)
async def publish(request: Request, p: deps.CurrentPrincipal) -> schemas.VersionOut:
    text, reason = await _document(request)
    ctx = deps.context(request)
    record, _ = await run_in_threadpool(
        lambda: guard.guarded_publish(ctx, p, text, "api", reason=reason)
    )
    return schemas.version_out(record)


def _require_visible(ctx: Context, p: Principal, name: str) -> None:
    if not any(r.name == name for r in guard.guarded_processes(ctx, p)):
        raise flow_service.NotFound(f"no process named {name!r} that you may launch")


@router.get("/processes/{name}/versions", summary="The published versions of a process")
def versions(
    name: str, ctx: deps.CurrentContext, p: deps.CurrentPrincipal, document: bool = False
) -> list[schemas.VersionOut]:
    _require_visible(ctx, p, name)
    if document:
        require_designer(p, "read process documents")
    return [schemas.version_out(v, document) for v in processes.versions(ctx, name)]


@router.post(
    "/processes/{name}/activate",
    summary="Allow new launches",
    status_code=status.HTTP_204_NO_CONTENT,
)
def activate(
    name: str,
    ctx: deps.CurrentContext,
    p: deps.CurrentPrincipal,
    body: schemas.Activation | None = None,
) -> Response:
    guard.guarded_set_active(ctx, p, name, True, body.reason if body else None)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/processes/{name}/deactivate",
    summary="Stop new launches (running flows go on)",
    status_code=status.HTTP_204_NO_CONTENT,
)
def deactivate(
    name: str,
    ctx: deps.CurrentContext,
    p: deps.CurrentPrincipal,
    body: schemas.Activation | None = None,
) -> Response:
    guard.guarded_set_active(ctx, p, name, False, body.reason if body else None)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
