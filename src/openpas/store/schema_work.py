"""The tables of work items (on ``schema.metadata``).

A work item row holds where the item is in its life (new, waiting for an agent,
in progress, held, completed, cancelled), who has it, how it is routed, and
its working copy of the form's data (encoded by the declared types).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text

from openpas.store.schema import Id, Json, Stamp, metadata

work_items = Table(
    "work_items",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("flow_id", Id, ForeignKey("flowexec_flows.id"), nullable=False),
    Column("wait_key", String(100), nullable=False),
    Column("version_id", Id, ForeignKey("process_versions.id"), nullable=False),
    Column("process_name", String(200), nullable=False),
    Column("work_item", String(200), nullable=False),
    Column("category", String(200), nullable=False),
    Column("routing", String(12), nullable=False),
    Column("workgroup", String(100)),
    Column("user", String(100)),
    Column("status", String(20), nullable=False),
    Column("owner", String(100)),
    Column("offered_to", Json, nullable=False),
    Column("offer_expires_at", Stamp),
    Column("priority", Integer, nullable=False),
    Column("description", String(1000), nullable=False),
    Column("details", String(1000), nullable=False),
    Column("due_at", Stamp),
    Column("timeout_at", Stamp),
    Column("escalate_at", Stamp),
    Column("escalation", Json),
    Column("skills", Json, nullable=False),
    Column("options", Json, nullable=False),
    Column("page", String(200), nullable=False),
    Column("data", Json, nullable=False),
    Column("test", Boolean, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("created_at", Stamp, nullable=False),
    Column("queued_at", Stamp, nullable=False),
    Column("picked_at", Stamp),
    Column("completed_at", Stamp),
    Column("completed_by", String(100)),
    Column("button", String(200)),
    Index(None, "status"),
    Index(None, "owner"),
    Index(None, "workgroup", "status"),
    Index(None, "flow_id"),
)

work_item_events = Table(
    "work_item_events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("item_id", Id, ForeignKey("work_items.id"), nullable=False),
    Column("at", Stamp, nullable=False),
    Column("event", String(24), nullable=False),
    Column("user", String(100)),
    Column("detail", Text),
    Index(None, "item_id"),
)
