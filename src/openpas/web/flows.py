"""Start a Process (when ``ConnectIPAEnabled``), search processes, a flow's status and details."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from openpas.directory.model import Licence
from openpas.errors import OpenpasError
from openpas.security import guard
from openpas.security.principal import Principal
from openpas.web.fields import kind_of
from openpas.web.pages import go, render
from openpas.web.session import CheckedForm, context_of, current

router = APIRouter(include_in_schema=False)
STATUSES = ("running", "waiting", "error", "restored-in-error", "completed", "cancelled", "queued")


def _start_disabled(request: Request, principal: Principal) -> Response | None:
    if context_of(request).settings.connect_enabled:
        return None
    return render(
        request,
        "message.html",
        principal,
        404,
        title="Start a Process is turned off",
        message="This server does not offer Start a Process in the web client "
        "(the server parameter ConnectIPAEnabled is false).",
    )


@router.get("/start")
def start(request: Request, principal: Annotated[Principal, Depends(current)]) -> Response:
    off = _start_disabled(request, principal)
    if off is not None:
        return off
    listed = [r for r in guard.guarded_processes(context_of(request), principal) if r.active]
    return render(request, "start.html", principal, processes=listed)


@router.get("/start/{process}")
def launch_form(
    request: Request, process: str, principal: Annotated[Principal, Depends(current)]
) -> Response:
    return _launch_page(request, principal, process)


def _launch_page(
    request: Request,
    principal: Principal,
    process: str,
    *,
    typed: dict[str, str] | None = None,
    error: str | None = None,
) -> Response:
    off = _start_disabled(request, principal)
    if off is not None:
        return off
    try:
        inputs = guard.guarded_launch_form(context_of(request), principal, process)
    except OpenpasError as exc:
        return render(
            request, "message.html", principal, 404, title="Cannot start", message=exc.message
        )
    return render(
        request,
        "launch.html",
        principal,
        422 if error else 200,
        process=process,
        inputs=[(i, kind_of(i.type)) for i in inputs],
        typed=typed or {},
        error=error,
        may_test=principal.licence >= Licence.DESIGNER,
    )


@router.post("/start/{process}")
def launch(
    request: Request,
    process: str,
    principal: Annotated[Principal, Depends(current)],
    form: CheckedForm,
) -> Response:
    off = _start_disabled(request, principal)
    if off is not None:
        return off
    ctx = context_of(request)
    try:
        names = {i.name for i in guard.guarded_launch_form(ctx, principal, process)}
        texts = {k: str(v).strip() for k, v in form.items() if k in names and str(v).strip()}
        # A designer's test launch sends every work item of the flow to the designer.
        mode = "test" if str(form.get("test launch", "")) == "on" else "production"
        flow_id = guard.guarded_launch(ctx, principal, process, texts=texts, mode=mode)
    except OpenpasError as exc:
        typed = {k: str(v) for k, v in form.items()}
        return _launch_page(request, principal, process, typed=typed, error=exc.message)
    return go(f"/flows/{flow_id}", f"{process} started: flow #{flow_id}.")


@router.get("/flows")
def search(
    request: Request,
    principal: Annotated[Principal, Depends(current)],
    status: str = "",
    process: str = "",
) -> Response:
    found = guard.guarded_search(
        context_of(request),
        principal,
        status=[status] if status else None,
        process=process.strip() or None,
        limit=200,
    )
    return render(
        request,
        "flows.html",
        principal,
        flows=found,
        status=status,
        process=process,
        statuses=STATUSES,
    )


@router.get("/flows/{flow_id}")
def flow(
    request: Request, flow_id: int, principal: Annotated[Principal, Depends(current)]
) -> Response:
    try:
        view = guard.guarded_flow(context_of(request), principal, flow_id)
    except OpenpasError:
        # Not found and not allowed read the same: nobody learns that a flow exists.
        return render(
            request,
            "message.html",
            principal,
            404,
            title="Flow not found",
            message=f"There is no flow #{flow_id} that you may see.",
        )
    return render(request, "flow.html", principal, view=view)


@router.post("/flows/{flow_id}/notes")
def add_note(
    request: Request,
    flow_id: int,
    principal: Annotated[Principal, Depends(current)],
    form: CheckedForm,
) -> Response:
    back = "/monitor/flows" if str(form.get("back", "")) == "monitor" else "/flows"
    text = str(form.get("text", "")).strip()
    if not text:
        return go(f"{back}/{flow_id}", "Write the note before adding it.")
    try:
        guard.guarded_add_note(context_of(request), principal, flow_id, text)
    except OpenpasError as exc:
        return go(f"{back}/{flow_id}", exc.message)
    return go(f"{back}/{flow_id}#notes", "Note added.")
