"""The tables of the process monitor (on ``schema.metadata``).

``monitor_filters`` keeps each user's saved filters (the filter as JSON, so a
later release can add fields); ``flow_interactions`` links a flow to
interactions outside openpas (a call, a chat, an e-mail) by their reference.

The monitor's filters run in the database, so the columns they read are
indexed here too: when a flow started, who started it, and the user a work
item was sent to.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint

from openpas.store.schema import Id, Json, Stamp, flows, metadata
from openpas.store.schema_work import work_items

monitor_filters = Table(
    "monitor_filters",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("user", String(100), nullable=False),
    Column("name", String(100), nullable=False),
    Column("definition", Json, nullable=False),
    Column("created_at", Stamp, nullable=False),
    Column("updated_at", Stamp, nullable=False),
    UniqueConstraint("user", "name"),
)

flow_interactions = Table(
    "flow_interactions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("flow_id", Id, ForeignKey("flowexec_flows.id"), nullable=False),
    Column("kind", String(12), nullable=False),
    Column("reference", String(300), nullable=False),
    Column("note", Text),
    Column("added_by", String(100), nullable=False),
    Column("added_at", Stamp, nullable=False),
    Index(None, "flow_id"),
)

# The monitor's filters: "started between", "originator", "waiting on user".
Index(None, flows.c.created_at)
Index(None, flows.c.originator)
Index(None, work_items.c.user)
