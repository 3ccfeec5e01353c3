"""The audit log: every administrative and managing change, with who, when, what and why.

Services call :func:`record` inside the transaction of the change itself, so
an entry exists exactly when the change was committed. Actions are dotted
names, the first word naming what was changed (``process.publish``,
``flow.cancel``, ``work.pull``, ``directory.user.add``, ``token.create``,
``password.set``); :func:`listing` filters by one or by a prefix (``flow.``).

Secrets never enter the log: :func:`record` refuses a detail that names a
password, a hash, a secret or a token's secret, so a mistake fails in tests
instead of leaking.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection

from openpas.security.principal import Principal
from openpas.service.context import Context
from openpas.store import audit as store
from openpas.store.audit import AuditRecord

SYSTEM = "system"
"""The actor of changes no person asked for (the first start, an engine's own repair)."""

MAX_TARGET = 300
MAX_LIMIT = 10_000
_SECRET_KEYS = frozenset({"password", "password_hash", "hash", "secret", "csrf", "token_secret"})

__all__ = ["MAX_LIMIT", "SYSTEM", "AuditRecord", "listing", "record"]


def record(
    conn: Connection,
    actor: str | Principal | None,
    action: str,
    target: str,
    reason: str | None = None,
    detail: str | Mapping[str, Any] | None = None,
    *,
    at: dt.datetime,
) -> None:
    """Add an entry to the audit log in the caller's transaction.

    Args:
        conn: the connection of the change being recorded (it is not committed here).
        actor: who did it (a user name or a principal); None means :data:`SYSTEM`.
        action: a dotted name such as ``flow.cancel``.
        target: what was changed (``flow #12``, ``user ann``, ``process Car Loan``).
        reason: why, as the actor gave it.
        detail: more about the change; a mapping is stored as JSON.
        at: when (the service's clock).

    Raises:
        ValueError: the action is empty, or the detail names a secret.
    """
    if not action or not action.strip():
        raise ValueError("an audit entry needs an action, got an empty one")
    who = SYSTEM if actor is None else actor.user if isinstance(actor, Principal) else actor
    text: str | None
    if detail is None or isinstance(detail, str):
        text = detail
    else:
        leaked = _SECRET_KEYS & {str(key).lower() for key in detail}
        if leaked:
            raise ValueError(
                f"an audit detail must not hold secrets; it has {', '.join(sorted(leaked))}"
            )
        text = json.dumps(dict(detail), sort_keys=True, ensure_ascii=False, default=str)
    store.add_entry(
        conn,
        at=at,
        actor=who or SYSTEM,
        action=action.strip(),
        target=target[:MAX_TARGET],
        reason=reason.strip() if reason and reason.strip() else None,
        detail=text,
    )


def listing(
    ctx: Context,
    actor: str | None = None,
    action: str | None = None,
    since: dt.datetime | None = None,
    limit: int = 100,
) -> list[AuditRecord]:
    """The newest entries first, filtered by actor, action (or ``prefix.``) and time.

    Raises:
        ValueError: ``limit`` is not from 1 to 10,000.
    """
    if isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"the limit is {limit!r}; expected a whole number from 1 to {MAX_LIMIT}")
    with ctx.read() as conn:
        return store.entries(conn, actor=actor, action=action, since=since, limit=limit)
