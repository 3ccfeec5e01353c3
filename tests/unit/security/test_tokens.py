"""API tokens: shown once, stored as digests, expiry, revocation, who may do what."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from openpas.directory.errors import NotFound as NoSuchUser
from openpas.directory.model import Licence
from openpas.security import audit, auth, sessions, tokens
from openpas.security.identity import NotAuthenticated
from openpas.security.principal import Principal
from openpas.security.rights import NotAllowed
from openpas.service.context import Context
from openpas.service.flows import NotFound
from openpas.store.schema_security import audit as audit_rows
from openpas.store.schema_security import tokens as token_rows

from .auth_support import T0, clock_of, security_context

ANN = Principal("ann", Licence.DIRECT, False, frozenset(), frozenset())
BOB = Principal("bob", Licence.GROUP, False, frozenset(), frozenset())
ROOT = auth.local_operator("root")
DAY = dt.timedelta(days=1)


@pytest.fixture
def ctx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Context]:
    with security_context(tmp_path, monkeypatch) as made:
        yield made


def test_a_token_is_shown_once_and_stored_as_a_digest(ctx: Context) -> None:
    token_id, secret = tokens.create_token(ctx, ANN, "ann", "my script", 30 * DAY)
    assert secret.startswith("opas_") and len(secret) == 48
    assert tokens.principal_for_token(ctx, secret).user == "ann"
    with ctx.db.connect() as conn:
        stored = [dict(r._mapping) for r in conn.execute(select(token_rows))]
        logged = [dict(r._mapping) for r in conn.execute(select(audit_rows))]
    assert secret not in repr(stored) and secret not in repr(logged)
    assert secret.removeprefix("opas_") not in repr(stored) + repr(logged)
    assert stored[0]["digest"] == sessions.digest(secret)
    (listed,) = tokens.list_tokens(ctx, ANN)
    assert (listed.id, listed.user, listed.name, listed.created_by) == (
        token_id,
        "ann",
        "my script",
        "ann",
    )
    assert listed.expires_at == T0 + 30 * DAY
    assert not hasattr(listed, "secret") and not hasattr(listed, "digest")


def test_the_last_use_is_recorded(ctx: Context) -> None:
    _, secret = tokens.create_token(ctx, ANN, "ann", "ci", None)
    assert tokens.list_tokens(ctx, ANN)[0].last_used_at is None
    clock_of(ctx).advance(hours=2)
    tokens.principal_for_token(ctx, secret)
    assert tokens.list_tokens(ctx, ANN)[0].last_used_at == T0 + dt.timedelta(hours=2)
    clock_of(ctx).advance(days=400)
    tokens.principal_for_token(ctx, secret)  # no expiry: it still works
    assert tokens.list_tokens(ctx, ANN)[0].last_used_at == clock_of(ctx).now


def test_a_token_stops_working_when_it_expires(ctx: Context) -> None:
    _, secret = tokens.create_token(ctx, ANN, "ann", "ci", dt.timedelta(hours=1))
    clock_of(ctx).advance(minutes=59)
    assert tokens.principal_for_token(ctx, secret).user == "ann"
    clock_of(ctx).advance(minutes=1)
    with pytest.raises(NotAuthenticated, match="unknown, expired or revoked"):
        tokens.principal_for_token(ctx, secret)


def test_the_owner_or_an_administrator_revokes_and_it_is_audited(ctx: Context) -> None:
    first, one = tokens.create_token(ctx, ANN, "ann", "one", None)
    second, two = tokens.create_token(ctx, ROOT, "ann", "two", None)
    with pytest.raises(NotFound, match=f"no API token #{first} of yours"):
        tokens.revoke_token(ctx, BOB, first)
    tokens.revoke_token(ctx, ANN, first, "not needed")
    tokens.revoke_token(ctx, ROOT, second, "leaked")
    for secret in (one, two):
        with pytest.raises(NotAuthenticated):
            tokens.principal_for_token(ctx, secret)
    assert tokens.revoke_token(ctx, ANN, first).revoked_at is not None  # again: nothing new
    entries = audit.listing(ctx, action="token.")
    assert [(e.actor, e.action, e.target, e.reason) for e in entries] == [
        ("root", "token.revoke", f"token #{second} of ann", "leaked"),
        ("ann", "token.revoke", f"token #{first} of ann", "not needed"),
        ("root", "token.create", f"token #{second} of ann", None),
        ("ann", "token.create", f"token #{first} of ann", None),
    ]
    with pytest.raises(NotFound):
        tokens.revoke_token(ctx, ROOT, 999)


def test_only_administrators_handle_other_users_tokens(ctx: Context) -> None:
    with pytest.raises(NotAllowed, match="ann may not create an API token for bob"):
        tokens.create_token(ctx, ANN, "bob", "x", None)
    tokens.create_token(ctx, ROOT, "bob", "for bob", None)
    tokens.create_token(ctx, ANN, "ann", "for ann", None)
    with pytest.raises(NotAllowed, match="ann may not list the API tokens of bob"):
        tokens.list_tokens(ctx, ANN, "bob")
    assert [t.name for t in tokens.list_tokens(ctx, ANN)] == ["for ann"]
    assert [t.name for t in tokens.list_tokens(ctx, ROOT)] == ["for bob", "for ann"]
    assert [t.name for t in tokens.list_tokens(ctx, ROOT, "bob")] == ["for bob"]
    with pytest.raises(NoSuchUser, match="no user named 'nobody'"):
        tokens.create_token(ctx, ROOT, "nobody", "x", None)


@pytest.mark.parametrize(
    ("name", "lifetime"), [("", None), ("  ", None), ("x" * 201, None), ("ok", -DAY)]
)
def test_a_token_needs_a_name_and_a_positive_lifetime(
    ctx: Context, name: str, lifetime: dt.timedelta | None
) -> None:
    with pytest.raises(ValueError, match="token"):
        tokens.create_token(ctx, ANN, "ann", name, lifetime)
    assert tokens.list_tokens(ctx, ANN) == []


def _changed(secret: str) -> str:
    at = len(secret) - 5
    return secret[:at] + ("A" if secret[at] != "A" else "B") + secret[at + 1 :]


@pytest.mark.parametrize(
    "tamper",
    [
        _changed,
        lambda s: s[:-1],
        lambda s: s.removeprefix("opas_"),
        lambda s: "opas_",
        lambda s: "",
        lambda s: None,
        lambda s: 7,
        lambda s: s + "\n",
    ],
)
def test_a_tampered_token_is_not_authenticated(ctx: Context, tamper: object) -> None:
    _, secret = tokens.create_token(ctx, ANN, "ann", "ci", None)
    assert callable(tamper)
    with pytest.raises(NotAuthenticated):
        tokens.principal_for_token(ctx, tamper(secret))


def test_a_session_token_is_no_api_token(ctx: Context) -> None:
    token, csrf = sessions.create_session(ctx, "ann")
    for given in (token, "opas_" + token, csrf):
        with pytest.raises(NotAuthenticated):
            tokens.principal_for_token(ctx, given)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30d", dt.timedelta(days=30)),
        ("12h", dt.timedelta(hours=12)),
        (" 2W ", dt.timedelta(weeks=2)),
        ("90m", dt.timedelta(minutes=90)),
        ("never", None),
    ],
)
def test_lifetimes_are_written_like_30d(text: str, expected: dt.timedelta | None) -> None:
    assert tokens.parse_lifetime(text) == expected


@pytest.mark.parametrize("text", ["", "30", "d", "0d", "-1d", "1y", "1.5d"])
def test_a_lifetime_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a positive number followed by s, m, h, d or w"):
        tokens.parse_lifetime(text)
