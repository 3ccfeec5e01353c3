"""The stored directory: rows in, :class:`~openpas.directory.model.Directory` snapshots out.

Every function takes the caller's connection and never commits. The checks
that give people clear messages (does the user exist, is the proficiency in
range) belong to the directory service; here the foreign keys are the last
line of defence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Table, and_, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from openpas.directory.model import (
    DEFAULT_STATUSES,
    AgentState,
    Directory,
    Licence,
    PresenceStatus,
    Role,
    Skill,
    User,
    Workgroup,
)
from openpas.store.clock import aware
from openpas.store.schema_directory import (
    agent_states,
    members,
    role_members,
    roles,
    skills,
    statuses,
    user_skills,
    users,
    workgroup_skills,
    workgroups,
)


def load(conn: Connection) -> Directory:
    """The whole directory as one snapshot (ten plain selects, no joins)."""
    skills_of: dict[str, dict[str, int]] = {}
    for user_name, skill, proficiency in conn.execute(
        select(user_skills.c.user_name, user_skills.c.skill, user_skills.c.proficiency)
    ).all():
        skills_of.setdefault(user_name, {})[skill] = proficiency
    role_sets: dict[str, set[str]] = {
        name: set() for name in conn.execute(select(roles.c.name)).scalars()
    }
    for role, user_name in conn.execute(select(role_members.c.role, role_members.c.user_name)):
        role_sets[role].add(user_name)
    group_members: dict[str, set[str]] = {}
    group_supervisors: dict[str, set[str]] = {}
    for user_name, group, member, supervisor in conn.execute(
        select(members.c.user_name, members.c.workgroup, members.c.member, members.c.supervisor)
    ).all():
        if member:
            group_members.setdefault(group, set()).add(user_name)
        if supervisor:
            group_supervisors.setdefault(group, set()).add(user_name)
    required: dict[str, dict[str, int]] = {}
    for group, skill, proficiency in conn.execute(
        select(
            workgroup_skills.c.workgroup, workgroup_skills.c.skill, workgroup_skills.c.proficiency
        )
    ).all():
        required.setdefault(group, {})[skill] = proficiency
    found_users = [
        User(
            r.name,
            r.display_name,
            r.mailbox,
            Licence[r.licence.upper()],
            skills_of.get(r.name, {}),
            frozenset(),  # Directory.of fills them in from the roles
            r.utilization,
            bool(r.administrator),
        )
        for r in conn.execute(select(users)).all()
    ]
    found_groups = [
        Workgroup(
            r.name,
            frozenset(group_members.get(r.name, ())),
            frozenset(group_supervisors.get(r.name, ())),
            required.get(r.name, {}),
            bool(r.has_queue),
            r.distribution,
        )
        for r in conn.execute(select(workgroups)).all()
    ]
    return Directory.of(
        found_users,
        found_groups,
        [Role(name, frozenset(names)) for name, names in role_sets.items()],
        [Skill(r.name, r.description) for r in conn.execute(select(skills))],
        load_statuses(conn),
        agents=[
            AgentState(r.user_name, bool(r.logged_in), r.status, aware(r.since))
            for r in conn.execute(select(agent_states)).all()
        ],
    )


def replace(conn: Connection, directory: Directory, now: dt.datetime) -> None:
    """Make the stored directory exactly ``directory``.

    Agents keep their presence when their user remains; an agent whose status
    is gone is put in the first status that is not available.
    """
    for table in (user_skills, members, workgroup_skills, role_members):
        conn.execute(delete(table))
    conn.execute(delete(roles))
    conn.execute(delete(workgroups))
    names = list(directory.users)
    conn.execute(delete(agent_states).where(agent_states.c.user_name.not_in(names)))
    conn.execute(delete(users).where(users.c.name.not_in(names)))
    conn.execute(delete(skills).where(skills.c.name.not_in(list(directory.skills))))
    for skill in directory.skills.values():
        _upsert(conn, skills, {"name": skill.name, "description": skill.description}, "name")
    for user in directory.users.values():
        _upsert(conn, users, _user_row(user), "name")
    _insert(
        conn,
        user_skills,
        [
            {"user_name": u.name, "skill": s, "proficiency": p}
            for u in directory.users.values()
            for s, p in u.skills.items()
        ],
    )
    for group in directory.workgroups.values():
        add_workgroup(conn, group)
    _insert(conn, roles, [{"name": name} for name in directory.roles])
    _insert(
        conn,
        role_members,
        [{"role": r.name, "user_name": u} for r in directory.roles.values() for u in r.members],
    )
    set_statuses(conn, directory.statuses, now)


def set_statuses(conn: Connection, found: tuple[PresenceStatus, ...], now: dt.datetime) -> None:
    """Replace the presence statuses; agents in a status that is gone go to an unavailable one."""
    conn.execute(delete(statuses))
    _insert(
        conn,
        statuses,
        [{"name": s.name, "available": s.available, "position": i} for i, s in enumerate(found)],
    )
    fallback = next((s for s in found if not s.available), found[0])
    conn.execute(
        update(agent_states)
        .where(agent_states.c.status.not_in([s.name for s in found]))
        .values(status=fallback.name, since=now, updated_at=now)
    )


def add_skill(conn: Connection, skill: Skill) -> None:
    """Add a skill to the catalogue, or change its description."""
    _upsert(conn, skills, {"name": skill.name, "description": skill.description}, "name")


def upsert_user(conn: Connection, user: User) -> None:
    """Add or change a user, with exactly the skills and roles given (roles must exist)."""
    _upsert(conn, users, _user_row(user), "name")
    conn.execute(delete(user_skills).where(user_skills.c.user_name == user.name))
    _insert(
        conn,
        user_skills,
        [{"user_name": user.name, "skill": s, "proficiency": p} for s, p in user.skills.items()],
    )
    conn.execute(delete(role_members).where(role_members.c.user_name == user.name))
    _insert(conn, role_members, [{"role": r, "user_name": user.name} for r in user.roles])


def add_workgroup(conn: Connection, group: Workgroup) -> None:
    """Add a workgroup with its members, supervisors and required skills (it must be new)."""
    conn.execute(
        insert(workgroups).values(
            name=group.name, has_queue=group.has_queue, distribution=group.distribution
        )
    )
    _insert(
        conn,
        members,
        [
            {
                "user_name": u,
                "workgroup": group.name,
                "member": u in group.members,
                "supervisor": u in group.supervisors,
            }
            for u in sorted(group.members | group.supervisors)
        ],
    )
    _insert(
        conn,
        workgroup_skills,
        [{"workgroup": group.name, "skill": s, "proficiency": p} for s, p in group.skills.items()],
    )


def set_licence(conn: Connection, user: str, licence: Licence) -> bool:
    """Change a user's licence; False when there is no such user."""
    result = conn.execute(update(users).where(users.c.name == user).values(licence=licence.label))
    return result.rowcount == 1


