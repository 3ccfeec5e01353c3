"""Publishing processes: every publication is a new immutable version."""

from __future__ import annotations

from openpas.model import Definition, load_text
from openpas.security import audit
from openpas.service.context import Context
from openpas.service.flows import NotFound
from openpas.store import definitions
from openpas.store.records import ProcessRecord, VersionRecord


def publish(
    ctx: Context, text: str, by: str, source: str | None = None, *, reason: str | None = None
) -> tuple[VersionRecord, Definition]:
    """Validate and publish a document as the next version of its process (audited).

    Raises:
        DefinitionError: the document has problems; nothing is published.
    """
    definition = load_text(text, source)
    with ctx.db.begin() as conn:
        now = ctx.clock()
        record = definitions.add_version(
            conn, definition.name, text, definition.spec.format, by, now
        )
        audit.record(
            conn,
            by,
            "process.publish",
            f"process {definition.name}",
            reason,
            {"version": record.version, "source": source},
            at=now,
        )
    return record, definition


def set_active(
    ctx: Context, name: str, active: bool, *, by: str | None = None, reason: str | None = None
) -> None:
    """Deactivating stops new launches only; running flows go on (audited: ``by``, why)."""
    with ctx.db.begin() as conn:
        if not definitions.set_active(conn, name, active):
            raise NotFound(f"no process named {name!r} is published")
        action = "process.activate" if active else "process.deactivate"
        audit.record(conn, by, action, f"process {name}", reason, at=ctx.clock())


def listing(ctx: Context) -> list[ProcessRecord]:
    with ctx.read() as conn:
        return definitions.processes(conn)


def versions(ctx: Context, name: str) -> list[VersionRecord]:
    with ctx.read() as conn:
        found = definitions.all_versions(conn, name)
    if not found:
        raise NotFound(f"no process named {name!r} is published")
    return found
