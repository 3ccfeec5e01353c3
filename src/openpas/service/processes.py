"""Publishing processes: every publication is a new immutable version."""

from __future__ import annotations

from openpas.model import Definition, load_text
from openpas.service.context import Context
from openpas.service.flows import NotFound
from openpas.store import definitions
from openpas.store.records import ProcessRecord, VersionRecord


def publish(
    ctx: Context, text: str, by: str, source: str | None = None
) -> tuple[VersionRecord, Definition]:
    """Validate and publish a document as the next version of its process.

    Raises:
        DefinitionError: the document has problems; nothing is published.
    """
    definition = load_text(text, source)
    with ctx.db.begin() as conn:
        record = definitions.add_version(
            conn, definition.name, text, definition.spec.format, by, ctx.clock()
        )
    return record, definition


def set_active(ctx: Context, name: str, active: bool) -> None:
    """Deactivating stops new launches only; running flows go on."""
    with ctx.db.begin() as conn:
        if not definitions.set_active(conn, name, active):
            raise NotFound(f"no process named {name!r} is published")


def listing(ctx: Context) -> list[ProcessRecord]:
    with ctx.read() as conn:
        return definitions.processes(conn)


def versions(ctx: Context, name: str) -> list[VersionRecord]:
    with ctx.read() as conn:
        found = definitions.all_versions(conn, name)
    if not found:
        raise NotFound(f"no process named {name!r} is published")
    return found
