"""Server nodes: each has a storage id and a heartbeat."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, insert, select, update

from openpas.store.schema import nodes


def register(conn: Connection, storage_id: str, name: str, now: dt.datetime) -> None:
    """Mark the node running (creating its row on first start)."""
    found = conn.execute(select(nodes.c.storage_id).where(nodes.c.storage_id == storage_id)).first()
    if found is None:
        conn.execute(
            insert(nodes).values(
                storage_id=storage_id, name=name, started_at=now, heartbeat_at=now, status="running"
            )
        )
    else:
        conn.execute(
            update(nodes)
            .where(nodes.c.storage_id == storage_id)
            .values(name=name, started_at=now, heartbeat_at=now, status="running")
        )


def heartbeat(conn: Connection, storage_id: str, now: dt.datetime) -> None:
    conn.execute(update(nodes).where(nodes.c.storage_id == storage_id).values(heartbeat_at=now))


def stopped(conn: Connection, storage_id: str, now: dt.datetime) -> None:
    conn.execute(
        update(nodes)
        .where(nodes.c.storage_id == storage_id)
        .values(status="stopped", heartbeat_at=now)
    )
