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
class StartProcess:
    """Launch a flow of another process as a subprocess of this one."""

    key: str
    process: str
    inputs: dict[str, Any]
    wait: bool
    outputs: tuple[str, ...] = field(default=())
