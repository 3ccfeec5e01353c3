"""directory: users, skills, workgroups, roles, presence statuses and agent states

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "directory_roles",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_directory_roles")),
    )
    op.create_table(
        "directory_skills",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_directory_skills")),
    )
    op.create_table(
        "directory_statuses",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("available", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_directory_statuses")),
    )
    op.create_table(
        "directory_users",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("mailbox", sa.String(length=320), nullable=True),
        sa.Column("licence", sa.String(length=12), nullable=False),
        sa.Column("utilization", sa.Integer(), nullable=False),
        sa.Column("administrator", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_directory_users")),
    )
    op.create_table(
        "directory_workgroups",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("has_queue", sa.Boolean(), nullable=False),
        sa.Column("distribution", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_directory_workgroups")),
    )
    op.create_table(
        "agent_states",
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("logged_in", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=100), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_name"],
            ["directory_users.name"],
            name=op.f("fk_agent_states_user_name_directory_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_name", name=op.f("pk_agent_states")),
    )
    op.create_table(
        "directory_members",
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("workgroup", sa.String(length=100), nullable=False),
        sa.Column("member", sa.Boolean(), nullable=False),
        sa.Column("supervisor", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_name"],
            ["directory_users.name"],
            name=op.f("fk_directory_members_user_name_directory_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workgroup"],
            ["directory_workgroups.name"],
            name=op.f("fk_directory_members_workgroup_directory_workgroups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_name", "workgroup", name=op.f("pk_directory_members")),
    )
    with op.batch_alter_table("directory_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_directory_members_workgroup"), ["workgroup"], unique=False
        )

    op.create_table(
        "directory_role_members",
        sa.Column("role", sa.String(length=100), nullable=False),
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["role"],
            ["directory_roles.name"],
            name=op.f("fk_directory_role_members_role_directory_roles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_name"],
            ["directory_users.name"],
            name=op.f("fk_directory_role_members_user_name_directory_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("role", "user_name", name=op.f("pk_directory_role_members")),
    )
    op.create_table(
        "directory_user_skills",
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("skill", sa.String(length=100), nullable=False),
        sa.Column("proficiency", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["skill"],
            ["directory_skills.name"],
            name=op.f("fk_directory_user_skills_skill_directory_skills"),
        ),
        sa.ForeignKeyConstraint(
            ["user_name"],
            ["directory_users.name"],
            name=op.f("fk_directory_user_skills_user_name_directory_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_name", "skill", name=op.f("pk_directory_user_skills")),
    )
    op.create_table(
        "directory_workgroup_skills",
        sa.Column("workgroup", sa.String(length=100), nullable=False),
        sa.Column("skill", sa.String(length=100), nullable=False),
        sa.Column("proficiency", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["skill"],
            ["directory_skills.name"],
            name=op.f("fk_directory_workgroup_skills_skill_directory_skills"),
        ),
        sa.ForeignKeyConstraint(
            ["workgroup"],
            ["directory_workgroups.name"],
            name=op.f("fk_directory_workgroup_skills_workgroup_directory_workgroups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workgroup", "skill", name=op.f("pk_directory_workgroup_skills")),
    )


def downgrade() -> None:
    op.drop_table("directory_workgroup_skills")
    op.drop_table("directory_user_skills")
    op.drop_table("directory_role_members")
    with op.batch_alter_table("directory_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_directory_members_workgroup"))

    op.drop_table("directory_members")
    op.drop_table("agent_states")
    op.drop_table("directory_workgroups")
    op.drop_table("directory_users")
    op.drop_table("directory_statuses")
    op.drop_table("directory_skills")
    op.drop_table("directory_roles")
