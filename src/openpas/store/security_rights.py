"""The stored rights and security specifications: rows in, plain records out.

Every function takes the caller's connection and never commits. The checks
that give people clear messages (does the user exist, is the right known)
belong to :mod:`openpas.security.rights` and :mod:`openpas.security.specifications`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, or_, select

from openpas.store.clock import aware
from openpas.store.schema import flows
from openpas.store.schema_security import grants as grants_table
from openpas.store.schema_security import specification_members, specifications


@dataclass(frozen=True)
class GrantRecord:
    """One row of ``security_grants``: ``subject`` (a user, workgroup or role) holds
    ``right`` on ``process`` (``*`` for every process)."""

    subject_kind: str
    subject: str
    right: str
    process: str
    granted_by: str
    granted_at: dt.datetime


@dataclass(frozen=True)
class SpecificationRecord:
    """A security specification with its members: (kind, name) pairs."""

    name: str
    description: str
    created_at: dt.datetime
    members: frozenset[tuple[str, str]]


# ---------------------------------------------------------------------- grants


def add_grant(
    conn: Connection,
    subject_kind: str,
    subject: str,
    right: str,
    process: str,
    by: str,
    now: dt.datetime,
) -> bool:
    """Record a grant; False when exactly this grant exists already."""
    if _grant_exists(conn, subject_kind, subject, right, process):
        return False
    conn.execute(
        insert(grants_table).values(
            subject_kind=subject_kind,
            subject=subject,
            right=right,
            process=process,
            granted_by=by,
            granted_at=now,
        )
    )
    return True


def remove_grant(
    conn: Connection, subject_kind: str, subject: str, right: str, process: str
) -> bool:
    """Delete a grant; False when there was no such grant."""
    c = grants_table.c
    outcome = conn.execute(
        delete(grants_table).where(
            c.subject_kind == subject_kind,
            c.subject == subject,
            c.right == right,
            c.process == process,
        )
    )
    return outcome.rowcount == 1


def all_grants(conn: Connection) -> list[GrantRecord]:
    """Every grant, by subject, right and process."""
    c = grants_table.c
    rows = conn.execute(
        select(grants_table).order_by(c.subject_kind, c.subject, c.right, c.process)
    )
    return [
        GrantRecord(
            r.subject_kind, r.subject, r.right, r.process, r.granted_by, aware(r.granted_at)
        )
        for r in rows
    ]


def _grant_exists(
    conn: Connection, subject_kind: str, subject: str, right: str, process: str
) -> bool:
    c = grants_table.c
    found = conn.execute(
        select(c.id).where(
            c.subject_kind == subject_kind,
            c.subject == subject,
            c.right == right,
            c.process == process,
        )
    ).first()
    return found is not None


# ---------------------------------------------------------------------- specifications


def create_specification(conn: Connection, name: str, description: str, now: dt.datetime) -> bool:
    """Add an empty specification; False when one of that name exists."""
    exists = conn.execute(
        select(specifications.c.name).where(specifications.c.name == name)
    ).first()
    if exists is not None:
        return False
    conn.execute(insert(specifications).values(name=name, description=description, created_at=now))
    return True


def delete_specification(conn: Connection, name: str) -> bool:
    """Delete a specification and its members; False when there was none."""
    conn.execute(delete(specification_members).where(specification_members.c.specification == name))
    outcome = conn.execute(delete(specifications).where(specifications.c.name == name))
    return outcome.rowcount == 1


def set_members(conn: Connection, name: str, members: Iterable[tuple[str, str]]) -> None:
    """Replace the members of specification ``name`` by ``members`` ((kind, name) pairs)."""
    conn.execute(delete(specification_members).where(specification_members.c.specification == name))
    rows = [{"specification": name, "kind": k, "member": m} for k, m in sorted(set(members))]
    if rows:
        conn.execute(insert(specification_members), rows)


def all_specifications(conn: Connection) -> dict[str, SpecificationRecord]:
    """Every specification with its members, by name."""
    members: dict[str, set[tuple[str, str]]] = {}
    for spec, kind, member in conn.execute(
        select(
            specification_members.c.specification,
            specification_members.c.kind,
            specification_members.c.member,
        )
    ):
        members.setdefault(spec, set()).add((kind, member))
    return {
        r.name: SpecificationRecord(
            r.name, r.description, aware(r.created_at), frozenset(members.get(r.name, ()))
        )
        for r in conn.execute(select(specifications).order_by(specifications.c.name))
    }


# ---------------------------------------------------------------------- flows a principal sees


def visible_flow_ids(
    conn: Connection,
    *,
    processes: Collection[str] | None,
    originator: str,
    status: Sequence[str] | None = None,
    process: str | None = None,
    limit: int = 100,
) -> list[int]:
    """The ids of the newest flows of ``processes`` (None: of every process) or started by
    ``originator``, filtered by status and process, newest first."""
    c = flows.c
    query = select(c.id).order_by(c.id.desc()).limit(limit)
    if processes is not None:
        query = query.where(or_(c.process_name.in_(sorted(processes)), c.originator == originator))
    if status:
        query = query.where(c.status.in_(list(status)))
    if process:
        query = query.where(c.process_name == process)
    return [int(i) for i in conn.execute(query).scalars()]
