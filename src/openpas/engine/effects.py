"""What a step asks the outside world to do. The engine returns these; services carry them out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class StartTimer:
    """Wake the flow at ``due`` on its wait ``key``."""

    key: str
    due: dt.datetime


@dataclass(frozen=True)
class CallHandler:
    """Call a registered handler with typed parameters (the external-call protocol)."""

    key: str
    handler: str
    parameters: dict[str, Any]
    wait: bool
    timeout: float | None
    """Seconds; None waits without limit; the server's default applies when ``default_timeout``."""
    default_timeout: bool = False
    retry: bool = False


@dataclass(frozen=True)
class SendMail:
    """Send a plain-text e-mail (the external-call protocol, like :class:`CallHandler`)."""

    key: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    body: str


@dataclass(frozen=True)
class StartProcess:
    """Launch a flow of another process as a subprocess of this one."""

    key: str
    process: str
    inputs: dict[str, Any]
    wait: bool
    outputs: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Escalate:
    """Re-route a work item nobody picked up within ``after`` seconds."""

    after: float
    workgroup: str | None = None
    supervisors: bool = False


@dataclass(frozen=True)
class OpenWorkItem:
    """Hand a work item to people; the flow waits on ``key`` until it is finished."""

    key: str
    work_item: str
    routing: str
    """``user`` or ``workgroup``."""
    target: str
    values: dict[str, dict[str, Any]]
    """The working copy of the form's data: ``{"process": {...}, "local": {...}}``."""
    description: str = ""
    priority: int = 0
    due: dt.datetime | None = None
    timeout_at: dt.datetime | None = None
    skills: dict[str, int] = field(default_factory=dict)
    offer_timeout: float | None = None
    offer_to: int = 1
    allocate: bool = False
    escalate: Escalate | None = None
    exclude: tuple[str, ...] = ()
    prefer: str | None = None
