"""Published processes and their immutable versions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from openpas.store.clock import aware
from openpas.store.records import ProcessRecord, VersionRecord
from openpas.store.schema import process_definitions as defs
from openpas.store.schema import process_versions as versions


def add_version(
    conn: Connection, name: str, text: str, fmt: int, by: str, now: dt.datetime
) -> VersionRecord:
    """Store a new version of ``name`` (creating the process, owned by ``by``, if new)."""
    definition_id = conn.execute(select(defs.c.id).where(defs.c.name == name)).scalar()
    if definition_id is None:
        definition_id = conn.execute(
            insert(defs)
            .values(name=name, owner=by, active=True, created_at=now)
            .returning(defs.c.id)
        ).scalar_one()
    latest = conn.execute(
        select(func.max(versions.c.version)).where(versions.c.definition_id == definition_id)
    ).scalar()
    number = (latest or 0) + 1
    version_id = conn.execute(
        insert(versions)
        .values(
            definition_id=definition_id,
            version=number,
            format=fmt,
            text=text,
            published_at=now,
            published_by=by,
        )
        .returning(versions.c.id)
    ).scalar_one()
    return VersionRecord(version_id, definition_id, name, number, text, now, by)


def set_active(conn: Connection, name: str, active: bool) -> bool:
    """Activate or deactivate a process; False when there is no such process."""
    result = conn.execute(update(defs).where(defs.c.name == name).values(active=active))
    return result.rowcount == 1


def version(conn: Connection, version_id: int) -> VersionRecord | None:
    row = conn.execute(
        select(versions, defs.c.name)
        .join(defs, defs.c.id == versions.c.definition_id)
        .where(versions.c.id == version_id)
    ).first()
    return _version(row) if row else None


def launchable(conn: Connection, name: str) -> tuple[bool, VersionRecord] | None:
    """(active, latest version) of a process, or None when it was never published."""
    row = conn.execute(
        select(versions, defs.c.name, defs.c.active)
        .join(defs, defs.c.id == versions.c.definition_id)
        .where(defs.c.name == name)
        .order_by(versions.c.version.desc())
        .limit(1)
    ).first()
    return (bool(row.active), _version(row)) if row else None


def processes(conn: Connection) -> list[ProcessRecord]:
    """Every process with its latest version number, by name."""
    latest = (
        select(versions.c.definition_id, func.max(versions.c.version).label("latest"))
        .group_by(versions.c.definition_id)
        .subquery()
    )
    rows = conn.execute(
        select(defs, latest.c.latest)
        .join(latest, latest.c.definition_id == defs.c.id)
        .order_by(defs.c.name)
    )
    return [
        ProcessRecord(r.id, r.name, r.owner, bool(r.active), int(r.latest), aware(r.created_at))
        for r in rows
    ]


def all_versions(conn: Connection, name: str) -> list[VersionRecord]:
    rows = conn.execute(
        select(versions, defs.c.name)
        .join(defs, defs.c.id == versions.c.definition_id)
        .where(defs.c.name == name)
        .order_by(versions.c.version)
    )
    return [_version(r) for r in rows]


def _version(r: Any) -> VersionRecord:
    return VersionRecord(
        r.id, r.definition_id, r.name, r.version, r.text, aware(r.published_at), r.published_by
    )
