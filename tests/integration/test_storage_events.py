"""Start-up problems with the storage database are numbered events with a clear sentence."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from openpas.store.database import StorageError, migrate, open_database

from .conftest import BACKENDS, Backend, PostgresServer


def test_no_connection_string_is_event_41043() -> None:
    with pytest.raises(StorageError) as caught:
        open_database(None)
    assert caught.value.event_id == 41043
    assert "connection string" in str(caught.value)


def test_an_unreachable_postgresql_is_event_41045() -> None:
    # Port 1 on this machine: nothing listens there, the connection is refused at once.
    url = "postgresql+psycopg://postgres@127.0.0.1:1/openpas?connect_timeout=2"
    with pytest.raises(StorageError) as caught:
        open_database(url)
    assert caught.value.event_id == 41045
    assert caught.value.exit_code == 3
    message = str(caught.value)
    assert message.startswith("event 41045: openpas cannot open the storage database")
    assert "127.0.0.1" in message
    assert "Traceback" not in message


def test_a_sqlite_path_that_cannot_be_made_is_event_41045(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    target = blocker / "data" / "openpas.db"
    with pytest.raises(StorageError) as caught:
        open_database(f"sqlite:///{target}")
    assert caught.value.event_id == 41045
    message = str(caught.value)
    assert str(blocker / "data") in message
    assert "folder" in message


def test_a_read_only_sqlite_file_cannot_be_opened_for_flows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "read-only.db"
    path.touch()
    with pytest.raises(StorageError) as caught:
        open_database(f"sqlite:///file:{path}?mode=ro&uri=true")
    assert caught.value.event_id == 41045
    assert "readonly" in str(caught.value)
    assert not (tmp_path / "file:").exists()  # the URI is not taken for a folder name


def test_tables_that_cannot_be_created_are_event_41046(backend: Backend) -> None:
    url = backend.new_url(migrated=False)
    engine = backend.open(url)
    # Another application's table of the same name is in the way of openpas's.
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE nodes (something_else INTEGER)"))
    with pytest.raises(StorageError) as caught:
        migrate(engine)
    assert caught.value.event_id == 41046
    assert caught.value.exit_code == 4
    assert "could not be created" in str(caught.value)


@pytest.mark.skipif("postgresql" not in BACKENDS, reason="PostgreSQL is not among the backends")
def test_a_postgresql_role_without_create_rights_is_event_41046(postgres: PostgresServer) -> None:
    role = "openpas_it_reader"
    postgres.execute(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') "
        f"THEN CREATE ROLE {role} LOGIN; END IF; END $$"
    )
    name = postgres.create(migrated=False)
    engine = open_database(postgres.url_of(name, user=role))
    try:
        with pytest.raises(StorageError) as caught:
            migrate(engine)
    finally:
        engine.dispose()
        postgres.drop(name)
    assert caught.value.event_id == 41046
    message = str(caught.value)
    assert "could not be created (check the user's rights)" in message
    assert "permission denied" in message


def test_sqlite_is_durable_wal_with_full_synchronous(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'durable.db'}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            # 2 is FULL (0 OFF, 1 NORMAL, 3 EXTRA).
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()
