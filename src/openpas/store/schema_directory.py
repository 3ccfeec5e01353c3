"""The tables of the directory: users, workgroups, roles, skills, presence (on ``schema.metadata``).

Names are the keys: a user, a workgroup, a role, a skill or a status is known
by its name everywhere (work items, routing, security specifications), so a
surrogate id would only add a join. Memberships are removed with their user or
workgroup (``ON DELETE CASCADE``); a skill still held by someone cannot be
removed by accident.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text

from openpas.store.schema import Stamp, metadata

NAME = 100
"""The longest name of a user, workgroup, role, skill or status."""

users = Table(
    "directory_users",
    metadata,
    Column("name", String(NAME), primary_key=True),
    Column("display_name", String(200), nullable=False),
    Column("mailbox", String(320)),
    Column("licence", String(12), nullable=False),
    Column("utilization", Integer, nullable=False),
    Column("administrator", Boolean, nullable=False),
)

skills = Table(
    "directory_skills",
    metadata,
    Column("name", String(NAME), primary_key=True),
    Column("description", Text, nullable=False),
)

user_skills = Table(
    "directory_user_skills",
    metadata,
    Column(
        "user_name",
        String(NAME),
        ForeignKey("directory_users.name", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("skill", String(NAME), ForeignKey("directory_skills.name"), primary_key=True),
    Column("proficiency", Integer, nullable=False),
)

workgroups = Table(
    "directory_workgroups",
    metadata,
    Column("name", String(NAME), primary_key=True),
    Column("has_queue", Boolean, nullable=False),
    Column("distribution", String(20), nullable=False),
)

members = Table(
    "directory_members",
    metadata,
    Column(
        "user_name",
        String(NAME),
        ForeignKey("directory_users.name", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "workgroup",
        String(NAME),
        ForeignKey("directory_workgroups.name", ondelete="CASCADE"),
        primary_key=True,
    ),
    # A supervisor need not be a member (and a member is not a supervisor by default).
    Column("member", Boolean, nullable=False),
    Column("supervisor", Boolean, nullable=False),
    Index(None, "workgroup"),
)

workgroup_skills = Table(
    "directory_workgroup_skills",
    metadata,
    Column(
        "workgroup",
        String(NAME),
        ForeignKey("directory_workgroups.name", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("skill", String(NAME), ForeignKey("directory_skills.name"), primary_key=True),
    Column("proficiency", Integer, nullable=False),
)

roles = Table(
    "directory_roles",
    metadata,
    Column("name", String(NAME), primary_key=True),
)

role_members = Table(
    "directory_role_members",
    metadata,
    Column(
        "role",
        String(NAME),
        ForeignKey("directory_roles.name", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "user_name",
        String(NAME),
        ForeignKey("directory_users.name", ondelete="CASCADE"),
        primary_key=True,
    ),
)

statuses = Table(
    "directory_statuses",
    metadata,
    Column("name", String(NAME), primary_key=True),
    Column("available", Boolean, nullable=False),
    Column("position", Integer, nullable=False),
)

agent_states = Table(
    "agent_states",
    metadata,
    Column(
        "user_name",
        String(NAME),
        ForeignKey("directory_users.name", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("logged_in", Boolean, nullable=False),
    # Not a foreign key: statuses may be renamed by an import while agents are logged in.
    Column("status", String(NAME), nullable=False),
    Column("since", Stamp, nullable=False),
    Column("updated_at", Stamp, nullable=False),
)

__all__ = [
    "agent_states",
    "members",
    "metadata",
    "role_members",
    "roles",
    "skills",
    "statuses",
    "user_skills",
    "users",
    "workgroup_skills",
    "workgroups",
]
