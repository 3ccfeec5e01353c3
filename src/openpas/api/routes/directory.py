"""The directory for administrators: users, workgroups, roles, skills, grants, specifications."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from openpas.api import deps, schemas
from openpas.api.responses import API_PROBLEMS
from openpas.directory import service as directory
from openpas.directory.model import Directory, Licence, User, Workgroup
from openpas.events import Bus
from openpas.security import rights, specifications
from openpas.security.principal import Principal
from openpas.security.specifications import Members
from openpas.service.context import Context

router = APIRouter(prefix="/directory", tags=["directory"], responses=API_PROBLEMS)


def administrator(p: deps.CurrentPrincipal) -> Principal:
    """The principal, who must be an administrator."""
    rights.require_administrator(p, "read or change the directory")
    return p


Admin = Annotated[Principal, Depends(administrator)]


def _bus(request: Request) -> Bus:
    return deps.server(request).node.bus


def _snapshot(ctx: Context) -> Directory:
    return directory.snapshot(ctx)


def _done() -> Response:
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# ---------------------------------------------------------------------- users


@router.get("/users", summary="Every user")
def users(ctx: deps.CurrentContext, p: Admin) -> list[schemas.UserOut]:
    return [schemas.user_out(u) for u in _snapshot(ctx).users.values()]


@router.get("/users/{name}", summary="One user", response_model=schemas.UserOut)
def user(name: str, ctx: deps.CurrentContext, p: Admin) -> schemas.UserOut:
    return schemas.user_out(_snapshot(ctx).user(name))


@router.post(
    "/users",
    summary="Add a user",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.UserOut,
)
def add_user(
    body: schemas.NewUser, request: Request, ctx: deps.CurrentContext, p: Admin
) -> schemas.UserOut:
    new = User(
        name=body.name,
        display_name=body.display_name,
        mailbox=body.mailbox,
        licence=Licence.parse(body.licence),
        skills=dict(body.skills),
        roles=frozenset(body.roles),
        utilization=body.utilization,
    )
    added = directory.add_user(ctx, _bus(request), new, by=p.user, reason=body.reason)
    return schemas.user_out(added)


@router.put(
    "/users/{name}/licence", summary="Change a user's licence", response_model=schemas.UserOut
)
def set_licence(
    name: str, body: schemas.SetLicence, request: Request, ctx: deps.CurrentContext, p: Admin
) -> schemas.UserOut:
    changed = directory.set_licence(
        ctx, _bus(request), name, body.licence, by=p.user, reason=body.reason
    )
    return schemas.user_out(changed)


@router.put(
    "/users/{name}/skills/{skill}",
    summary="Give a user a skill at a proficiency",
    response_model=schemas.UserOut,
)
def set_skill(
    name: str,
    skill: str,
    body: schemas.SetProficiency,
    request: Request,
    ctx: deps.CurrentContext,
    p: Admin,
) -> schemas.UserOut:
    changed = directory.set_skill(
        ctx, _bus(request), name, skill, body.proficiency, by=p.user, reason=body.reason
    )
    return schemas.user_out(changed)


@router.delete(
    "/users/{name}/skills/{skill}", summary="Take a skill away", response_model=schemas.UserOut
)
def remove_skill(
    name: str, skill: str, request: Request, ctx: deps.CurrentContext, p: Admin
) -> schemas.UserOut:
    return schemas.user_out(directory.remove_skill(ctx, _bus(request), name, skill, by=p.user))


# ---------------------------------------------------------------------- workgroups


@router.get("/workgroups", summary="Every workgroup")
def workgroups(ctx: deps.CurrentContext, p: Admin) -> list[schemas.WorkgroupOut]:
    return [schemas.workgroup_out(w) for w in _snapshot(ctx).workgroups.values()]


@router.post(
    "/workgroups",
    summary="Add a workgroup",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.WorkgroupOut,
)
def add_workgroup(
    body: schemas.NewWorkgroup, request: Request, ctx: deps.CurrentContext, p: Admin
) -> schemas.WorkgroupOut:
    new = Workgroup(
        name=body.name,
        members=frozenset(body.members),
        supervisors=frozenset(body.supervisors),
        skills=dict(body.skills),
        has_queue=body.has_queue,
    )
    added = directory.add_workgroup(ctx, _bus(request), new, by=p.user, reason=body.reason)
    return schemas.workgroup_out(added)


@router.put(
    "/workgroups/{workgroup}/members/{name}",
    summary="Make a user a member",
    response_model=schemas.WorkgroupOut,
)
def add_member(
    workgroup: str, name: str, request: Request, ctx: deps.CurrentContext, p: Admin
) -> schemas.WorkgroupOut:
    changed = directory.add_member(ctx, _bus(request), name, workgroup, by=p.user)
    return schemas.workgroup_out(changed)


@router.delete(
    "/workgroups/{workgroup}/members/{name}",
    summary="Take a user out of a workgroup",
    response_model=schemas.WorkgroupOut,
)
def remove_member(
    workgroup: str, name: str, request: Request, ctx: deps.CurrentContext, p: Admin
) -> schemas.WorkgroupOut:
    changed = directory.remove_member(ctx, _bus(request), name, workgroup, by=p.user)
    return schemas.workgroup_out(changed)


@router.put(
    "/workgroups/{workgroup}/supervisors/{name}",
    summary="Make a member a supervisor",
    response_model=schemas.WorkgroupOut,
)
def add_supervisor(
    workgroup: str, name: str, request: Request, ctx: deps.CurrentContext, p: Admin
) -> schemas.WorkgroupOut:
    changed = directory.set_supervisor(ctx, _bus(request), name, workgroup, True, by=p.user)
    return schemas.workgroup_out(changed)


@router.delete(
    "/workgroups/{workgroup}/supervisors/{name}",
    summary="A supervisor no more",
    response_model=schemas.WorkgroupOut,
)
def remove_supervisor(
    workgroup: str, name: str, request: Request, ctx: deps.CurrentContext, p: Admin
) -> schemas.WorkgroupOut:
    changed = directory.set_supervisor(ctx, _bus(request), name, workgroup, False, by=p.user)
    return schemas.workgroup_out(changed)


# ---------------------------------------------------------------------- roles and skills


@router.get("/roles", summary="Every role with its members")
def roles(ctx: deps.CurrentContext, p: Admin) -> list[schemas.RoleOut]:
    return [
        schemas.RoleOut(name=r.name, members=sorted(r.members))
        for r in _snapshot(ctx).roles.values()
    ]


@router.put(
    "/roles/{role}/members/{name}", summary="Give a user a role", response_model=schemas.UserOut
)
def add_role_member(
    role: str, name: str, request: Request, ctx: deps.CurrentContext, p: Admin
) -> schemas.UserOut:
    return schemas.user_out(directory.add_role_member(ctx, _bus(request), name, role, by=p.user))


@router.delete(
    "/roles/{role}/members/{name}", summary="Take a role away", response_model=schemas.UserOut
)
def remove_role_member(
    role: str, name: str, request: Request, ctx: deps.CurrentContext, p: Admin
) -> schemas.UserOut:
    changed = directory.remove_role_member(ctx, _bus(request), name, role, by=p.user)
    return schemas.user_out(changed)


@router.get("/skills", summary="The skill catalogue")
def skills(ctx: deps.CurrentContext, p: Admin) -> list[schemas.SkillOut]:
    return [
        schemas.SkillOut(name=s.name, description=s.description)
        for s in _snapshot(ctx).skills.values()
    ]


@router.post(
    "/skills",
    summary="Add a skill to the catalogue",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.SkillOut,
)
def add_skill(
    body: schemas.NewSkill, request: Request, ctx: deps.CurrentContext, p: Admin
) -> schemas.SkillOut:
    directory.add_skill(
        ctx, _bus(request), body.name, body.description, by=p.user, reason=body.reason
    )
    return schemas.SkillOut(name=body.name, description=body.description)


# ---------------------------------------------------------------------- rights


@router.get("/grants", summary="Every process right granted")
def grants(ctx: deps.CurrentContext, p: deps.CurrentPrincipal) -> list[schemas.GrantOut]:
    return [schemas.grant_out(g) for g in rights.grants(ctx, p)]


@router.post("/grants", summary="Grant a process right", response_model=schemas.Changed)
def grant(
    body: schemas.GrantIn, ctx: deps.CurrentContext, p: deps.CurrentPrincipal
) -> schemas.Changed:
    added = rights.grant(ctx, p, body.kind, body.subject, body.right, body.process)
    return schemas.Changed(changed=added)


@router.delete("/grants", summary="Revoke a process right", response_model=schemas.Changed)
def revoke(
    kind: str,
    subject: str,
    right: str,
    process: str,
    ctx: deps.CurrentContext,
    p: deps.CurrentPrincipal,
) -> schemas.Changed:
    return schemas.Changed(changed=rights.revoke(ctx, p, kind, subject, right, process))


# ---------------------------------------------------------------------- specifications


@router.get("/specifications", summary="Every security specification with its members")
def specification_list(
    ctx: deps.CurrentContext, p: deps.CurrentPrincipal
) -> list[schemas.SpecificationOut]:
    return [schemas.specification_out(s) for s in specifications.listing(ctx, p).values()]


@router.put(
    "/specifications/{name}",
    summary="Create a security specification or replace its members",
    response_model=schemas.SpecificationOut,
)
def put_specification(
    name: str, body: schemas.SpecificationIn, ctx: deps.CurrentContext, p: deps.CurrentPrincipal
) -> schemas.SpecificationOut:
    members = Members.of(body.users, body.workgroups, body.roles)
    if name in specifications.listing(ctx, p):
        specifications.set_members(ctx, p, name, members)
    else:
        specifications.create(ctx, p, name, members, body.description)
    return schemas.specification_out(specifications.listing(ctx, p)[name])


@router.delete(
    "/specifications/{name}",
    summary="Delete a security specification (its variables are then hidden from everyone)",
    status_code=status.HTTP_204_NO_CONTENT,
)
def delete_specification(name: str, ctx: deps.CurrentContext, p: deps.CurrentPrincipal) -> Response:
    specifications.delete(ctx, p, name)
    return _done()
