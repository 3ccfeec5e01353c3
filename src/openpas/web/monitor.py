"""The process monitor's pages: filters and the live list, a flow's details, the queues.

Only the monitor service (:mod:`openpas.monitor`) and the guard are used; the
monitor watches no flows until the user applies a filter, and a filter that
matches more than ``PAS Maximum Monitored Flows`` is refused with its reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from markupsafe import Markup
from starlette.responses import Response

from openpas import monitor
from openpas.directory.model import Licence
from openpas.errors import OpenpasError
from openpas.monitor import KINDS, WAIT_KINDS, Filter, FilterTooLoose
from openpas.monitor.filters import STATUSES
from openpas.security import guard
from openpas.security.principal import Principal
from openpas.web.pages import fragment, go, render
from openpas.web.session import CheckedForm, context_of, current, server_of

router = APIRouter(include_in_schema=False)
TEXT_FIELDS = (
    ("process", "Process"),
    ("version", "Version"),
    ("state", "State"),
    ("originator", "Started by"),
    ("details", "Details contain"),
    ("waiting_on_user", "Waiting on user"),
    ("waiting_on_workgroup", "Waiting on workgroup"),
)
TIME_FIELDS = (("started_from", "Started from (UTC)"), ("started_to", "Started before (UTC)"))
ROWS_SHOWN = 500
LIVE_TOPICS = "flow,work item,queue"


def _refuse(request: Request, principal: Principal) -> Response | None:
    if principal.administrator or principal.licence >= Licence.MONITOR:
        return None
    return render(
        request,
        "message.html",
        principal,
        403,
        title="The monitor needs a monitor licence",
        message=f"{principal.user} has the {principal.licence.label} licence; the process "
        "monitor is for users with the monitor licence.",
    )


def _form_of(query: dict[str, Any]) -> dict[str, Any]:
    """The filter's fields as the form holds them (text)."""
    found: dict[str, Any] = {k: str(query.get(k, "")) for k, _ in TEXT_FIELDS + TIME_FIELDS}
    found["waiting_kind"] = str(query.get("waiting_kind", ""))
    statuses = query.get("statuses", [])
    found["statuses"] = [statuses] if isinstance(statuses, str) else list(statuses)
    return found


def _filter_of(form: dict[str, Any]) -> Filter:
    """A Filter from the form; times without a zone are read in UTC.

    Raises:
        InvalidFilter: a field is not valid (the message names it).
    """
    data: dict[str, Any] = {k: v for k, v in form.items() if k != "statuses" and v != ""}
    for key, _ in TIME_FIELDS:
        if key in data:
            try:
                when = dt.datetime.fromisoformat(str(data[key]))
                data[key] = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
            except ValueError:
                pass  # the filter names the bad value
    data["statuses"] = form.get("statuses", [])
    return Filter.parse(data)


def _query_of(request: Request) -> dict[str, Any]:
    found: dict[str, Any] = dict(request.query_params)
    found["statuses"] = request.query_params.getlist("statuses")
    return found


def _form_from_filter(chosen: Filter) -> dict[str, Any]:
    data = chosen.as_data()
    form = _form_of({k: v for k, v in data.items() if k != "statuses"})
    for key, _ in TIME_FIELDS:
        value = getattr(chosen, key)
        if value is not None:
            form[key] = value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M")
    form["statuses"] = list(chosen.statuses)
    return form


def _results(request: Request, principal: Principal, form: dict[str, Any]) -> dict[str, Any]:
    try:
        chosen = _filter_of(form)
        result = monitor.matching(context_of(request), principal, chosen, limit=ROWS_SHOWN)
    except FilterTooLoose as exc:
        return {"refused": exc.message, "rows": [], "total": 0}
    except OpenpasError as exc:
        return {"invalid": exc.message, "rows": [], "total": 0}
    return {"rows": result.flows, "total": result.total}


@router.get("/monitor")
def monitor_page(request: Request, principal: Annotated[Principal, Depends(current)]) -> Response:
    refused = _refuse(request, principal)
    if refused is not None:
        return refused
    ctx = context_of(request)
    query = _query_of(request)
    name = str(query.get("saved", ""))
    mine = monitor.filters(ctx, principal)
    form = _form_of(query)
    message = None
    if name:
        found = next((f for f in mine if f.name == name), None)
        if found is None:
            message = f"You have no saved filter {name!r}."
        else:
            form = _form_from_filter(found.filter)
    applied = bool(name) or query.get("apply") == "1"
    results = _results(request, principal, form) if applied else None
    live_query = "?" + urlencode(
        [(k, v) for k, v in form.items() if k != "statuses" and v]
        + [("statuses", s) for s in form["statuses"]],
    )
    return render(
        request,
        "monitor.html",
        principal,
        form=form,
        saved_filters=mine,
        saved_name=name,
        applied=applied,
        results=results,
        message=message,
        text_fields=TEXT_FIELDS,
        time_fields=TIME_FIELDS,
        statuses=STATUSES,
        wait_kinds=WAIT_KINDS,
        live_query=live_query,
        live_topics=LIVE_TOPICS,
        maximum=ctx.settings.max_monitored_flows,
    )


@router.get("/monitor/rows")
def monitor_rows(request: Request, principal: Annotated[Principal, Depends(current)]) -> Response:
    """The rows of the monitor's list alone, for the live update."""
    if _refuse(request, principal) is not None:
        return fragment(request, "monitor_rows.html", results={"rows": [], "total": 0})
    results = _results(request, principal, _form_of(_query_of(request)))
    return fragment(request, "monitor_rows.html", results=results)


