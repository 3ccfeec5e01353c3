"""What the stores return: plain records of rows, never live rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class VersionRecord:
    """One published version of a process."""

    id: int
    definition_id: int
    name: str
    version: int
    text: str
    published_at: dt.datetime
    published_by: str


@dataclass(frozen=True)
class ProcessRecord:
    """A process and its latest version."""

    id: int
    name: str
    owner: str
    active: bool
    latest_version: int
    created_at: dt.datetime


@dataclass(frozen=True)
class FlowRecord:
    """One row of ``flowexec_flows``."""

    id: int
    uid: str
    version_id: int
    process_name: str
    version: int
    owner: str
    status: str
    runnable: bool
    launch_mode: str
    originator: str
    details: str
    state: str | None
    wait_kind: str | None
    wait_key: str | None
    error: str | None
    parent_id: int | None
    parent_key: str | None
    depth: int
    revision: int
    created_at: dt.datetime
    updated_at: dt.datetime
    ended_at: dt.datetime | None


@dataclass(frozen=True)
class CallRecord:
    """An outside call of a flow (a handler), with where it got to."""

    id: int
    flow_id: int
    key: str
    kind: str
    target: str
    status: str
    wait: bool
    request: dict[str, Any]
    attempt: int
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    result: str | None
    error: str | None


@dataclass(frozen=True)
class HistoryRecord:
    """One entry of a flow's history (no variable values, ever)."""

    id: int
    flow_id: int
    at: dt.datetime
    event: str
    place: str
    action: str
    outcome: str
    detail: str | None


@dataclass(frozen=True)
class WorkItemRecord:
    """One row of ``work_items``."""

    id: int
    flow_id: int
    wait_key: str
    version_id: int
    process_name: str
    work_item: str
    category: str
    routing: str
    workgroup: str | None
    user: str | None
    status: str
    owner: str | None
    offered_to: tuple[str, ...]
    offer_expires_at: dt.datetime | None
    priority: int
    description: str
    details: str
    due_at: dt.datetime | None
    timeout_at: dt.datetime | None
    escalate_at: dt.datetime | None
    escalation: dict[str, Any] | None
    skills: dict[str, int]
    options: dict[str, Any]
    page: str
    data: dict[str, Any]
    test: bool
    revision: int
    created_at: dt.datetime
    queued_at: dt.datetime
    picked_at: dt.datetime | None
    completed_at: dt.datetime | None
    completed_by: str | None
    button: str | None
