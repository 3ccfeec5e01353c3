"""My Work Items and a work item's pages: pick up, fill in, submit, hold, transfer."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from openpas.directory import service as directory
from openpas.errors import OpenpasError
from openpas.security import guard
from openpas.security.principal import Principal
from openpas.security.sessions import CSRF_FIELD
from openpas.web.fields import PREFIX, changes_of, fields_of, typed_of
from openpas.web.pages import fragment, go, render
from openpas.web.session import CheckedForm, csrf_of, current, server_of
from openpas.work.forms import InvalidFields
from openpas.work.service import WorkService

router = APIRouter(include_in_schema=False)
STATUS_TEXT = {
    "new": "New",
    "in-progress": "In progress",
    "held": "Held",
    "wait-agent": "Waiting for an agent",
    "completed": "Completed",
}


def _work(request: Request) -> WorkService:
    found: WorkService = server_of(request).node.work
    return found


def _items(request: Request, principal: Principal) -> list[guard.ItemView]:
    order = {"in-progress": 0, "new": 1, "held": 2}
    items = guard.guarded_items(_work(request), principal)
    return sorted(items, key=lambda i: (order.get(i.status, 3), -i.priority, i.queued_at))


@router.get("/work")
def my_work(request: Request, principal: Annotated[Principal, Depends(current)]) -> Response:
    return render(
        request,
        "work.html",
        principal,
        items=_items(request, principal),
        status_text=STATUS_TEXT,
    )


@router.get("/work/list")
def my_work_list(request: Request, principal: Annotated[Principal, Depends(current)]) -> Response:
    """The rows of My Work Items alone: the page's script fetches them on each event."""
    return fragment(
        request,
        "work_rows.html",
        items=_items(request, principal),
        status_text=STATUS_TEXT,
        csrf=csrf_of(request),
        csrf_field=CSRF_FIELD,
    )


def _item(request: Request, principal: Principal, item_id: int) -> guard.ItemView | None:
    return next(
        (i for i in guard.guarded_items(_work(request), principal) if i.id == item_id), None
    )


@router.get("/work/{item_id}")
def work_item(
    request: Request, item_id: int, principal: Annotated[Principal, Depends(current)]
) -> Response:
    return _page(request, principal, item_id)


def _page(
    request: Request,
    principal: Principal,
    item_id: int,
    *,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    message: str | None = None,
) -> Response:
    item = _item(request, principal, item_id)
    if item is None:
        return render(
            request,
            "message.html",
            principal,
            404,
            title="Work item not found",
            message=f"Work item #{item_id} is not in your list: it was finished, transferred, "
            "or was never yours.",
        )
    page = None
    if item.status == "in-progress" and item.owner == principal.user:
        page = guard.guarded_page(_work(request), principal, item_id)
    people = directory.snapshot(server_of(request).node.ctx)
    return render(
        request,
        "item.html",
        principal,
        422 if errors else 200,
        item=item,
        page=page,
        fields=fields_of(page, errors, typed) if page is not None else [],
        prefix=PREFIX,
        errors=errors or {},
        message=message,
        status_text=STATUS_TEXT,
        users=sorted(u for u in people.users if u != principal.user),
        workgroups=sorted(people.workgroups),
    )


@router.post("/work/{item_id}/pickup")
def pick_up(
    request: Request,
    item_id: int,
    principal: Annotated[Principal, Depends(current)],
    form: CheckedForm,
) -> Response:
    try:
        picked = guard.guarded_pick_up(_work(request), principal, item_id)
    except OpenpasError as exc:
        return go("/work", exc.message)
    if picked.held_because is not None:
        return go("/work", picked.held_because)
    return go(f"/work/{item_id}")


@router.post("/work/{item_id}/act")
def act(
    request: Request,
    item_id: int,
    principal: Annotated[Principal, Depends(current)],
    form: CheckedForm,
) -> Response:
    """A button of the page (``button``), or Hold (``hold``)."""
    work = _work(request)
    try:
        page = guard.guarded_page(work, principal, item_id)
    except OpenpasError as exc:
        return go("/work", exc.message)
    changes = changes_of(page, form)
    typed = typed_of(form)
    try:
        if "hold" in form:
            guard.guarded_hold(work, principal, item_id, changes)
            return go("/work", f"Work item #{item_id} is held; pick it up again to resume.")
        button = str(form.get("button", ""))
        done = guard.guarded_submit(work, principal, item_id, button, changes)
    except InvalidFields as exc:
        return _page(request, principal, item_id, errors=exc.invalid, typed=typed)
    except OpenpasError as exc:
        return _page(request, principal, item_id, typed=typed, message=exc.message)
    if done.status == "in-progress" and done.owner == principal.user:
        return go(f"/work/{item_id}")
    return go("/work", f"Work item #{item_id}: {button} done.")


@router.post("/work/{item_id}/transfer")
def transfer(
    request: Request,
    item_id: int,
    principal: Annotated[Principal, Depends(current)],
    form: CheckedForm,
) -> Response:
    target: dict[str, Any] = {}
    user = str(form.get("to_user", "")).strip()
    group = str(form.get("to_workgroup", "")).strip()
    if user and group:
        return go(f"/work/{item_id}", "Transfer to a user or to a workgroup, not both.")
    if user:
        target["to_user"] = user
    elif group:
        target["to_workgroup"] = group
    else:
        return go(f"/work/{item_id}", "Choose a user or a workgroup to transfer to.")
    try:
        guard.guarded_transfer(_work(request), principal, item_id, **target)
    except OpenpasError as exc:
        return go(f"/work/{item_id}", exc.message)
    return go("/work", f"Work item #{item_id} is transferred to {user or group}.")
