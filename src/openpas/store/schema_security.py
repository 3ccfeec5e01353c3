"""The tables of security: credentials, sessions, API tokens, sign-in attempts, rights,
security specifications and the audit log (on ``schema.metadata``).

Secrets are never stored: passwords as Argon2 hashes, session and API tokens as
SHA-256 digests of random values that only their holder knows.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Index,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from openpas.store.schema import Id, Stamp, metadata

NAME = 100

credentials = Table(
    "security_credentials",
    metadata,
    Column("user_name", String(NAME), primary_key=True),
    Column("password_hash", String(300), nullable=False),
    Column("must_change", Boolean, nullable=False),
    Column("changed_at", Stamp, nullable=False),
)

sessions = Table(
    "security_sessions",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("user_name", String(NAME), nullable=False),
    Column("csrf_digest", String(64), nullable=False),
    Column("created_at", Stamp, nullable=False),
    Column("expires_at", Stamp, nullable=False),
    Column("last_seen_at", Stamp, nullable=False),
    Column("revoked_at", Stamp),
    Column("address", String(100)),
    Index(None, "user_name"),
)

tokens = Table(
    "security_tokens",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("user_name", String(NAME), nullable=False),
    Column("name", String(200), nullable=False),
    Column("digest", String(64), nullable=False, unique=True),
    Column("created_at", Stamp, nullable=False),
    Column("created_by", String(NAME), nullable=False),
    Column("expires_at", Stamp),
    Column("revoked_at", Stamp),
    Column("last_used_at", Stamp),
    Index(None, "user_name"),
)

login_attempts = Table(
    "security_login_attempts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("user_name", String(NAME), nullable=False),
    Column("address", String(100), nullable=False),
    Column("at", Stamp, nullable=False),
    Column("success", Boolean, nullable=False),
    Index(None, "user_name", "at"),
    Index(None, "address", "at"),
)

grants = Table(
    "security_grants",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("subject_kind", String(12), nullable=False),
    Column("subject", String(NAME), nullable=False),
    Column("right", String(12), nullable=False),
    Column("process", String(200), nullable=False),
    Column("granted_by", String(NAME), nullable=False),
    Column("granted_at", Stamp, nullable=False),
    UniqueConstraint("subject_kind", "subject", "right", "process"),
)

specifications = Table(
    "security_specifications",
    metadata,
    Column("name", String(NAME), primary_key=True),
    Column("description", Text, nullable=False),
    Column("created_at", Stamp, nullable=False),
)

specification_members = Table(
    "security_specification_members",
    metadata,
    Column("specification", String(NAME), nullable=False),
    Column("kind", String(12), nullable=False),
    Column("member", String(NAME), nullable=False),
    PrimaryKeyConstraint("specification", "kind", "member"),
)

audit = Table(
    "audit_log",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("at", Stamp, nullable=False),
    Column("actor", String(NAME), nullable=False),
    Column("action", String(60), nullable=False),
    Column("target", String(300), nullable=False),
    Column("reason", Text),
    Column("detail", Text),
    Index(None, "at"),
    Index(None, "actor"),
)
