"""monitor: saved filters, related interactions, and indexes for the filters

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitor_filters",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("user", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "definition",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitor_filters")),
        sa.UniqueConstraint("user", "name", name=op.f("uq_monitor_filters_user_name")),
    )
    op.create_table(
        "flow_interactions",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("flow_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("reference", sa.String(length=300), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["flow_id"],
            ["flowexec_flows.id"],
            name=op.f("fk_flow_interactions_flow_id_flowexec_flows"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_interactions")),
    )
    op.create_index(
        op.f("ix_flow_interactions_flow_id"), "flow_interactions", ["flow_id"], unique=False
    )
    op.create_index(
        op.f("ix_flowexec_flows_created_at"), "flowexec_flows", ["created_at"], unique=False
    )
    op.create_index(
        op.f("ix_flowexec_flows_originator"), "flowexec_flows", ["originator"], unique=False
    )
    op.create_index(op.f("ix_work_items_user"), "work_items", ["user"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_work_items_user"), table_name="work_items")
    op.drop_index(op.f("ix_flowexec_flows_originator"), table_name="flowexec_flows")
    op.drop_index(op.f("ix_flowexec_flows_created_at"), table_name="flowexec_flows")
    op.drop_index(op.f("ix_flow_interactions_flow_id"), table_name="flow_interactions")
    op.drop_table("flow_interactions")
    op.drop_table("monitor_filters")
