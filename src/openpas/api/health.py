"""Health, readiness and metrics: what a load balancer and Prometheus ask of a server."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.exc import SQLAlchemyError

from openpas import metrics
from openpas.api import problems
from openpas.api.deps import server
from openpas.service import gauges

log = logging.getLogger("openpas.api")

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is alive")
def healthz() -> dict[str, str]:
    """Always ``ok`` while the process answers (a liveness probe)."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="The server can take requests: database reachable, flows restored",
    responses={503: {"description": "Not ready yet", "content": {problems.MEDIA_TYPE: {}}}},
)
def readyz(request: Request) -> Response:
    """``ready`` when the database answers and this server has restored its flows."""
    ctx = server(request).node.ctx
    try:
        gauges.ping(ctx)
    except SQLAlchemyError as exc:
        log.warning("not ready: the database does not answer: %s", exc)
        return problems.problem(503, "Not ready", "the storage database does not answer")
    if not ctx.restored.is_set():
        return problems.problem(503, "Not ready", "the server is restoring its flows")
    return JSONResponse({"status": "ready"})


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}},
)
def prometheus(request: Request) -> Response:
    """The metrics in Prometheus text; flows and queues are counted from the database now."""
    refresh(request)
    return Response(generate_latest(metrics.REGISTRY), media_type=CONTENT_TYPE_LATEST)


def refresh(request: Request) -> None:
    """Set the gauges that describe the database (flows by status, queue lengths)."""
    ctx = server(request).node.ctx
    try:
        by_status = gauges.flows_by_status(ctx)
        waiting = gauges.waiting_by_workgroup(ctx)
    except SQLAlchemyError as exc:
        log.warning("metrics not refreshed: the database does not answer: %s", exc)
        return
    metrics.FLOWS.clear()
    for status, count in by_status.items():
        metrics.FLOWS.labels(status=status).set(count)
    metrics.QUEUE.clear()
    for workgroup, count in waiting.items():
        metrics.QUEUE.labels(workgroup=workgroup).set(count)
