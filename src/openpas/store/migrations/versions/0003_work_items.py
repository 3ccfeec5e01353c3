"""work items

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "work_items",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("flow_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("wait_key", sa.String(length=100), nullable=False),
        sa.Column(
            "version_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("process_name", sa.String(length=200), nullable=False),
        sa.Column("work_item", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=200), nullable=False),
        sa.Column("routing", sa.String(length=12), nullable=False),
        sa.Column("workgroup", sa.String(length=100), nullable=True),
        sa.Column("user", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=True),
        sa.Column(
            "offered_to",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("offer_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=False),
        sa.Column("details", sa.String(length=1000), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("timeout_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalate_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "escalation",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "skills",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "options",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("page", sa.String(length=200), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("test", sa.Boolean(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("picked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_by", sa.String(length=100), nullable=True),
        sa.Column("button", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["flow_id"], ["flowexec_flows.id"], name=op.f("fk_work_items_flow_id_flowexec_flows")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["process_versions.id"],
            name=op.f("fk_work_items_version_id_process_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_items")),
    )
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_work_items_flow_id"), ["flow_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_work_items_owner"), ["owner"], unique=False)
        batch_op.create_index(batch_op.f("ix_work_items_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_work_items_workgroup_status"), ["workgroup", "status"], unique=False
        )

    op.create_table(
        "work_item_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event", sa.String(length=24), nullable=False),
        sa.Column("user", sa.String(length=100), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"], ["work_items.id"], name=op.f("fk_work_item_events_item_id_work_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_item_events")),
    )
    with op.batch_alter_table("work_item_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_work_item_events_item_id"), ["item_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("work_item_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_item_events_item_id"))

    op.drop_table("work_item_events")
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_items_workgroup_status"))
        batch_op.drop_index(batch_op.f("ix_work_items_status"))
        batch_op.drop_index(batch_op.f("ix_work_items_owner"))
        batch_op.drop_index(batch_op.f("ix_work_items_flow_id"))

    op.drop_table("work_items")
