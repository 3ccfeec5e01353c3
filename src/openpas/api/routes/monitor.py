"""The process monitor: filters over the flows, saved filters, one flow's monitor view, and
the interactions related to a flow (thin adapters over :mod:`openpas.monitor`).

A filter that matches more flows than ``PAS Maximum Monitored Flows`` is refused
with a 422 problem (``FilterTooLoose``) saying how many matched and asking for a
narrower filter; its ``matched``, ``maximum`` and ``at_least`` fields say the same
as data. Read ``docs/monitor.md``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status

from openpas import monitor
from openpas.api import deps, schemas
from openpas.api.responses import API_PROBLEMS, problems
from openpas.security.principal import Principal
from openpas.service.context import Context

router = APIRouter(tags=["monitor"], responses=API_PROBLEMS)

FlowId = deps.Id
FilterName = Annotated[str, Path(min_length=1, max_length=1000)]
TOO_LOOSE: dict[int | str, dict[str, Any]] = {
    422: {
        **problems(422)[422],
        "description": (
            "Invalid filter (InvalidFilter), or a filter matching more flows you may view "
            "than PAS Maximum Monitored Flows (FilterTooLoose: the detail asks for a narrower "
            "filter; 'matched', 'maximum' and 'at_least' give the count, the limit, and whether "
            "counting stopped past the limit)"
        ),
    }
}
Limit = Annotated[
    int | None,
    Query(
        ge=1,
        le=schemas.MAX_ID,
        description="Return only the first rows, newest first (total still counts them all).",
    ),
]


@router.post(
    "/monitor/query",
    summary="The flows I may view that a filter matches, newest first, and how many",
    response_model=schemas.MonitorResultOut,
    responses=TOO_LOOSE,
)
def query(
    body: schemas.FilterIn, ctx: deps.CurrentContext, p: deps.CurrentPrincipal, limit: Limit = None
) -> schemas.MonitorResultOut:
    # The body is read before the principal is known; the monitor checks the licence first.
    return schemas.monitor_result_out(monitor.matching(ctx, p, body.to_filter(), limit=limit))


# ---------------------------------------------------------------------- saved filters


@router.get("/monitor/filters", summary="My saved filters, by name")
def saved_filters(
    ctx: deps.CurrentContext, p: deps.CurrentPrincipal
) -> list[schemas.SavedFilterOut]:
    return [schemas.saved_filter_out(f) for f in monitor.filters(ctx, p)]


@router.get(
    "/monitor/filters/{name}",
    summary="One of my saved filters",
    response_model=schemas.SavedFilterOut,
)
def saved_filter(
    name: FilterName, ctx: deps.CurrentContext, p: deps.CurrentPrincipal
) -> schemas.SavedFilterOut:
    return schemas.saved_filter_out(_saved(ctx, p, name))


@router.put(
    "/monitor/filters/{name}",
    summary="Save a filter under a name (201 when new, 200 when it replaced mine of that name)",
    response_model=schemas.SavedFilterOut,
    responses={201: {"model": schemas.SavedFilterOut, "description": "Saved as a new filter"}},
)
def save_filter(
    name: FilterName,
    body: schemas.FilterIn,
    response: Response,
    ctx: deps.CurrentContext,
    p: deps.CurrentPrincipal,
) -> schemas.SavedFilterOut:
    new = monitor.save_filter(ctx, p, name, body.to_filter())
    response.status_code = status.HTTP_201_CREATED if new else status.HTTP_200_OK
    # The monitor saves the name trimmed of spaces.
    return schemas.saved_filter_out(_saved(ctx, p, name.strip()))


@router.delete(
    "/monitor/filters/{name}",
    summary="Delete one of my saved filters",
    status_code=status.HTTP_204_NO_CONTENT,
)
def delete_filter(name: FilterName, ctx: deps.CurrentContext, p: deps.CurrentPrincipal) -> Response:
    monitor.delete_filter(ctx, p, name)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/monitor/filters/{name}/flows",
    summary="Run one of my saved filters: the flows it matches, newest first, and how many",
    response_model=schemas.MonitorResultOut,
    responses=TOO_LOOSE,
)
def run_filter(
    name: FilterName, ctx: deps.CurrentContext, p: deps.CurrentPrincipal, limit: Limit = None
) -> schemas.MonitorResultOut:
    chosen = monitor.saved_filter(ctx, p, name)
    return schemas.monitor_result_out(monitor.matching(ctx, p, chosen, limit=limit))


# ---------------------------------------------------------------------- one flow


@router.get(
    "/monitor/flows/{flow_id}",
    summary="One flow in the monitor: timed history, work items, links, the state diagram",
    response_model=schemas.MonitorFlowOut,
)
def flow(
    flow_id: FlowId, ctx: deps.CurrentContext, p: deps.CurrentPrincipal
) -> schemas.MonitorFlowOut:
    return schemas.monitor_flow_out(monitor.flow_view(ctx, p, flow_id))


# ---------------------------------------------------------------------- related interactions


@router.get(
    "/flows/{flow_id}/interactions",
    summary="The interactions linked to a flow I may view, oldest first",
)
def interactions(
    flow_id: FlowId, ctx: deps.CurrentContext, p: deps.CurrentPrincipal
) -> list[schemas.InteractionOut]:
    return [schemas.interaction_out(i) for i in monitor.interactions(ctx, p, flow_id)]


@router.post(
    "/flows/{flow_id}/interactions",
    summary="Link a call, chat, e-mail or other interaction to a flow I may view",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.InteractionOut,
)
def add_interaction(
    flow_id: FlowId,
    body: schemas.InteractionIn,
    ctx: deps.CurrentContext,
    p: deps.CurrentPrincipal,
) -> schemas.InteractionOut:
    link = monitor.add_interaction(ctx, p, flow_id, body.kind, body.reference, body.note)
    return schemas.interaction_out(link)


@router.delete(
    "/flows/{flow_id}/interactions/{link_id}",
    summary="Remove a related interaction (Manage Process on the flow's process)",
    status_code=status.HTTP_204_NO_CONTENT,
)
def remove_interaction(
    flow_id: FlowId,
    link_id: deps.Id,
    ctx: deps.CurrentContext,
    p: deps.CurrentPrincipal,
    reason: Annotated[str | None, Query(max_length=2000, description="Kept in the audit.")] = None,
) -> Response:
    # The link must be one of this flow's: listing them also checks that p may view the flow.
    if link_id not in {i.id for i in monitor.interactions(ctx, p, flow_id)}:
        raise monitor.NotFound(f"flow #{flow_id} has no related interaction #{link_id}")
    monitor.remove_interaction(ctx, p, link_id, reason)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _saved(ctx: Context, p: Principal, name: str) -> monitor.SavedFilter:
    """``p`` 's saved filter ``name`` with its times; NotFound names ``p`` 's filters."""
    monitor.saved_filter(ctx, p, name)
    for saved in monitor.filters(ctx, p):
        if saved.name == name:
            return saved
    raise monitor.NotFound(f"{p.user}'s saved filter {name!r} was deleted meanwhile")
