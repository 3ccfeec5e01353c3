"""Presence: the statuses there are, logging in and out for work, my status."""

from __future__ import annotations

from fastapi import APIRouter, Request

from openpas.api import deps, schemas
from openpas.api.responses import API_PROBLEMS
from openpas.directory import service as directory

router = APIRouter(tags=["presence"], responses=API_PROBLEMS)


@router.get("/presence/statuses", summary="The presence statuses (available ones get work)")
def statuses(ctx: deps.CurrentContext, p: deps.CurrentPrincipal) -> list[schemas.StatusOut]:
    return [
        schemas.StatusOut(name=s.name, available=s.available)
        for s in directory.snapshot(ctx).statuses
    ]


@router.get("/presence", summary="My presence", response_model=schemas.AgentOut | None)
def mine(ctx: deps.CurrentContext, p: deps.CurrentPrincipal) -> schemas.AgentOut | None:
    state = directory.snapshot(ctx).state(p.user)
    return schemas.agent_out(state) if state is not None else None


@router.post("/presence/login", summary="Log in for work", response_model=schemas.AgentOut)
def login(
    request: Request, p: deps.CurrentPrincipal, body: schemas.Login | None = None
) -> schemas.AgentOut:
    node = deps.server(request).node
    state = directory.login(node.ctx, node.bus, p.user, body.status if body else None)
    return schemas.agent_out(state)


@router.post(
    "/presence/logout",
    summary="Log out from work (offers are withdrawn)",
    response_model=schemas.AgentOut | None,
)
def logout(request: Request, p: deps.CurrentPrincipal) -> schemas.AgentOut | None:
    node = deps.server(request).node
    node.work.logout(p.user)  # items in progress are held first, as logging off does
    state = directory.logout(node.ctx, node.bus, p.user)
    return schemas.agent_out(state) if state is not None else None


@router.put("/presence/status", summary="Set my presence status", response_model=schemas.AgentOut)
def set_status(
    request: Request, body: schemas.SetStatus, p: deps.CurrentPrincipal
) -> schemas.AgentOut:
    node = deps.server(request).node
    return schemas.agent_out(directory.set_presence(node.ctx, node.bus, p.user, body.status))
