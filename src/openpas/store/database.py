"""Opening the storage database, and bringing its tables up to date.

SQLite is the embedded default: WAL mode, and ``synchronous=FULL`` so that a
committed step survives a power loss. ``synchronous=NORMAL`` is faster but a
power loss (not a crash of openpas) may lose the last commits; choose it with
``?synchronous=normal`` on the URL only if you accept that. PostgreSQL is the
database for clusters. Start-up problems are numbered events, as in the
reference: 41043 no connection string, 41044 using the default database, 41045
the connection failed, 41046 the tables are missing or cannot be created.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from openpas.errors import OpenpasError

log = logging.getLogger("openpas.store")

MIGRATIONS = Path(__file__).parent / "migrations"
READ_ONLY = "openpas_read_only"
"""Execution option of connections that only read (see :func:`reading`)."""


def reading(engine: Engine) -> Connection:
    """A connection for reading only: on SQLite it does not wait for, nor block, writers."""
    return engine.connect().execution_options(**{READ_ONLY: True})


class StorageError(OpenpasError):
    """The storage database cannot be used."""

    def __init__(self, event_id: int, message: str) -> None:
        super().__init__(f"event {event_id}: {message}")
        self.event_id = event_id
        self.exit_code = 3 if event_id == 41045 else 4


def open_database(url: str | None, *, default_used: bool = False) -> Engine:
    """An engine for ``url`` (a SQLAlchemy URL), with SQLite made durable.

    Raises:
        StorageError: 41043 when there is no URL, 41045 when it cannot connect.
    """
    if not url:
        raise StorageError(
            41043,
            "openpas cannot start: the database connection string for flow storage is missing",
        )
    if default_used:
        log.info(
            "event 41044: using the default embedded database %s for flow storage; "
            "set OPENPAS_DATABASE_URL to use another one",
            url,
            extra={"event": 41044},
        )
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StorageError(41045, f"the database URL {url!r} is not valid: {exc}") from None
    options: dict[str, Any] = {}
    synchronous = "FULL"
    if parsed.get_backend_name() == "sqlite":
        query = dict(parsed.query)
        synchronous = str(query.pop("synchronous", "full")).upper()
        if synchronous not in ("FULL", "NORMAL", "EXTRA"):
            raise StorageError(
                41045, f"synchronous={synchronous.lower()} is not full, normal or extra"
            )
        parsed = parsed.set(query=query)
        # A "file:" URI (uri=true) names no folder of its own; anything else is a path.
        is_uri = str(query.get("uri", "")).lower() in ("true", "1")
        if parsed.database and parsed.database != ":memory:" and not is_uri:
            folder = Path(parsed.database).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageError(
                    41045,
                    f"openpas cannot create the folder {str(folder)!r} for the SQLite "
                    f"database: {exc.strerror or exc}",
                ) from None
        options["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        options["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **options)
    except (ArgumentError, ImportError) as exc:
        raise StorageError(41045, f"cannot use the database {parsed!r}: {exc}") from None
    if engine.dialect.name == "sqlite":
        _make_sqlite_durable(engine, synchronous)
    try:
        with engine.connect():
            pass
    except (OperationalError, SQLAlchemyError) as exc:
        raise StorageError(
            41045,
            f"openpas cannot open the storage database {engine.url!r}: {_reason(exc)}",
        ) from None
    return engine


def ping(engine: Engine) -> None:
    """Raise SQLAlchemyError unless the database answers."""
    with reading(engine) as conn:
        conn.execute(text("SELECT 1"))


def _make_sqlite_durable(engine: Engine, synchronous: str) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling is replaced by explicit BEGINs below,
        # so that writers take the lock at BEGIN (IMMEDIATE) instead of failing later.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Writers take the lock at BEGIN, so a read-then-write transaction never fails
        # half-way; readers (``reading``) begin deferred and never wait for writers.
        if connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def _reason(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", exc)).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _alembic_config(connection: Any) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine) -> None:
    """Apply every migration not yet applied (creating the tables on first start).

    Raises:
        StorageError: 41046 when the tables cannot be created or brought up to date.
    """
    try:
        with engine.begin() as connection:
            command.upgrade(_alembic_config(connection), "head")
    except SQLAlchemyError as exc:
        raise StorageError(
            41046,
            "the storage database's tables are missing and could not be created "
            f"(check the user's rights): {_reason(exc)}",
        ) from None


def is_current(engine: Engine) -> bool:
    """Whether every migration has been applied."""
    script = ScriptDirectory.from_config(_alembic_config(None))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    return set(current) == set(script.get_heads())
