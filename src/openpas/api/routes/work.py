"""My work items: list, pick up, the current page, commands (buttons), hold, transfer, pull."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from openpas.api import deps, schemas
from openpas.api.responses import API_PROBLEMS
from openpas.security import guard
from openpas.work.service import WorkService

router = APIRouter(tags=["work items"], responses=API_PROBLEMS)

IN_PROGRESS = "in-progress"


def work_service(request: Request) -> WorkService:
    """The work item service of the server's node."""
    return deps.server(request).node.work


Work = Annotated[WorkService, Depends(work_service)]


@router.get("/work-items", summary="My work items: offered to me, picked up, held")
def my_items(work: Work, p: deps.CurrentPrincipal) -> list[schemas.ItemOut]:
    return [schemas.item_out(v) for v in guard.guarded_items(work, p)]


@router.post(
    "/work-items/{item_id}/pick-up",
    summary="Pick up (or resume) a work item; held at once if it needs a field I may not see",
    response_model=schemas.PickedUpOut,
)
def pick_up(item_id: deps.Id, work: Work, p: deps.CurrentPrincipal) -> schemas.PickedUpOut:
    picked = guard.guarded_pick_up(work, p, item_id)
    return schemas.PickedUpOut(item=schemas.item_out(picked.item), held_because=picked.held_because)


@router.get(
    "/work-items/{item_id}/page",
    summary="The current page of an item I work on (fields I may not see are absent)",
    response_model=schemas.PageOut,
)
def page(item_id: deps.Id, work: Work, p: deps.CurrentPrincipal) -> schemas.PageOut:
    return schemas.page_out(guard.guarded_page(work, p, item_id))


@router.post(
    "/work-items/{item_id}/commands",
    summary="Press a button with the page's values: the next page, or completed",
    response_model=schemas.Submitted,
)
def submit(
    item_id: deps.Id,
    body: schemas.Command,
    work: Work,
    p: deps.CurrentPrincipal,
) -> schemas.Submitted:
    after = guard.guarded_submit(work, p, item_id, body.button, body.values)
    if after.status == IN_PROGRESS and after.owner == p.user:
        next_page = schemas.page_out(guard.guarded_page(work, p, item_id))
        return schemas.Submitted(status="next page", item=schemas.item_out(after), page=next_page)
    return schemas.Submitted(status="completed", item=schemas.item_out(after))


@router.post(
    "/work-items/{item_id}/hold",
    summary="Put an item aside, keeping the values entered so far",
    status_code=status.HTTP_204_NO_CONTENT,
)
def hold(
    item_id: deps.Id,
    work: Work,
    p: deps.CurrentPrincipal,
    body: schemas.Hold | None = None,
) -> Response:
    guard.guarded_hold(work, p, item_id, body.values if body else None)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/work-items/{item_id}/transfer",
    summary="Transfer an item I hold or supervise to a user or a workgroup",
    response_model=schemas.ItemOut,
)
def transfer(
    item_id: deps.Id,
    body: schemas.Transfer,
    work: Work,
    p: deps.CurrentPrincipal,
) -> schemas.ItemOut:
    moved = guard.guarded_transfer(
        work, p, item_id, to_user=body.to_user, to_workgroup=body.to_workgroup
    )
    return schemas.item_out(moved)


@router.post(
    "/work-items/{item_id}/pull",
    summary="A supervisor takes an item someone works on",
    response_model=schemas.ItemOut,
)
def pull(
    item_id: deps.Id,
    work: Work,
    p: deps.CurrentPrincipal,
    body: schemas.Pull | None = None,
) -> schemas.ItemOut:
    return schemas.item_out(guard.guarded_pull(work, p, item_id, body.reason if body else None))
