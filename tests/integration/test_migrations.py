"""Migrations build exactly the tables the code describes, on both databases."""

from __future__ import annotations

import datetime as dt

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from openpas.store import metadata
from openpas.store.database import is_current, migrate

from .conftest import Backend


def test_migrations_on_an_empty_database_give_exactly_the_schema(backend: Backend) -> None:
    engine = backend.open(backend.new_url(migrated=False))
    assert inspect(engine).get_table_names() == []
    assert not is_current(engine)

    migrate(engine)

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert tables == set(metadata.tables)
    assert is_current(engine)


def test_migrating_twice_is_harmless(backend: Backend) -> None:
    engine = backend.open(backend.new_url(migrated=True))
    now = dt.datetime.now(dt.UTC)
    nodes = metadata.tables["nodes"]
    with engine.begin() as conn:
        conn.execute(
            nodes.insert().values(
                storage_id="s", name="n", started_at=now, heartbeat_at=now, status="running"
            )
        )
    migrate(engine)
    migrate(engine)
    assert is_current(engine)
    with engine.connect() as conn:
        assert [r.storage_id for r in conn.execute(nodes.select())] == ["s"]
