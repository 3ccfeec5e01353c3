"""Signing in on SQLite and PostgreSQL: rate limiting across processes, the first
administrator, password changes ending sessions, and no secret in any log."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from openpas.directory import service as directory
from openpas.directory.model import Licence, User
from openpas.events import Bus
from openpas.security import audit, auth, bootstrap, passwords, sessions, tokens
from openpas.security.identity import WRONG, NotAuthenticated, PasswordIdentity, TooManyAttempts
from openpas.security.passwords import WeakPassword
from openpas.security.principal import Principal
from openpas.security.rights import NotAllowed
from openpas.service.context import Context
from openpas.store.schema_security import audit as audit_rows
from openpas.store.schema_security import credentials

from .conftest import Backend, Clock

PASSWORD = "ann's long password"
ROOT = auth.local_operator("root")


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


@pytest.fixture
def people(ctx: Context) -> Iterator[Context]:
    bus = Bus()
    for name in ("ann", "bob", "cy"):
        directory.add_user(ctx, bus, User(name, licence=Licence.GROUP))
    for name in ("ann", "bob", "cy"):
        auth.set_password(ctx, ROOT, name, PASSWORD)
    yield ctx


def fail(ctx: Context, user: str, address: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises(NotAuthenticated, match=WRONG):
            PasswordIdentity(ctx).authenticate(user, "wrong password", address)


# ---------------------------------------------------------------------- rate limiting


def test_five_failures_for_a_user_lock_the_user_for_a_growing_delay(
    people: Context, clock: Clock
) -> None:
    identity = PasswordIdentity(people)
    fail(people, "ann", "10.0.0.1", 5)
    with pytest.raises(TooManyAttempts) as caught:
        identity.authenticate("ann", PASSWORD, "10.0.0.2")  # even the right one, from elsewhere
    assert caught.value.retry_at == clock.now + dt.timedelta(minutes=1)
    assert "try again at 2030-01-07 09:01:00 UTC (in 60 seconds)" in caught.value.message
    assert identity.authenticate("bob", PASSWORD, "10.0.0.1") == "bob"  # others may

    clock.advance(minutes=1)
    fail(people, "ann", "10.0.0.1", 1)  # the sixth: two minutes now
    clock.advance(seconds=119)
    with pytest.raises(TooManyAttempts):
        identity.authenticate("ann", PASSWORD, "10.0.0.1")
    clock.advance(seconds=1)
    assert identity.authenticate("ann", PASSWORD, "10.0.0.1") == "ann"
    fail(people, "ann", "10.0.0.1", 4)  # a success counts the user's failures off
    assert identity.authenticate("ann", PASSWORD, "10.0.0.1") == "ann"


def test_unknown_users_are_locked_like_real_ones(people: Context) -> None:
    fail(people, "nobody", "10.0.0.1", 5)
    with pytest.raises(TooManyAttempts):
        PasswordIdentity(people).authenticate("nobody", PASSWORD, "10.0.0.1")


def test_twenty_failures_from_an_address_lock_it_and_a_success_does_not_unlock_it(
    people: Context, clock: Clock
) -> None:
    identity = PasswordIdentity(people)
    for user in ("u1", "u2", "u3", "u4"):
        fail(people, user, "10.6.6.6", 4)
    assert identity.authenticate("ann", PASSWORD, "10.6.6.6") == "ann"
    fail(people, "u5", "10.6.6.6", 4)  # the twentieth
    with pytest.raises(TooManyAttempts):
        identity.authenticate("cy", PASSWORD, "10.6.6.6")
    assert identity.authenticate("cy", PASSWORD, "10.0.0.7") == "cy"
    clock.advance(minutes=1)
    assert identity.authenticate("cy", PASSWORD, "10.6.6.6") == "cy"
    clock.advance(minutes=15)  # the window has passed: the count starts again
    fail(people, "u6", "10.6.6.6", 4)
    assert identity.authenticate("bob", PASSWORD, "10.6.6.6") == "bob"


def test_the_count_is_shared_by_every_process_on_the_database(
    people: Context, backend: Backend, clock: Clock
) -> None:
    url = people.db.url.render_as_string(hide_password=False)
    other = Context(backend.open(url), str(uuid.uuid4()), clock=clock)
    fail(people, "ann", "10.0.0.1", 3)
    fail(other, "ann", "10.0.0.1", 2)
    with pytest.raises(TooManyAttempts):
        PasswordIdentity(people).authenticate("ann", PASSWORD, "10.0.0.1")
    with pytest.raises(TooManyAttempts):
        PasswordIdentity(other).authenticate("ann", PASSWORD, "10.0.0.1")


# ---------------------------------------------------------------------- first administrator


def test_the_first_start_creates_the_administrator_once(ctx: Context, clock: Clock) -> None:
    made = bootstrap.ensure_administrator(ctx, environ={})
    assert made is not None
    assert (made.user, made.must_change) == ("admin", True)
    assert made.password is not None and len(made.password) == 20
    assert made.password not in repr(made)
    admin = directory.snapshot(ctx).user("admin")
    assert (admin.licence, admin.administrator) == (Licence.DESIGNER, True)
    signed = sessions.sign_in(ctx, "admin", made.password, "127.0.0.1")
    assert signed.principal.administrator and signed.must_change_password

    assert bootstrap.ensure_administrator(ctx, environ={}) is None
    assert bootstrap.ensure_administrator(ctx, environ={"OPENPAS_ADMIN_PASSWORD": "x"}) is None
    auth.change_password(ctx, "admin", made.password, "the admin's own password")
    assert not auth.must_change_password(ctx, "admin")
    entries = audit.listing(ctx)
    assert [(e.actor, e.action, e.target) for e in entries] == [
        ("admin", "password.change", "user admin"),
        ("system", "password.set", "user admin"),
        ("system", "directory.user.add", "user admin"),
    ]
    assert entries[1].reason == "the first start: no administrator could sign in"


def test_the_administrators_password_can_come_from_the_environment(ctx: Context) -> None:
    made = bootstrap.ensure_administrator(
        ctx, environ={"OPENPAS_ADMIN_PASSWORD": "set by the installer"}
    )
    assert made is not None
    assert (made.password, made.must_change) == (None, False)
    assert sessions.sign_in(ctx, "admin", "set by the installer", "a").must_change_password is False


def test_a_short_administrator_password_from_the_environment_is_refused(ctx: Context) -> None:
    with pytest.raises(WeakPassword) as caught:
        bootstrap.ensure_administrator(ctx, environ={"OPENPAS_ADMIN_PASSWORD": "tiny"})
    assert caught.value.message == (
        "OPENPAS_ADMIN_PASSWORD: the password has 4 characters; use at least 10"
    )
    assert directory.snapshot(ctx).users == {}


def test_an_imported_administrator_without_a_password_gets_one(ctx: Context) -> None:
    directory.add_user(ctx, Bus(), User("admin", licence=Licence.MONITOR, administrator=True))
    directory.add_user(ctx, Bus(), User("ann", licence=Licence.GROUP))
    made = bootstrap.ensure_administrator(ctx, environ={})
    assert made is not None and made.password is not None
    assert directory.snapshot(ctx).user("admin").licence == Licence.MONITOR  # kept as it was


def test_an_admin_who_is_no_administrator_is_a_clear_error(ctx: Context) -> None:
    directory.add_user(ctx, Bus(), User("admin", licence=Licence.GROUP))
    with pytest.raises(bootstrap.NoAdministrator, match="'admin' is not an administrator"):
        bootstrap.ensure_administrator(ctx, environ={})


def test_nothing_happens_when_an_administrator_has_a_password(ctx: Context) -> None:
    directory.add_user(ctx, Bus(), User("root", licence=Licence.DESIGNER, administrator=True))
    auth.set_password(ctx, ROOT, "root", "root's long password")
    assert bootstrap.ensure_administrator(ctx, environ={}) is None
    assert "admin" not in directory.snapshot(ctx).users


# ---------------------------------------------------------------------- passwords


def test_changing_a_password_ends_the_users_sessions(people: Context) -> None:
    first = sessions.sign_in(people, "ann", PASSWORD, "a")
    second = sessions.sign_in(people, "ann", PASSWORD, "b")
    bobs = sessions.sign_in(people, "bob", PASSWORD, "c")
    with pytest.raises(NotAuthenticated, match=WRONG):
        auth.change_password(people, "ann", "not my password", "a new long password")
    with pytest.raises(WeakPassword, match="use at least 10"):
        auth.change_password(people, "ann", PASSWORD, "short")
    with pytest.raises(WeakPassword, match="the same as the old one"):
        auth.change_password(people, "ann", PASSWORD, PASSWORD)
    assert sessions.principal_for_session(people, first.token).user == "ann"

    assert auth.change_password(people, "ann", PASSWORD, "a new long password") == 2
    for signed in (first, second):
        with pytest.raises(NotAuthenticated):
            sessions.principal_for_session(people, signed.token)
    assert sessions.principal_for_session(people, bobs.token).user == "bob"
    with pytest.raises(NotAuthenticated):
        sessions.sign_in(people, "ann", PASSWORD, "a")
    assert sessions.sign_in(people, "ann", "a new long password", "a").principal.user == "ann"


def test_an_administrator_sets_a_password_and_nobody_else_may(people: Context) -> None:
    signed = sessions.sign_in(people, "bob", PASSWORD, "a")
    ann = auth.principal_for(people, "ann")
    with pytest.raises(NotAllowed, match="ann is not an administrator"):
        auth.set_password(people, ann, "bob", "ann chose this one")
    with pytest.raises(directory.NotFound, match=r"no user named 'bobb' \(did you mean 'bob'\?\)"):
        auth.set_password(people, ROOT, "bobb", "a long new password")
    auth.set_password(
        people, ROOT, "bob", "a temporary password", must_change=True, reason="forgot it"
    )
    with pytest.raises(NotAuthenticated):
        sessions.principal_for_session(people, signed.token)
    assert sessions.sign_in(people, "bob", "a temporary password", "a").must_change_password
    entry = audit.listing(people, action="password.set", limit=1)[0]
    assert (entry.actor, entry.target, entry.reason) == ("root", "user bob", "forgot it")


def test_a_user_removed_from_the_directory_is_signed_out(people: Context, tmp_path: Path) -> None:
    signed = sessions.sign_in(people, "cy", PASSWORD, "a")
    path = tmp_path / "people.yaml"
    path.write_text("users:\n  ann: {licence: group}\n  bob: {licence: group}\n", "utf-8")
    directory.import_file(people, Bus(), path, by="root")
    with pytest.raises(NotAuthenticated, match="'cy' is not in the directory"):
        sessions.principal_for_session(people, signed.token)


def test_no_secret_reaches_a_log_record_or_the_audit_log(
    people: Context, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    signed = sessions.sign_in(people, "ann", PASSWORD, "a")
    fail(people, "ann", "a", 5)
    with pytest.raises(TooManyAttempts):
        sessions.sign_in(people, "ann", PASSWORD, "a")
    auth.set_password(people, ROOT, "bob", "bob's second password", reason="reset")
    _, secret = tokens.create_token(people, ROOT, "cy", "ci", None)
    tokens.principal_for_token(people, secret)
    made = bootstrap.ensure_administrator(people, environ={})
    assert made is not None and made.password is not None
    with people.db.connect() as conn:
        hashes = list(conn.execute(select(credentials.c.password_hash)).scalars())
        logged = repr([dict(r._mapping) for r in conn.execute(select(audit_rows))])
    records = "\n".join(f"{r.getMessage()} {r.args!r} {r.__dict__}" for r in caplog.records)
    assert caplog.records  # sign-ins and the first administrator are logged
    secrets = [
        PASSWORD,
        "wrong password",
        "bob's second password",
        made.password,
        secret,
        secret.removeprefix("opas_"),
        signed.token,
        signed.csrf,
        *hashes,
    ]
    for text in secrets:
        assert text not in records
        assert text not in logged
    assert len(hashes) == 4


def test_an_audit_detail_that_names_a_secret_is_refused(ctx: Context, clock: Clock) -> None:
    with ctx.db.begin() as conn, pytest.raises(ValueError, match="must not hold secrets"):
        audit.record(conn, "root", "x.y", "t", detail={"password": "p"}, at=clock.now)
    assert audit.listing(ctx) == []


def test_principals_come_from_the_directory(people: Context) -> None:
    directory.add_user(people, Bus(), User("dee", licence=Licence.MONITOR, administrator=True))
    assert auth.principal_for(people, "dee") == Principal(
        "dee", Licence.MONITOR, True, frozenset(), frozenset()
    )
    with pytest.raises(NotAuthenticated, match="'zed' is not in the directory"):
        auth.principal_for(people, "zed")
