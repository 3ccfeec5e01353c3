"""Changing the directory: each function is one transaction, then one event on the bus.

Changes about one user (presence, login, skills, licence, memberships) are
published on topic ``agent`` with the user's name, so routing can offer or
withdraw work at once; changes of the structure (an import, a new user, skill
or workgroup) are published on topic ``directory``. Events are published
after the commit, and only when something changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection

from openpas.directory import file
from openpas.directory.errors import InvalidEntry, NotFound, NotLicensed
from openpas.directory.model import (
    AgentState,
    Directory,
    Licence,
    Skill,
    User,
    Workgroup,
    proficiency_problem,
)
from openpas.events import Bus
from openpas.model.naming import suggest
from openpas.security import audit
from openpas.service.context import Context
from openpas.store import directory as store

AGENT = "agent"
DIRECTORY = "directory"

T = TypeVar("T")


def snapshot(ctx: Context) -> Directory:
    """The whole directory as it is now (about 16 ms for 1,000 users, SQLite or PostgreSQL)."""
    with ctx.read() as conn:
        return store.load(conn)


def import_file(
    ctx: Context,
    bus: Bus,
    path: str | Path,
    *,
    merge: bool = False,
    by: str | None = None,
    reason: str | None = None,
) -> Directory:
    """Load a directory file into the store.

    Importing the same file twice changes nothing the second time. Agents who
    remain keep their presence.

    Args:
        path: the YAML file (see :mod:`openpas.directory.file`).
        merge: keep the stored entries the file does not mention (the file's
            entries replace stored ones of the same name); without it the store
            becomes exactly the file.
        by: who imports (for the audit log); ``reason``: why.

    Raises:
        DirectoryError: the file has problems; nothing is changed.
    """
    with ctx.db.begin() as conn:
        before = store.load(conn)
        wanted = file.load_file(path, base=before if merge else None)
        changed = _structure(wanted) != _structure(before)
        if changed:
            store.replace(conn, wanted, ctx.clock())
            after = store.load(conn)
            _audit(
                ctx,
                conn,
                by,
                "directory.import",
                f"file {path}",
                reason,
                merge=merge,
                users=len(after.users),
                workgroups=len(after.workgroups),
            )
        else:
            after = before
    if changed:
        bus.publish(
            DIRECTORY,
            "imported",
            {"source": str(path), "users": len(after.users), "workgroups": len(after.workgroups)},
        )
    return after


def add_user(
    ctx: Context, bus: Bus, user: User, *, by: str | None = None, reason: str | None = None
) -> User:
    """Add a new user (its skills and roles must exist); ``by`` whom and why are audited.

    Raises:
        InvalidEntry: the user exists already, or names a skill or role that does not.
    """

    def change(conn: Connection, now: Directory) -> User:
        if user.name in now.users:
            raise InvalidEntry(f"the user {user.name!r} exists already")
        for skill in user.skills:
            now.skill(skill)
        for role in user.roles:
            now.role(role)
        store.upsert_user(conn, user)
        _audit(
            ctx,
            conn,
            by,
            "directory.user.add",
            f"user {user.name}",
            reason,
            licence=user.licence.label,
            administrator=user.administrator,
        )
        return user

    added = _change(ctx, change)
    bus.publish(DIRECTORY, "user added", {"user": user.name}, {user.name})
    return added


def add_skill(
    ctx: Context,
    bus: Bus,
    name: str,
    description: str = "",
    *,
    by: str | None = None,
    reason: str | None = None,
) -> Skill:
    """Add a skill to the catalogue (or change its description)."""
    skill = Skill(name, description)
    with ctx.db.begin() as conn:
        store.add_skill(conn, skill)
        _audit(ctx, conn, by, "directory.skill.add", f"skill {name}", reason)
    bus.publish(DIRECTORY, "skill added", {"skill": name})
    return skill


def add_workgroup(
    ctx: Context,
    bus: Bus,
    workgroup: Workgroup,
    *,
    by: str | None = None,
    reason: str | None = None,
) -> Workgroup:
    """Add a new workgroup; its members, supervisors and skills must exist."""

    def change(conn: Connection, now: Directory) -> Workgroup:
        if workgroup.name in now.workgroups:
            raise InvalidEntry(f"the workgroup {workgroup.name!r} exists already")
        for name in sorted(workgroup.members | workgroup.supervisors):
            now.user(name)
        for skill in workgroup.skills:
            now.skill(skill)
        store.add_workgroup(conn, workgroup)
        _audit(ctx, conn, by, "directory.workgroup.add", f"workgroup {workgroup.name}", reason)
        return workgroup

    added = _change(ctx, change)
    bus.publish(DIRECTORY, "workgroup added", {"workgroup": workgroup.name})
    return added


def set_licence(
    ctx: Context,
    bus: Bus,
    user: str,
    licence: Licence | str,
    *,
    by: str | None = None,
    reason: str | None = None,
) -> User:
    """Give ``user`` another licence (``direct``, ``group``, ``monitor``, ``designer``, ``none``).

    Work items the user holds stay; only new work follows the new licence.
    """
    chosen = licence if isinstance(licence, Licence) else Licence.parse(licence)

    def change(conn: Connection, now: Directory) -> User:
        found = now.user(user)
        store.set_licence(conn, user, chosen)
        _audit(
            ctx,
            conn,
            by,
            "directory.user.licence",
            f"user {user}",
            reason,
            licence=chosen.label,
            before=found.licence.label,
        )
        return replace(found, licence=chosen)

    return _agent_change(ctx, bus, user, "licence changed", change, licence=chosen.label)


def set_skill(
    ctx: Context,
    bus: Bus,
    user: str,
    skill: str,
    proficiency: int,
    *,
    by: str | None = None,
    reason: str | None = None,
) -> User:
    """Give ``user`` the catalogued ``skill`` at ``proficiency`` (1-100)."""
    why = proficiency_problem(proficiency, f"{skill!r} for user {user!r}")
    if why is not None:
        raise InvalidEntry(why)

    def change(conn: Connection, now: Directory) -> User:
        found = now.user(user)
        now.skill(skill)
        store.set_skill(conn, user, skill, proficiency)
        _audit(
            ctx,
            conn,
            by,
            "directory.user.skill.set",
            f"user {user}",
            reason,
            skill=skill,
            proficiency=proficiency,
        )
        return replace(found, skills={**found.skills, skill: proficiency})

    return _agent_change(
        ctx, bus, user, "skills changed", change, skill=skill, proficiency=proficiency
    )


def remove_skill(
    ctx: Context,
    bus: Bus,
    user: str,
    skill: str,
    *,
    by: str | None = None,
    reason: str | None = None,
) -> User:
    """Take ``skill`` from ``user``.

    Raises:
        InvalidEntry: the user does not have the skill.
    """

    def change(conn: Connection, now: Directory) -> User:
        found = now.user(user)
        if skill not in found.skills:
            has = ", ".join(found.skills) or "none"
            raise InvalidEntry(
                f"the user {user!r} has no skill {skill!r}{suggest(skill, found.skills)}; "
                f"their skills: {has}"
            )
        store.remove_skill(conn, user, skill)
        _audit(ctx, conn, by, "directory.user.skill.remove", f"user {user}", reason, skill=skill)
        return replace(found, skills={k: v for k, v in found.skills.items() if k != skill})

    return _agent_change(ctx, bus, user, "skills changed", change, skill=skill, proficiency=0)


def add_member(
    ctx: Context,
    bus: Bus,
    user: str,
    workgroup: str,
    *,
    by: str | None = None,
    reason: str | None = None,
) -> Workgroup:
    """Make ``user`` a member of ``workgroup`` (nothing happens when they are one)."""
    return _membership(ctx, bus, user, workgroup, member=True, by=by, reason=reason)


def remove_member(
    ctx: Context,
    bus: Bus,
    user: str,
    workgroup: str,
    *,
    by: str | None = None,
    reason: str | None = None,
) -> Workgroup:
    """Take ``user`` out of ``workgroup``.

    Raises:
        InvalidEntry: the user is not a member.
    """
    return _membership(ctx, bus, user, workgroup, member=False, by=by, reason=reason)


def set_supervisor(
    ctx: Context,
    bus: Bus,
    user: str,
    workgroup: str,
    supervisor: bool = True,
    *,
    by: str | None = None,
    reason: str | None = None,
) -> Workgroup:
    """Make ``user`` a supervisor of ``workgroup``, or no longer one."""
    return _membership(ctx, bus, user, workgroup, supervisor=supervisor, by=by, reason=reason)


def add_role_member(
    ctx: Context,
    bus: Bus,
    user: str,
    role: str,
    *,
    by: str | None = None,
    reason: str | None = None,
) -> User:
    """Give ``user`` the existing ``role``."""
    return _role(ctx, bus, user, role, member=True, by=by, reason=reason)


def remove_role_member(
    ctx: Context,
    bus: Bus,
    user: str,
    role: str,
    *,
    by: str | None = None,
    reason: str | None = None,
) -> User:
    """Take ``role`` from ``user``."""
    return _role(ctx, bus, user, role, member=False, by=by, reason=reason)


def login(ctx: Context, bus: Bus, user: str, status: str | None = None) -> AgentState:
    """Log ``user`` in, in ``status`` (the first available status unless told).

    Raises:
        NotFound: no such user or status.
        NotLicensed: the user has no licence to receive work (at least ``direct``).
    """
    with ctx.db.begin() as conn:
        licence = _licence(conn, user)
        if licence < Licence.DIRECT:
            raise NotLicensed(
                user,
                f"the user {user!r} has the licence {licence.label!r}; logging in to receive "
                "work needs at least 'direct'",
            )
        statuses = Directory(statuses=store.load_statuses(conn))
        chosen = statuses.status(status) if status is not None else statuses.default_status
        before = store.agent_state(conn, user)
        if before is not None and before.logged_in and before.status == chosen.name:
            return before
        state = AgentState(user, True, chosen.name, ctx.clock())
        store.set_agent_state(conn, state, state.since)
    _publish_state(bus, "logged in", state)
    return state


def logout(ctx: Context, bus: Bus, user: str) -> AgentState | None:
    """Log ``user`` out (their status stays for the next login's record); None if never in."""
    with ctx.db.begin() as conn:
        _licence(conn, user)
        before = store.agent_state(conn, user)
        if before is None or not before.logged_in:
            return before
        state = AgentState(user, False, before.status, ctx.clock())
        store.set_agent_state(conn, state, state.since)
    _publish_state(bus, "logged out", state)
    return state


def set_presence(ctx: Context, bus: Bus, user: str, status: str) -> AgentState:
    """Put a logged-in ``user`` in ``status``.

    Raises:
        NotFound: no such user, or no such status (the message lists the statuses).
        InvalidEntry: the user is not logged in.
    """
    with ctx.db.begin() as conn:
        _licence(conn, user)
        chosen = Directory(statuses=store.load_statuses(conn)).status(status)
        before = store.agent_state(conn, user)
        if before is None or not before.logged_in:
            raise InvalidEntry(f"the user {user!r} is not logged in; log in to set a status")
        if before.status == chosen.name:
            return before
        state = AgentState(user, True, chosen.name, ctx.clock())
        store.set_agent_state(conn, state, state.since)
    _publish_state(bus, "status changed", state)
    return state


# Helpers ------------------------------------------------------------------------------


def _structure(directory: Directory) -> tuple[Any, ...]:
    """What an import sets (everything but the agents' presence)."""
    return (
        directory.users,
        directory.workgroups,
        directory.roles,
        directory.skills,
        directory.statuses,
    )


def _change(ctx: Context, change: Callable[[Connection, Directory], T]) -> T:
    """Run ``change`` in one transaction, with the directory as it is in that transaction."""
    with ctx.db.begin() as conn:
        return change(conn, store.load(conn))


def _agent_change(
    ctx: Context,
    bus: Bus,
    user: str,
    kind: str,
    change: Callable[[Connection, Directory], T],
    **data: Any,
) -> T:
    result = _change(ctx, change)
    bus.publish(AGENT, kind, {"user": user, **data}, {user})
    return result


def _membership(
    ctx: Context,
    bus: Bus,
    user: str,
    workgroup: str,
    *,
    member: bool | None = None,
    supervisor: bool | None = None,
    by: str | None = None,
    reason: str | None = None,
) -> Workgroup:
    def change(conn: Connection, now: Directory) -> tuple[bool, Workgroup]:
        now.user(user)
        group = now.workgroup(workgroup)
        if member is False and user not in group.members:
            raise InvalidEntry(f"the user {user!r} is not a member of the workgroup {workgroup!r}")
        changed = store.set_membership(conn, user, workgroup, member=member, supervisor=supervisor)
        if changed:
            _audit(
                ctx,
                conn,
                by,
                "directory.workgroup.membership",
                f"workgroup {workgroup}",
                reason,
                user=user,
                member=member,
                supervisor=supervisor,
            )
        members = _toggle(group.members, user, member)
        supervisors = _toggle(group.supervisors, user, supervisor)
        return changed, replace(group, members=members, supervisors=supervisors)

    changed, group = _change(ctx, change)
    if changed:
        data: Mapping[str, Any] = {
            "user": user,
            "workgroup": workgroup,
            "member": user in group.members,
            "supervisor": user in group.supervisors,
        }
        bus.publish(AGENT, "membership changed", data, {user})
    return group


def _role(
    ctx: Context,
    bus: Bus,
    user: str,
    role: str,
    *,
    member: bool,
    by: str | None = None,
    reason: str | None = None,
) -> User:
    def change(conn: Connection, now: Directory) -> tuple[bool, User]:
        found = now.user(user)
        now.role(role)
        changed = store.set_role_member(conn, user, role, member)
        if changed:
            action = "directory.user.role.add" if member else "directory.user.role.remove"
            _audit(ctx, conn, by, action, f"user {user}", reason, role=role)
        return changed, replace(found, roles=_toggle(found.roles, role, member))

    changed, found = _change(ctx, change)
    if changed:
        bus.publish(AGENT, "roles changed", {"user": user, "role": role, "member": member}, {user})
    return found


def _audit(
    ctx: Context,
    conn: Connection,
    by: str | None,
    action: str,
    target: str,
    reason: str | None,
    **detail: Any,
) -> None:
    """Record an administrative change in the audit log, in its own transaction."""
    audit.record(conn, by, action, target, reason, detail or None, at=ctx.clock())


def _toggle(names: frozenset[str], name: str, present: bool | None) -> frozenset[str]:
    if present is None:
        return names
    return names | {name} if present else names - {name}


def _licence(conn: Connection, user: str) -> Licence:
    """The user's licence; NotFound (with a close name) when there is no such user."""
    found = store.licence_of(conn, user)
    if found is None:
        hint = suggest(user, store.user_names(conn))
        raise NotFound("user", user, f"no user named {user!r}{hint}")
    return found


def _publish_state(bus: Bus, kind: str, state: AgentState) -> None:
    bus.publish(
        AGENT,
        kind,
        {
            "user": state.user,
            "logged_in": state.logged_in,
            "status": state.status,
            "since": state.since.isoformat(),
        },
        {state.user},
    )
