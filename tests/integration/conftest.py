"""The integration suite runs every test on a real SQLite file and a real PostgreSQL.

``OPENPAS_TEST_BACKENDS`` chooses the backends (``sqlite,postgresql`` by
default); ``OPENPAS_TEST_POSTGRES_URL`` is the administrator URL of the
PostgreSQL server (default ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``).
PostgreSQL being unreachable FAILS the PostgreSQL tests, so that a CI without
it cannot pass silently; set ``OPENPAS_TEST_BACKENDS=sqlite`` to run without it.

Each test gets a migrated database with no rows of its own: on PostgreSQL a
database copied once from a template migrated once per session, then emptied
with one TRUNCATE before each reuse; on SQLite a copy of a file migrated once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import os
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from openpas.config import PARAMETERS, Settings
from openpas.service.context import Context
from openpas.service.handlers import Handlers
from openpas.service.runner import Runner
from openpas.store import metadata
from openpas.store.database import is_current, migrate, open_database

ADMIN_URL = os.environ.get(
    "OPENPAS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = [
    name.strip()
    for name in os.environ.get("OPENPAS_TEST_BACKENDS", "sqlite,postgresql").split(",")
    if name.strip()
]
for _name in BACKENDS:
    if _name not in ("sqlite", "postgresql"):
        raise pytest.UsageError(
            f"OPENPAS_TEST_BACKENDS names {_name!r}; expected sqlite and/or postgresql"
        )

# Names carry the process id, so that two suites running at once on one server
# never drop each other's databases.
PREFIX = f"openpas_it_{os.getpid()}"
TEMPLATE = f"{PREFIX}_template"
T0 = dt.datetime(2030, 1, 7, 9, 0, tzinfo=dt.UTC)


class Clock:
    """The clock of a test: time stands still until the test moves it."""

    def __init__(self, now: dt.datetime = T0) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


class PostgresServer:
    """The administrator's view of the test PostgreSQL server."""

    def __init__(self, admin_url: str) -> None:
        self.url = make_url(admin_url)
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        self._numbers = itertools.count(1)
        self._template_ready = False
        self._spare: list[str] = []
        """Migrated databases a finished test gave back, emptied before their next use."""

    def check(self) -> None:
        try:
            with self.admin.connect() as conn:
                conn.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            pytest.fail(
                f"PostgreSQL is unreachable at {self.url.render_as_string(hide_password=True)} "
                f"({str(getattr(exc, 'orig', exc)).strip().splitlines()[0]}). Start it, point "
                "OPENPAS_TEST_POSTGRES_URL at one, or set OPENPAS_TEST_BACKENDS=sqlite",
                pytrace=False,
            )

    def url_of(self, database: str, user: str | None = None) -> str:
        url = self.url.set(database=database)
        if user is not None:
            url = url.set(username=user, password=None)
        return url.render_as_string(hide_password=False)

    def execute(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(sql))

    def acquire(self) -> str:
        """A migrated database with no rows: a spare one emptied, or a new copy.

        Copying the template for every test costs a CREATE DATABASE each (most of the
        suite's time on a small machine); emptying a spare one with one TRUNCATE is
        far cheaper and just as clean.
        """
        while self._spare:
            name = self._spare.pop()
            engine = create_engine(self.url_of(name))
            try:
                tables = [t.name for t in metadata.sorted_tables]
                if not is_current(engine):
                    raise SQLAlchemyError("not at the head revision")
                with engine.begin() as conn:
                    conn.execute(
                        text(f"TRUNCATE TABLE {', '.join(tables)} RESTART IDENTITY CASCADE")
                    )
                return name
            except SQLAlchemyError:
                self.drop(name)  # a test changed its schema: do not reuse it
            finally:
                engine.dispose()
        return self.create(migrated=True)

    def release(self, name: str) -> None:
        """A test is done with a migrated database from :meth:`acquire`."""
        self._spare.append(name)

    def create(self, migrated: bool) -> str:
        """A new database's name: a copy of the migrated template, or empty."""
        self.check()
        if migrated and not self._template_ready:
            self.execute(f"DROP DATABASE IF EXISTS {TEMPLATE}")
            self.execute(f"CREATE DATABASE {TEMPLATE} TEMPLATE template0")
            engine = open_database(self.url_of(TEMPLATE))
            try:
                migrate(engine)
            finally:
                engine.dispose()
            self._template_ready = True
        name = f"{PREFIX}_{next(self._numbers)}"
        self.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE if migrated else 'template0'}")
        return name

    def drop(self, name: str) -> None:
        self.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def close(self) -> None:
        for name in self._spare:
            self.drop(name)
        if self._template_ready:
            self.drop(TEMPLATE)
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer(ADMIN_URL)
    yield server
    # When it was unreachable, the tests said so already.
    with contextlib.suppress(SQLAlchemyError):
        server.close()