@router.post("/monitor/filters")
def save_filter(
    request: Request,
    principal: Annotated[Principal, Depends(current)],
    form: CheckedForm,
) -> Response:
    fields = _form_of(form)
    # Several status boxes share one name: the checked form keeps the last; read them all.
    fields["statuses"] = [k.removeprefix("status:") for k in form if k.startswith("status:")]
    name = str(form.get("name", "")).strip()
    query = urlencode(
        [(k, v) for k, v in fields.items() if k != "statuses" and v]
        + [("statuses", s) for s in fields["statuses"]]
        + [("apply", "1")]
    )
    try:
        chosen = _filter_of(fields)
        if "save" in form:
            monitor.save_filter(context_of(request), principal, name, chosen)
            return go("/monitor?" + urlencode({"saved": name.strip()}), f"Filter {name!r} saved.")
    except OpenpasError as exc:
        return go(f"/monitor?{query}", exc.message)
    return go(f"/monitor?{query}")


@router.post("/monitor/filters/delete")
def delete_filter(
    request: Request,
    principal: Annotated[Principal, Depends(current)],
    form: CheckedForm,
) -> Response:
    name = str(form.get("name", ""))
    try:
        monitor.delete_filter(context_of(request), principal, name)
    except OpenpasError as exc:
        return go("/monitor", exc.message)
    return go("/monitor", f"Filter {name!r} deleted.")


@router.get("/monitor/flows/{flow_id}")
def monitor_flow(
    request: Request, flow_id: int, principal: Annotated[Principal, Depends(current)]
) -> Response:
    refused = _refuse(request, principal)
    if refused is not None:
        return refused
    try:
        view = monitor.flow_view(context_of(request), principal, flow_id)
    except OpenpasError:
        # Not found and not allowed read the same: nobody learns that a flow exists.
        return render(
            request,
            "message.html",
            principal,
            404,
            title="Flow not found",
            message=f"There is no flow #{flow_id} that you may see in the monitor.",
        )
    return render(
        request,
        "monitor_flow.html",
        principal,
        m=view,
        view=view.flow,
        back="monitor",
        svg=Markup(view.svg),  # noqa: S704 - drawn by openpas.model.diagram, names escaped there
        kinds=KINDS,
        live_topics="flow,work item",
    )


def _manage(
    request: Request, principal: Principal, flow_id: int, form: dict[str, Any], what: str
) -> Response:
    ctx = context_of(request)
    reason = str(form.get("reason", "")).strip() or None
    back = f"/monitor/flows/{flow_id}"
    try:
        if what == "cancel":
            guard.guarded_cancel(ctx, principal, flow_id, reason or "cancelled in the monitor")
            return go(back, f"Flow #{flow_id} is cancelled.")
        if what == "retry":
            guard.guarded_retry(ctx, principal, flow_id, reason)
            return go(back, f"Flow #{flow_id}: the failed action is retried.")
        exit_name = str(form.get("exit", "")).strip() or None
        taken = guard.guarded_skip(ctx, principal, flow_id, exit_name, reason)
        return go(back, f"Flow #{flow_id}: the failed action is skipped (exit {taken}).")
    except OpenpasError as exc:
        return go(back, exc.message)


@router.post("/monitor/flows/{flow_id}/{what}")
def manage(
    request: Request,
    flow_id: int,
    what: str,
    principal: Annotated[Principal, Depends(current)],
    form: CheckedForm,
) -> Response:
    back = f"/monitor/flows/{flow_id}"
    if what in ("cancel", "retry", "skip"):
        return _manage(request, principal, flow_id, form, what)
    if what == "interactions":
        try:
            monitor.add_interaction(
                context_of(request),
                principal,
                flow_id,
                str(form.get("kind", "")),
                str(form.get("reference", "")),
                str(form.get("note", "")).strip() or None,
            )
        except OpenpasError as exc:
            return go(back, exc.message)
        return go(back + "#interactions", "Interaction linked.")
    if what == "unlink":
        try:
            monitor.remove_interaction(
                context_of(request), principal, int(str(form.get("link", "0")) or 0)
            )
        except (OpenpasError, ValueError) as exc:
            return go(back, str(exc))
        return go(back + "#interactions", "Interaction unlinked.")
    return go(back, f"Unknown action {what!r}; expected cancel, retry, skip or interactions.")


@router.get("/monitor/queues")
def queues_page(request: Request, principal: Annotated[Principal, Depends(current)]) -> Response:
    reports = _queues(request, principal)
    if reports is None:
        return render(
            request,
            "message.html",
            principal,
            403,
            title="No queues to watch",
            message="Queue figures are for workgroup supervisors and monitor licences.",
        )
    return render(request, "queues.html", principal, reports=reports)


@router.get("/monitor/queues/rows")
def queues_rows(request: Request, principal: Annotated[Principal, Depends(current)]) -> Response:
    return fragment(request, "queue_rows.html", reports=_queues(request, principal) or [])


def _queues(request: Request, principal: Principal) -> list[Any] | None:
    server = server_of(request)
    try:
        reports = monitor.queues(server.node.ctx, server.node.work, principal)
    except OpenpasError:
        return None
    if not reports and principal.licence < Licence.MONITOR and not principal.administrator:
        return None
    return reports
