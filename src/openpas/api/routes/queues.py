"""Queue statistics of workgroups, for their supervisors and monitor licences."""

from __future__ import annotations

from fastapi import APIRouter

from openpas.api import deps, schemas
from openpas.api.responses import API_PROBLEMS
from openpas.api.routes.work import Work
from openpas.security import guard
from openpas.security.rights import NotAllowed

router = APIRouter(tags=["queues"], responses=API_PROBLEMS)


@router.get("/queues", summary="The queues I may watch (supervised, or all for monitors)")
def queues(work: Work, p: deps.CurrentPrincipal) -> list[schemas.QueueOut]:
    found = []
    for name, group in sorted(work.people().workgroups.items()):
        if not group.has_queue:
            continue
        try:
            found.append(schemas.queue_out(guard.guarded_queue(work, p, name)))
        except NotAllowed:
            continue  # the guard decides which queues p may see; the others are left out
    return found


@router.get("/queues/{workgroup}", summary="One workgroup's queue", response_model=schemas.QueueOut)
def queue(workgroup: str, work: Work, p: deps.CurrentPrincipal) -> schemas.QueueOut:
    return schemas.queue_out(guard.guarded_queue(work, p, workgroup))
