"""The process monitor: filters over the flows, one flow's details, related interactions
and the supervisors' queues (read ``docs/monitor.md``)."""

from __future__ import annotations

from openpas.monitor.details import (
    HistoryEntry,
    ItemSummary,
    MonitorFlowView,
    RelatedFlow,
    flow_view,
)
from openpas.monitor.errors import FilterTooLoose, InvalidFilter, InvalidInteraction, NotFound
from openpas.monitor.filters import (
    WAIT_KINDS,
    Filter,
    SavedFilter,
    delete_filter,
    filters,
    save_filter,
    saved_filter,
)
from openpas.monitor.interactions import (
    KINDS,
    add_interaction,
    interactions,
    remove_interaction,
)
from openpas.monitor.rows import MonitorRow, Waiting
from openpas.monitor.service import MonitorResult, matching, queues
from openpas.store.monitor import InteractionRecord

__all__ = [
    "KINDS",
    "WAIT_KINDS",
    "Filter",
    "FilterTooLoose",
    "HistoryEntry",
    "InteractionRecord",
    "InvalidFilter",
    "InvalidInteraction",
    "ItemSummary",
    "MonitorFlowView",
    "MonitorResult",
    "MonitorRow",
    "NotFound",
    "RelatedFlow",
    "SavedFilter",
    "Waiting",
    "add_interaction",
    "delete_filter",
    "filters",
    "flow_view",
    "interactions",
    "matching",
    "queues",
    "remove_interaction",
    "save_filter",
    "saved_filter",
]
