"""Related interactions: calls, chats and e-mails outside openpas linked to a flow.

A link holds the kind of interaction, its reference in the system that
handled it (a call id, a chat id, a message id...) and an optional note.
Anyone who may view the flow may add and list links (as the Process Details
dialog's Associated Interactions tab); removing one needs the Manage Process
right (and so the monitor licence). Adding and removing are audited
(``flow.interaction.add``, ``flow.interaction.remove``).
"""

from __future__ import annotations

from sqlalchemy import Connection

from openpas.monitor.errors import InvalidInteraction, NotFound
from openpas.security import audit
from openpas.security.principal import Principal
from openpas.security.rights import rights_of
from openpas.service.context import Context
from openpas.service.flows import NotFound as FlowNotFound
from openpas.store import flows
from openpas.store import monitor as store
from openpas.store.monitor import InteractionRecord
from openpas.store.records import FlowRecord

KINDS = ("call", "chat", "email", "other")
MAX_REFERENCE = 300
MAX_NOTE = 2000


def add_interaction(
    ctx: Context,
    p: Principal,
    flow_id: int,
    kind: str,
    reference: str,
    note: str | None = None,
) -> InteractionRecord:
    """Link an interaction to a flow ``p`` may view; the link (audited).

    Raises:
        NotFound: no such flow (``openpas.service.flows.NotFound``).
        NotAllowed: ``p`` may not view the flow.
        InvalidInteraction: an unknown kind, a blank or too long reference or note.
    """
    kind, reference, note = _checked(kind, reference, note)
    now = ctx.clock()
    with ctx.db.begin() as conn:
        record = _flow(conn, flow_id)
        rights_of(conn).require_view(p, record)
        link_id = store.add_interaction(conn, flow_id, kind, reference, note, p.user, now)
        audit.record(
            conn,
            p,
            "flow.interaction.add",
            f"flow #{flow_id}",
            None,
            {"kind": kind, "reference": reference, "link": link_id},
            at=now,
        )
        found = store.interaction(conn, link_id)
    assert found is not None
    return found


def interactions(ctx: Context, p: Principal, flow_id: int) -> list[InteractionRecord]:
    """The interactions linked to a flow ``p`` may view, oldest first.

    Raises:
        NotFound: no such flow. NotAllowed: ``p`` may not view it.
    """
    with ctx.read() as conn:
        rights_of(conn).require_view(p, _flow(conn, flow_id))
        return store.interactions_of(conn, flow_id)


def remove_interaction(
    ctx: Context, p: Principal, link_id: int, reason: str | None = None
) -> InteractionRecord:
    """Remove a link (Manage Process on the flow's process; audited); the removed link.

    Raises:
        NotFound: no such link. NotAllowed: ``p`` may not manage the flow's process
            (a user who may not even view the flow is told only that).
    """
    now = ctx.clock()
    with ctx.db.begin() as conn:
        found = store.interaction(conn, link_id)
        if found is None:
            raise NotFound(f"there is no related interaction #{link_id}")
        record = _flow(conn, found.flow_id)
        rights = rights_of(conn)
        rights.require_view(p, record)
        rights.require_manage(p, record.process_name)
        store.remove_interaction(conn, link_id)
        audit.record(
            conn,
            p,
            "flow.interaction.remove",
            f"flow #{found.flow_id}",
            reason,
            {"kind": found.kind, "reference": found.reference, "link": link_id},
            at=now,
        )
    return found


def _flow(conn: Connection, flow_id: int) -> FlowRecord:
    record = flows.get(conn, flow_id)
    if record is None:
        raise FlowNotFound(f"there is no flow #{flow_id}")
    return record


def _checked(kind: str, reference: str, note: str | None) -> tuple[str, str, str | None]:
    clean_kind = kind.strip().lower().replace("-", "")
    if clean_kind == "e mail":
        clean_kind = "email"
    if clean_kind not in KINDS:
        raise InvalidInteraction(
            f"{kind!r} is not a kind of interaction; expected one of {', '.join(KINDS)}"
        )
    clean_reference = reference.strip()
    if not clean_reference:
        raise InvalidInteraction("a related interaction needs its reference, got a blank one")
    if len(clean_reference) > MAX_REFERENCE:
        raise InvalidInteraction(
            f"the reference {clean_reference[:20]!r}... is {len(clean_reference)} characters "
            f"long; at most {MAX_REFERENCE} expected"
        )
    clean_note = note.strip() if note and note.strip() else None
    if clean_note is not None and len(clean_note) > MAX_NOTE:
        raise InvalidInteraction(
            f"the note is {len(clean_note)} characters long; at most {MAX_NOTE} expected"
        )
    return clean_kind, clean_reference, clean_note
