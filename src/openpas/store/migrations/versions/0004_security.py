"""security

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("target", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_actor"), ["actor"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)

    op.create_table(
        "security_credentials",
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("must_change", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_name", name=op.f("pk_security_credentials")),
    )
    op.create_table(
        "security_grants",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("subject_kind", sa.String(length=12), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("right", sa.String(length=12), nullable=False),
        sa.Column("process", sa.String(length=200), nullable=False),
        sa.Column("granted_by", sa.String(length=100), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_grants")),
        sa.UniqueConstraint(
            "subject_kind",
            "subject",
            "right",
            "process",
            name=op.f("uq_security_grants_subject_kind_subject_right_process"),
        ),
    )
    op.create_table(
        "security_login_attempts",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_login_attempts")),
    )
    with op.batch_alter_table("security_login_attempts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_security_login_attempts_address_at"), ["address", "at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_security_login_attempts_user_name_at"), ["user_name", "at"], unique=False
        )

    op.create_table(
        "security_sessions",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("csrf_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("address", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_security_sessions")),
    )
    with op.batch_alter_table("security_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_security_sessions_user_name"), ["user_name"], unique=False
        )

    op.create_table(
        "security_specification_members",
        sa.Column("specification", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("member", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint(
            "specification", "kind", "member", name=op.f("pk_security_specification_members")
        ),
    )
    op.create_table(
        "security_specifications",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_security_specifications")),
    )
    op.create_table(
        "security_tokens",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_tokens")),
        sa.UniqueConstraint("digest", name=op.f("uq_security_tokens_digest")),
    )
    with op.batch_alter_table("security_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_security_tokens_user_name"), ["user_name"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("security_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_security_tokens_user_name"))

    op.drop_table("security_tokens")
    op.drop_table("security_specifications")
    op.drop_table("security_specification_members")
    with op.batch_alter_table("security_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_security_sessions_user_name"))

    op.drop_table("security_sessions")
    with op.batch_alter_table("security_login_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_security_login_attempts_user_name_at"))
        batch_op.drop_index(batch_op.f("ix_security_login_attempts_address_at"))

    op.drop_table("security_login_attempts")
    op.drop_table("security_grants")
    op.drop_table("security_credentials")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))
        batch_op.drop_index(batch_op.f("ix_audit_log_actor"))

    op.drop_table("audit_log")
