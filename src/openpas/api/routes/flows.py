"""Flows: launch, search, details (guarded), and a manager's cancel, retry, skip and notes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from openpas.api import deps, schemas
from openpas.api.responses import API_PROBLEMS
from openpas.security import guard
from openpas.service.flows import LaunchBlocked

router = APIRouter(tags=["flows"], responses=API_PROBLEMS)


@router.post(
    "/flows",
    summary="Launch a flow with input values given as text by name",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.Launched,
)
def launch(
    body: schemas.Launch, ctx: deps.CurrentContext, p: deps.CurrentPrincipal
) -> schemas.Launched:
    # With overload 'fail' the caller would rather hear now than wait for the restore.
    blocked = ctx.settings.block_launch_during_restore and not ctx.restored.is_set()
    if body.overload == "fail" and blocked:
        raise LaunchBlocked(
            "the server is restoring its flows and PAS_blockLaunchDuringRestore is on; "
            "retry in a moment, or launch with overload 'queue' to wait"
        )
    flow_id = guard.guarded_launch(ctx, p, body.process, texts=body.values, mode=body.mode)
    found = guard.guarded_flow(ctx, p, flow_id)
    return schemas.Launched(id=flow_id, status=found.record.status)


@router.get("/flows", summary="The newest flows I may view, filtered")
def search(
    ctx: deps.CurrentContext,
    p: deps.CurrentPrincipal,
    status_: Annotated[
        list[str] | None, Query(alias="status", max_length=50, description="Any of these.")
    ] = None,
    process: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=guard.MAX_SEARCH)] = 100,
) -> list[schemas.FlowOut]:
    found = guard.guarded_search(ctx, p, status=status_, process=process, limit=limit)
    return [schemas.flow_out(r) for r in found]


@router.get(
    "/flows/{flow_id}",
    summary="One flow: variables I may see (hidden ones are absent), history, calls, notes",
    response_model=schemas.FlowDetailsOut,
)
def details(
    flow_id: deps.Id,
    ctx: deps.CurrentContext,
    p: deps.CurrentPrincipal,
) -> schemas.FlowDetailsOut:
    return schemas.flow_details_out(guard.guarded_flow(ctx, p, flow_id))


@router.post(
    "/flows/{flow_id}/cancel", summary="Cancel a flow", status_code=status.HTTP_204_NO_CONTENT
)
def cancel(
    flow_id: deps.Id,
    body: schemas.Cancel,
    ctx: deps.CurrentContext,
    p: deps.CurrentPrincipal,
) -> Response:
    guard.guarded_cancel(ctx, p, flow_id, body.reason)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/flows/{flow_id}/retry",
    summary="Retry the failed action of a flow",
    status_code=status.HTTP_204_NO_CONTENT,
)
def retry(
    flow_id: deps.Id,
    ctx: deps.CurrentContext,
    p: deps.CurrentPrincipal,
    body: schemas.Retry | None = None,
) -> Response:
    guard.guarded_retry(ctx, p, flow_id, body.reason if body else None)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/flows/{flow_id}/skip",
    summary="Skip the failed action of a flow, leaving by an exit",
    response_model=schemas.Skipped,
)
def skip(
    flow_id: deps.Id,
    ctx: deps.CurrentContext,
    p: deps.CurrentPrincipal,
    body: schemas.Skip | None = None,
) -> schemas.Skipped:
    given = body or schemas.Skip()
    taken = guard.guarded_skip(ctx, p, flow_id, given.exit, given.reason)
    return schemas.Skipped(exit=taken)


@router.post(
    "/flows/{flow_id}/notes",
    summary="Add a note to a flow I may view",
    status_code=status.HTTP_204_NO_CONTENT,
)
def add_note(
    flow_id: deps.Id,
    body: schemas.Note,
    ctx: deps.CurrentContext,
    p: deps.CurrentPrincipal,
) -> Response:
    guard.guarded_add_note(ctx, p, flow_id, body.text)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
