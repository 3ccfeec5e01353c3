"""What the sign-in unit tests share: a small SQLite database, a clock that tests move,
and Argon2 parameters cheap enough to hash hundreds of times."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from openpas.directory import service as directory
from openpas.directory.model import Licence, User
from openpas.events import Bus
from openpas.security import passwords
from openpas.service.context import Context
from openpas.store import metadata
from openpas.store.database import open_database

T0 = dt.datetime(2030, 1, 7, 9, 0, tzinfo=dt.UTC)
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


class Clock:
    """Time stands still until the test moves it."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


@contextmanager
def security_context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Context]:
    """A context on a fresh SQLite file with users ann (direct), bob (group) and root
    (administrator), and cheap password hashing."""
    monkeypatch.setattr(passwords, "HASHER", CHEAP)
    engine = open_database(f"sqlite:///{tmp_path / 'security.db'}")
    metadata.create_all(engine)
    ctx = Context(engine, "unit", clock=Clock())
    bus = Bus()
    directory.add_user(ctx, bus, User("ann", licence=Licence.DIRECT))
    directory.add_user(ctx, bus, User("bob", licence=Licence.GROUP))
    directory.add_user(ctx, bus, User("root", licence=Licence.DESIGNER, administrator=True))
    try:
        yield ctx
    finally:
        engine.dispose()


def clock_of(ctx: Context) -> Clock:
    assert isinstance(ctx.clock, Clock)
    return ctx.clock
