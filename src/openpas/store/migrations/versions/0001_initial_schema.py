"""initial schema

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "nodes",
        sa.Column("storage_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("storage_id", name=op.f("pk_nodes")),
    )
    op.create_table(
        "process_definitions",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_process_definitions")),
        sa.UniqueConstraint("name", name=op.f("uq_process_definitions_name")),
    )
    op.create_table(
        "process_versions",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "definition_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("format", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["definition_id"],
            ["process_definitions.id"],
            name=op.f("fk_process_versions_definition_id_process_definitions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_process_versions")),
        sa.UniqueConstraint(
            "definition_id", "version", name=op.f("uq_process_versions_definition_id_version")
        ),
    )
    op.create_table(
        "flowexec_flows",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column(
            "version_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("process_name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("runnable", sa.Boolean(), nullable=False),
        sa.Column("launch_mode", sa.String(length=12), nullable=False),
        sa.Column("originator", sa.String(length=200), nullable=False),
        sa.Column("details", sa.String(length=1000), nullable=False),
        sa.Column("state", sa.String(length=200), nullable=True),
        sa.Column("wait_kind", sa.String(length=24), nullable=True),
        sa.Column("wait_key", sa.String(length=100), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("parent_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("parent_key", sa.String(length=100), nullable=True),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["flowexec_flows.id"],
            name=op.f("fk_flowexec_flows_parent_id_flowexec_flows"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["process_versions.id"],
            name=op.f("fk_flowexec_flows_version_id_process_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flowexec_flows")),
        sa.UniqueConstraint("uid", name=op.f("uq_flowexec_flows_uid")),
    )
    with op.batch_alter_table("flowexec_flows", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_flowexec_flows_owner_runnable"), ["owner", "runnable"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_flowexec_flows_process_name_status"),
            ["process_name", "status"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_flowexec_flows_status"), ["status"], unique=False)

    op.create_table(
        "flow_calls",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("flow_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("target", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("wait", sa.Boolean(), nullable=False),
        sa.Column(
            "request",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result", sa.String(length=200), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["flow_id"], ["flowexec_flows.id"], name=op.f("fk_flow_calls_flow_id_flowexec_flows")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_calls")),
        sa.UniqueConstraint(
            "flow_id", "key", "attempt", name=op.f("uq_flow_calls_flow_id_key_attempt")
        ),
    )
    with op.batch_alter_table("flow_calls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flow_calls_status"), ["status"], unique=False)

    op.create_table(
        "flow_history",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("flow_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event", sa.String(length=24), nullable=False),
        sa.Column("place", sa.String(length=500), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("outcome", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["flow_id"], ["flowexec_flows.id"], name=op.f("fk_flow_history_flow_id_flowexec_flows")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_history")),
    )
    with op.batch_alter_table("flow_history", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_flow_history_flow_id_id"), ["flow_id", "id"], unique=False
        )

    op.create_table(
        "flow_notes",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("flow_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["flow_id"], ["flowexec_flows.id"], name=op.f("fk_flow_notes_flow_id_flowexec_flows")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_notes")),
    )
    with op.batch_alter_table("flow_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flow_notes_flow_id"), ["flow_id"], unique=False)

    op.create_table(
        "flow_timers",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("flow_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("owner", sa.String(length=36), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["flow_id"], ["flowexec_flows.id"], name=op.f("fk_flow_timers_flow_id_flowexec_flows")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_timers")),
        sa.UniqueConstraint("flow_id", "key", name=op.f("uq_flow_timers_flow_id_key")),
    )
    with op.batch_alter_table("flow_timers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_flow_timers_owner_due_at"), ["owner", "due_at"], unique=False
        )

    op.create_table(
        "flowexec_completion",
        sa.Column("flow_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("ended_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["flow_id"],
            ["flowexec_flows.id"],
            name=op.f("fk_flowexec_completion_flow_id_flowexec_flows"),
        ),
        sa.PrimaryKeyConstraint("flow_id", name=op.f("pk_flowexec_completion")),
    )
    op.create_table(
        "flowexec_storage",
        sa.Column("flow_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "position",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["flow_id"],
            ["flowexec_flows.id"],
            name=op.f("fk_flowexec_storage_flow_id_flowexec_flows"),
        ),
        sa.PrimaryKeyConstraint("flow_id", name=op.f("pk_flowexec_storage")),
    )


def downgrade() -> None:
    op.drop_table("flowexec_storage")
    op.drop_table("flowexec_completion")
    with op.batch_alter_table("flow_timers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flow_timers_owner_due_at"))

    op.drop_table("flow_timers")
    with op.batch_alter_table("flow_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flow_notes_flow_id"))

    op.drop_table("flow_notes")
    with op.batch_alter_table("flow_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flow_history_flow_id_id"))

    op.drop_table("flow_history")
    with op.batch_alter_table("flow_calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flow_calls_status"))

    op.drop_table("flow_calls")
    with op.batch_alter_table("flowexec_flows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flowexec_flows_status"))
        batch_op.drop_index(batch_op.f("ix_flowexec_flows_process_name_status"))
        batch_op.drop_index(batch_op.f("ix_flowexec_flows_owner_runnable"))

    op.drop_table("flowexec_flows")
    op.drop_table("process_versions")
    op.drop_table("process_definitions")
    op.drop_table("nodes")
