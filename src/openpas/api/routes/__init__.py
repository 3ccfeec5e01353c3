"""One router per resource of the REST API (mounted under ``/api/v1``)."""

from __future__ import annotations

from fastapi import APIRouter

from openpas.api.routes import (
    auth,
    directory,
    events,
    flows,
    parameters,
    presence,
    processes,
    queues,
    work,
)

ROUTERS: list[APIRouter] = [
    auth.router,
    processes.router,
    flows.router,
    work.router,
    presence.router,
    queues.router,
    directory.router,
    parameters.router,
    events.router,
]
