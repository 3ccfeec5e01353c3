"""Browser sessions: tokens stored as digests, idle and absolute expiry, revocation,
tampering, and CSRF tokens — with a clock the tests move."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from openpas.directory.model import Licence
from openpas.security import sessions
from openpas.security.identity import NotAuthenticated
from openpas.security.sessions import SessionPolicy
from openpas.service.context import Context
from openpas.store.schema_security import sessions as session_rows

from .auth_support import clock_of, security_context


@pytest.fixture
def ctx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Context]:
    with security_context(tmp_path, monkeypatch) as made:
        yield made


def test_a_session_gives_the_users_principal_and_stores_only_digests(ctx: Context) -> None:
    token, csrf = sessions.create_session(ctx, "bob", "10.0.0.9")
    assert len(token) == len(csrf) == 43 and token != csrf
    principal = sessions.principal_for_session(ctx, token)
    assert (principal.user, principal.licence, principal.administrator) == (
        "bob",
        Licence.GROUP,
        False,
    )
    with ctx.db.connect() as conn:
        stored = [dict(r._mapping) for r in conn.execute(select(session_rows))]
    assert len(stored) == 1
    text = repr(stored)
    assert token not in text and csrf not in text
    assert stored[0]["digest"] == sessions.digest(token)
    assert stored[0]["address"] == "10.0.0.9"


def test_the_cookie_settings_the_web_layer_must_use() -> None:
    assert sessions.COOKIE_SECURE is True
    assert sessions.COOKIE_HTTPONLY is True
    assert sessions.COOKIE_SAMESITE == "lax"
    assert sessions.COOKIE_PATH == "/"


def test_a_session_ends_after_thirty_idle_minutes(ctx: Context) -> None:
    token, _ = sessions.create_session(ctx, "ann")
    clock = clock_of(ctx)
    clock.advance(minutes=29)
    assert sessions.principal_for_session(ctx, token).user == "ann"
    clock.advance(minutes=29)  # 58 minutes after sign-in, 29 after the last request
    assert sessions.principal_for_session(ctx, token).user == "ann"
    clock.advance(minutes=30)
    with pytest.raises(NotAuthenticated, match="sign in again"):
        sessions.principal_for_session(ctx, token)


def test_a_busy_session_still_ends_twelve_hours_after_sign_in(ctx: Context) -> None:
    token, _ = sessions.create_session(ctx, "ann")
    clock = clock_of(ctx)
    for _ in range(35):  # 11 h 40 min, a request every 20 minutes
        clock.advance(minutes=20)
        sessions.principal_for_session(ctx, token)
    clock.advance(minutes=19)
    sessions.principal_for_session(ctx, token)
    clock.advance(minutes=1)
    with pytest.raises(NotAuthenticated):
        sessions.principal_for_session(ctx, token)


def test_the_idle_timeout_and_lifetime_can_be_chosen(ctx: Context) -> None:
    policy = SessionPolicy(idle=dt.timedelta(minutes=5), lifetime=dt.timedelta(hours=1))
    token, _ = sessions.create_session(ctx, "ann", policy=policy)
    clock_of(ctx).advance(minutes=4)
    assert sessions.principal_for_session(ctx, token, policy).user == "ann"
    clock_of(ctx).advance(minutes=5)
    with pytest.raises(NotAuthenticated):
        sessions.principal_for_session(ctx, token, policy)
    clock_of(ctx).advance(minutes=60)
    with pytest.raises(NotAuthenticated):  # an hour after sign-in, even by default idle time
        sessions.principal_for_session(ctx, token, SessionPolicy(lifetime=dt.timedelta(hours=1)))
    with pytest.raises(ValueError, match="must be positive"):
        SessionPolicy(idle=dt.timedelta(0))


def test_revoking_one_session_or_all_of_a_users(ctx: Context) -> None:
    first, _ = sessions.create_session(ctx, "ann")
    second, _ = sessions.create_session(ctx, "ann")
    others, _ = sessions.create_session(ctx, "bob")
    assert sessions.revoke_session(ctx, first)
    assert not sessions.revoke_session(ctx, first)
    with pytest.raises(NotAuthenticated):
        sessions.principal_for_session(ctx, first)
    assert sessions.principal_for_session(ctx, second).user == "ann"
    assert sessions.revoke_all_sessions(ctx, "ann") == 1
    with pytest.raises(NotAuthenticated):
        sessions.principal_for_session(ctx, second)
    assert sessions.principal_for_session(ctx, others).user == "bob"
    assert not sessions.revoke_session(ctx, "")


def _changed(token: str) -> str:
    middle = len(token) // 2
    return token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]


@pytest.mark.parametrize(
    "tamper",
    [
        _changed,
        lambda t: t[:-1],
        lambda t: t + "x",
        lambda t: t.upper(),
        lambda t: "opas_" + t,
        lambda t: "",
        lambda t: None,
        lambda t: 42,
        lambda t: b"bytes",
        lambda t: "é" * 43,
        lambda t: t + "\x00",
        lambda t: "x" * 100_000,
    ],
)
def test_a_tampered_token_is_not_authenticated_and_nothing_else(
    ctx: Context, tamper: object
) -> None:
    token, _ = sessions.create_session(ctx, "ann")
    assert callable(tamper)
    with pytest.raises(NotAuthenticated):
        sessions.principal_for_session(ctx, tamper(token))


def test_an_api_token_is_no_session(ctx: Context) -> None:
    from openpas.security import auth, tokens

    _, secret = tokens.create_token(ctx, auth.local_operator("root"), "ann", "ci", None)
    with pytest.raises(NotAuthenticated):
        sessions.principal_for_session(ctx, secret)
    with pytest.raises(NotAuthenticated):
        sessions.principal_for_session(ctx, secret.removeprefix("opas_"))


def test_the_csrf_token_must_be_the_sessions_own(ctx: Context) -> None:
    token, csrf = sessions.create_session(ctx, "ann")
    other_token, other_csrf = sessions.create_session(ctx, "ann")
    sessions.check_csrf(ctx, token, csrf)
    sessions.check_csrf(ctx, other_token, other_csrf)
    for wrong in (other_csrf, _changed(csrf), "", None, token, csrf + " "):
        with pytest.raises(NotAuthenticated, match="CSRF token does not belong"):
            sessions.check_csrf(ctx, token, wrong)
    with pytest.raises(NotAuthenticated, match="sign in again"):
        sessions.check_csrf(ctx, csrf, token)  # swapped
    sessions.revoke_session(ctx, token)
    with pytest.raises(NotAuthenticated, match="sign in again"):
        sessions.check_csrf(ctx, token, csrf)