def set_skill(conn: Connection, user: str, skill: str, proficiency: int) -> None:
    """Give ``user`` the skill ``skill`` at ``proficiency`` (replacing the old proficiency)."""
    _upsert(
        conn,
        user_skills,
        {"user_name": user, "skill": skill, "proficiency": proficiency},
        "user_name",
        "skill",
    )


def remove_skill(conn: Connection, user: str, skill: str) -> bool:
    """Take a skill from a user; False when the user did not have it."""
    result = conn.execute(
        delete(user_skills).where(
            and_(user_skills.c.user_name == user, user_skills.c.skill == skill)
        )
    )
    return result.rowcount == 1


def set_membership(
    conn: Connection,
    user: str,
    workgroup: str,
    *,
    member: bool | None = None,
    supervisor: bool | None = None,
) -> bool:
    """Make ``user`` a member and/or supervisor of ``workgroup`` or not (None: unchanged).

    Returns:
        Whether anything changed.
    """
    key = and_(members.c.user_name == user, members.c.workgroup == workgroup)
    row = conn.execute(select(members.c.member, members.c.supervisor).where(key)).first()
    before = (bool(row.member), bool(row.supervisor)) if row else (False, False)
    after = (
        before[0] if member is None else member,
        before[1] if supervisor is None else supervisor,
    )
    if after == before:
        return False
    if after == (False, False):
        conn.execute(delete(members).where(key))
    elif row is None:
        conn.execute(
            insert(members).values(
                user_name=user, workgroup=workgroup, member=after[0], supervisor=after[1]
            )
        )
    else:
        conn.execute(update(members).where(key).values(member=after[0], supervisor=after[1]))
    return True


def set_role_member(conn: Connection, user: str, role: str, member: bool) -> bool:
    """Give or take a role; whether anything changed."""
    key = and_(role_members.c.user_name == user, role_members.c.role == role)
    present = conn.execute(select(role_members.c.role).where(key)).first() is not None
    if present == member:
        return False
    if member:
        conn.execute(insert(role_members).values(role=role, user_name=user))
    else:
        conn.execute(delete(role_members).where(key))
    return True


def agent_state(conn: Connection, user: str) -> AgentState | None:
    """The presence of one user, or None when the user never logged in."""
    row = conn.execute(select(agent_states).where(agent_states.c.user_name == user)).first()
    if row is None:
        return None
    return AgentState(row.user_name, bool(row.logged_in), row.status, aware(row.since))


def set_agent_state(conn: Connection, state: AgentState, now: dt.datetime) -> None:
    """Record a user's presence (logged in or not, status, since when)."""
    _upsert(
        conn,
        agent_states,
        {
            "user_name": state.user,
            "logged_in": state.logged_in,
            "status": state.status,
            "since": state.since,
            "updated_at": now,
        },
        "user_name",
    )


def _user_row(user: User) -> dict[str, Any]:
    return {
        "name": user.name,
        "display_name": user.display_name,
        "mailbox": user.mailbox,
        "licence": user.licence.label,
        "utilization": user.utilization,
        "administrator": user.administrator,
    }


def _insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(table), rows)


def _upsert(conn: Connection, table: Table, values: Mapping[str, Any], *keys: str) -> None:
    """Insert a row, or update it when its key exists (one statement on both databases)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(**values)
    changes = {k: v for k, v in values.items() if k not in keys}
    if changes:
        conn.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=changes))
    else:
        conn.execute(statement.on_conflict_do_nothing(index_elements=list(keys)))


def licence_of(conn: Connection, user: str) -> Licence | None:
    """A user's licence, or None when there is no such user (cheaper than a snapshot)."""
    found = conn.execute(select(users.c.licence).where(users.c.name == user)).scalar()
    return None if found is None else Licence[found.upper()]


def user_names(conn: Connection) -> list[str]:
    """Every user's name (to suggest one when a name is mistyped)."""
    return list(conn.execute(select(users.c.name).order_by(users.c.name)).scalars())


def load_statuses(conn: Connection) -> tuple[PresenceStatus, ...]:
    """The presence statuses in their order (the defaults when none are stored)."""
    found = tuple(
        PresenceStatus(r.name, bool(r.available))
        for r in conn.execute(select(statuses).order_by(statuses.c.position))
    )
    return found or DEFAULT_STATUSES
