"""The tables of openpas, in SQLAlchemy Core; one schema for SQLite and PostgreSQL.

The flow tables keep the reference's names: ``flowexec_flows`` (one row per
flow: owner, status, where it is), ``flowexec_storage`` (its position: the
variables, frames and what it waits for) and ``flowexec_completion`` (how each
finished flow ended). Back these up with the definitions and a flow can be
restored anywhere.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Json = JSON().with_variant(JSONB(), "postgresql")
Id = BigInteger().with_variant(Integer(), "sqlite")  # SQLite auto-increments INTEGER keys only
Stamp = DateTime(timezone=True)

nodes = Table(
    "nodes",
    metadata,
    Column("storage_id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("started_at", Stamp, nullable=False),
    Column("heartbeat_at", Stamp, nullable=False),
    Column("status", String(20), nullable=False),
)

process_definitions = Table(
    "process_definitions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("owner", String(200), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", Stamp, nullable=False),
)

process_versions = Table(
    "process_versions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("definition_id", Id, ForeignKey("process_definitions.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("format", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("published_at", Stamp, nullable=False),
    Column("published_by", String(200), nullable=False),
    UniqueConstraint("definition_id", "version"),
)

flows = Table(
    "flowexec_flows",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("uid", String(36), nullable=False, unique=True),
    Column("version_id", Id, ForeignKey("process_versions.id"), nullable=False),
    Column("process_name", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("owner", String(36), nullable=False),
    Column("status", String(24), nullable=False),
    Column("runnable", Boolean, nullable=False),
    Column("launch_mode", String(12), nullable=False),
    Column("originator", String(200), nullable=False),
    Column("details", String(1000), nullable=False, default=""),
    Column("state", String(200)),
    Column("wait_kind", String(24)),
    Column("wait_key", String(100)),
    Column("error", Text),
    Column("parent_id", Id, ForeignKey("flowexec_flows.id")),
    Column("parent_key", String(100)),
    Column("depth", Integer, nullable=False, default=0),
    Column("revision", Integer, nullable=False),
    Column("created_at", Stamp, nullable=False),
    Column("updated_at", Stamp, nullable=False),
    Column("ended_at", Stamp),
    Index(None, "owner", "runnable"),
    Index(None, "status"),
    Index(None, "process_name", "status"),
)

storage = Table(
    "flowexec_storage",
    metadata,
    Column("flow_id", Id, ForeignKey("flowexec_flows.id"), primary_key=True),
    Column("position", Json, nullable=False),
)

completion = Table(
    "flowexec_completion",
    metadata,
    Column("flow_id", Id, ForeignKey("flowexec_flows.id"), primary_key=True),
    Column("status", String(24), nullable=False),
    Column("ended_at", Stamp, nullable=False),
    Column("reason", Text),
    Column("ended_by", String(200)),
)

timers = Table(
    "flow_timers",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("flow_id", Id, ForeignKey("flowexec_flows.id"), nullable=False),
    Column("key", String(100), nullable=False),
    Column("owner", String(36), nullable=False),
    Column("due_at", Stamp, nullable=False),
    UniqueConstraint("flow_id", "key"),
    Index(None, "owner", "due_at"),
)

calls = Table(
    "flow_calls",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("flow_id", Id, ForeignKey("flowexec_flows.id"), nullable=False),
    Column("key", String(100), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("target", String(300), nullable=False),
    Column("status", String(20), nullable=False),
    Column("wait", Boolean, nullable=False),
    Column("request", Json, nullable=False),
    Column("attempt", Integer, nullable=False, default=1),
    Column("started_at", Stamp),
    Column("ended_at", Stamp),
    Column("result", String(200)),
    Column("error", Text),
    UniqueConstraint("flow_id", "key", "attempt"),
    Index(None, "status"),
)

history = Table(
    "flow_history",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("flow_id", Id, ForeignKey("flowexec_flows.id"), nullable=False),
    Column("at", Stamp, nullable=False),
    Column("event", String(24), nullable=False),
    Column("place", String(500), nullable=False, default=""),
    Column("action", String(40), nullable=False, default=""),
    Column("outcome", String(200), nullable=False, default=""),
    Column("detail", Text),
    Index(None, "flow_id", "id"),
)

notes = Table(
    "flow_notes",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("flow_id", Id, ForeignKey("flowexec_flows.id"), nullable=False),
    Column("at", Stamp, nullable=False),
    Column("author", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Index(None, "flow_id"),
)