@dataclass
class Backend:
    """One database server kind, handing out fresh databases to a test."""

    name: str
    tmp_path: Path
    server: PostgresServer | None = None
    _created: list[str] = field(default_factory=list)
    _pooled: list[str] = field(default_factory=list)
    _engines: list[Engine] = field(default_factory=list)

    def new_url(self, migrated: bool = True) -> str:
        """The URL of a database of its own for this test, migrated or empty."""
        if self.server is None:
            path = self.tmp_path / f"openpas-{len(self._created) + 1}.db"
            self._created.append(str(path))
            if migrated:
                # A copy of a database migrated once per session: migrating costs more.
                shutil.copyfile(_sqlite_template(), path)
            return f"sqlite:///{path}"
        if migrated:
            name = self.server.acquire()
            self._pooled.append(name)
        else:
            name = self.server.create(migrated=False)
            self._created.append(name)
        return self.server.url_of(name)

    def open(self, url: str, migrated: bool = False) -> Engine:
        """An engine on ``url``, disposed of at the end of the test."""
        engine = open_database(url)
        self._engines.append(engine)
        if migrated:
            migrate(engine)
        return engine

    def close(self) -> None:
        for engine in self._engines:
            engine.dispose()
        if self.server is not None:
            for name in self._created:
                self.server.drop(name)
            for name in self._pooled:
                self.server.release(name)


_TEMPLATE_FILE: list[Path] = []


def _sqlite_template() -> Path:
    """A SQLite database migrated to the head revision, made once per session."""
    if not _TEMPLATE_FILE:
        folder = Path(tempfile.mkdtemp(prefix="openpas-it-"))
        path = folder / "template.db"
        engine = open_database(f"sqlite:///{path}")
        try:
            migrate(engine)
        finally:
            engine.dispose()
        # Fold the write-ahead log into the file, so that copying the file copies it all.
        with contextlib.closing(sqlite3.connect(path)) as raw:
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _TEMPLATE_FILE.append(path)
    return _TEMPLATE_FILE[0]


@pytest.fixture(params=BACKENDS)
def backend(
    request: pytest.FixtureRequest, tmp_path: Path, postgres: PostgresServer
) -> Iterator[Backend]:
    found = Backend(request.param, tmp_path, postgres if request.param == "postgresql" else None)
    yield found
    found.close()


@pytest.fixture
def engine(backend: Backend) -> Engine:
    """A migrated database of this test's own."""
    return backend.open(backend.new_url(migrated=True))


@pytest.fixture
def clock() -> Clock:
    return Clock()


def settings(**values: object) -> Settings:
    """The default server parameters with some changed."""
    chosen: dict[str, object] = {p.name: p.default for p in PARAMETERS}
    chosen.update(values)
    return Settings(chosen)


@pytest.fixture
def handlers() -> Iterator[Handlers]:
    registry = Handlers()
    yield registry
    registry.close()


@pytest.fixture
def ctx(engine: Engine, clock: Clock, handlers: Handlers) -> Context:
    context = Context(engine, str(uuid.uuid4()), handlers=handlers, clock=clock)
    context.restored.set()
    return context


@pytest.fixture
def make_runner(ctx: Context) -> Iterator[Callable[[], Runner]]:
    """Runners for this test's context, closed at its end (several simulate restarts)."""
    made: list[Runner] = []

    def make() -> Runner:
        runner = Runner(ctx)
        made.append(runner)
        return runner

    yield make
    for runner in made:
        runner.close(grace=5.0)


@pytest.fixture
def runner(make_runner: Callable[[], Runner]) -> Runner:
    return make_runner()
