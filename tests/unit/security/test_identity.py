"""The password identity: right and wrong passwords, unknown users, rehashing, limits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from openpas.security import auth, passwords
from openpas.security.identity import (
    WRONG,
    Identity,
    Limits,
    NotAuthenticated,
    PasswordIdentity,
    TooManyAttempts,
)
from openpas.service.context import Context
from openpas.store import security_auth as store

from .auth_support import T0, security_context

PASSWORD = "ann's long password"


class Counting(PasswordHasher):
    """The cheap hasher, counting verifications."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verified += 1
        return super().verify(hash, password)


@pytest.fixture
def ctx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Context]:
    with security_context(tmp_path, monkeypatch) as made:
        auth.set_password(made, auth.local_operator("root"), "ann", PASSWORD)
        yield made


def test_the_right_password_gives_the_user_name(ctx: Context) -> None:
    identity: Identity = PasswordIdentity(ctx)
    assert identity.authenticate("ann", PASSWORD, "10.0.0.1") == "ann"
    assert identity.authenticate(" ann ", PASSWORD, "10.0.0.1") == "ann"


@pytest.mark.parametrize(
    ("user", "secret"),
    [
        ("ann", "wrong password"),
        ("ann", PASSWORD.upper()),
        ("ann", ""),
        ("nobody", PASSWORD),
        ("bob", PASSWORD),  # in the directory, without a password
        ("", PASSWORD),
        ("x" * 500, PASSWORD),
    ],
)
def test_unknown_users_and_wrong_passwords_look_the_same(
    ctx: Context, monkeypatch: pytest.MonkeyPatch, user: str, secret: str
) -> None:
    counting = Counting()
    monkeypatch.setattr(passwords, "HASHER", counting)
    passwords.verify_nothing("warm the dummy hash up")
    counting.verified = 0
    with pytest.raises(NotAuthenticated) as caught:
        PasswordIdentity(ctx).authenticate(user, secret, "10.0.0.1")
    assert caught.value.message == WRONG
    assert counting.verified == 1  # one Argon2 verification either way: the same time


def test_a_hash_with_old_parameters_is_replaced_at_the_next_sign_in(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    with ctx.db.begin() as conn:
        store.set_credential(conn, "ann", passwords.hash_password(PASSWORD, old), False, T0)
    PasswordIdentity(ctx).authenticate("ann", PASSWORD, "a")
    with ctx.read() as conn:
        found = store.credential(conn, "ann")
    assert found is not None
    assert not passwords.needs_rehash(found.password_hash)
    assert passwords.verify_password(found.password_hash, PASSWORD)
    assert PasswordIdentity(ctx).authenticate("ann", PASSWORD, "a") == "ann"


def test_the_delay_doubles_past_the_limit_up_to_the_maximum() -> None:
    limits = Limits(per_user=5, delay=dt.timedelta(minutes=1), max_delay=dt.timedelta(minutes=15))
    assert [limits.wait_after(n, 5).total_seconds() / 60 for n in range(3, 11)] == [
        0,
        0,
        1,
        2,
        4,
        8,
        15,
        15,
    ]
    assert limits.wait_after(10_000, 5) == dt.timedelta(minutes=15)


@pytest.mark.parametrize(
    "wrong",
    [
        {"per_user": 0},
        {"per_address": True},
        {"window": dt.timedelta(0)},
        {"delay": dt.timedelta(seconds=-1)},
    ],
)
def test_limits_check_themselves(wrong: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="Limits"):
        Limits(**wrong)  # type: ignore[arg-type]


def test_too_many_attempts_says_when_to_try_again() -> None:
    error = TooManyAttempts(T0 + dt.timedelta(seconds=90), T0)
    assert isinstance(error, NotAuthenticated)
    assert error.retry_after == T0 + dt.timedelta(seconds=90)
    assert error.message == (
        "too many failed sign-ins for this user or from this address; try again at "
        "2030-01-07 09:01:30 UTC (in 90 seconds)"
    )
    assert "(in 15 minutes)" in TooManyAttempts(T0 + dt.timedelta(minutes=15), T0).message
