"""Browser sessions: a random token in a cookie, a CSRF token in the pages' forms.

Both are 32 random bytes, URL-safe; the database keeps only their SHA-256
digests, so a copy of the database signs nobody in. A session ends after
``idle`` without a request (30 minutes) or ``lifetime`` after sign-in (12
hours), when revoked (sign-out, a password change), or when its user leaves
the directory. Every problem with a token — unknown, expired, revoked,
tampered with, of another kind, empty — is the same :class:`NotAuthenticated`.

The web layer sets the cookie with :data:`COOKIE_NAME` and the ``COOKIE_*``
settings below, and sends the CSRF token back in :data:`CSRF_HEADER` (or the
form field :data:`CSRF_FIELD`) with every request that changes something.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from openpas.security import auth
from openpas.security.identity import Identity, NotAuthenticated, PasswordIdentity
from openpas.security.principal import Principal
from openpas.service.context import Context
from openpas.store import security_auth as store

COOKIE_NAME = "openpas_session"
COOKIE_SECURE = True
"""Sent over HTTPS only (a development server on plain HTTP localhost may turn it off)."""
COOKIE_HTTPONLY = True
"""Out of reach of scripts in the page."""
COOKIE_SAMESITE = "lax"
"""Not sent with cross-site POSTs; the CSRF token covers the rest."""
COOKIE_PATH = "/"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"

TOKEN_BYTES = 32
_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")  # 32 bytes, URL-safe base64 without padding
_INVALID = "the session is unknown, expired or revoked; sign in again"
_TOUCH_EVERY = dt.timedelta(seconds=30)
"""Seen-at is written at most this often, so that reading pages does not write every time."""


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session lives: ``idle`` without requests, ``lifetime`` at most."""

    idle: dt.timedelta = dt.timedelta(minutes=30)
    lifetime: dt.timedelta = dt.timedelta(hours=12)

    def __post_init__(self) -> None:
        if self.idle <= dt.timedelta(0) or self.lifetime <= dt.timedelta(0):
            raise ValueError(
                f"a session's idle timeout ({self.idle}) and lifetime ({self.lifetime}) "
                "must be positive"
            )


@dataclass(frozen=True)
class SignedIn:
    """A successful sign-in: who, the session cookie's value and the CSRF token."""

    principal: Principal
    token: str
    csrf: str
    must_change_password: bool


def digest(token: str) -> str:
    """The SHA-256 digest (hex) stored for a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def sign_in(
    ctx: Context,
    user: str,
    secret: str,
    address: str,
    *,
    identity: Identity | None = None,
    policy: SessionPolicy | None = None,
) -> SignedIn:
    """Check a user's secret (a password by default) and open a session.

    Raises:
        NotAuthenticated: the user name or secret is wrong, or the user is not
            in the directory; ``TooManyAttempts`` after too many failures.
    """
    name = (identity or PasswordIdentity(ctx)).authenticate(user, secret, address)
    principal = auth.principal_for(ctx, name)
    token, csrf = create_session(ctx, name, address, policy)
    return SignedIn(principal, token, csrf, auth.must_change_password(ctx, name))


def create_session(
    ctx: Context, user: str, address: str | None = None, policy: SessionPolicy | None = None
) -> tuple[str, str]:
    """Open a session for ``user`` (already authenticated): (session token, CSRF token).

    Show both to the browser only: the session token in the cookie, the CSRF
    token in the pages.
    """
    chosen = policy or SessionPolicy()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    csrf = secrets.token_urlsafe(TOKEN_BYTES)
    now = ctx.clock()
    with ctx.db.begin() as conn:
        store.add_session(
            conn,
            digest=digest(token),
            user=user,
            csrf_digest=digest(csrf),
            now=now,
            expires_at=now + chosen.lifetime,
            address=address[:100] if address else None,
        )
    return token, csrf


def principal_for_session(
    ctx: Context, token: object, policy: SessionPolicy | None = None
) -> Principal:
    """Who the session ``token`` belongs to; the session counts as used now.

    Raises:
        NotAuthenticated: the token is not a live session's (whatever the reason).
    """
    chosen = policy or SessionPolicy()
    now = ctx.clock()
    found = _live(ctx, token, chosen, now)
    if now - found.last_seen_at >= _TOUCH_EVERY:
        with ctx.db.begin() as conn:
            store.touch_session(conn, found.digest, now)
    return auth.principal_for(ctx, found.user)


def check_csrf(
    ctx: Context, session_token: object, csrf: object, policy: SessionPolicy | None = None
) -> None:
    """Check that ``csrf`` is the CSRF token of the live session ``session_token``.

    The comparison takes the same time however much of the token is right.

    Raises:
        NotAuthenticated: the session is not live, or the CSRF token is not its own.
    """
    found = _live(ctx, session_token, policy or SessionPolicy(), ctx.clock())
    given = digest(csrf) if isinstance(csrf, str) else ""
    if not hmac.compare_digest(given, found.csrf_digest):
        raise NotAuthenticated(
            "the form's CSRF token does not belong to this session; reload the page and retry"
        )


def revoke_session(ctx: Context, token: object) -> bool:
    """Sign out: the session ends now; whether it was live."""
    if not _well_formed(token):
        return False
    assert isinstance(token, str)
    with ctx.db.begin() as conn:
        return store.revoke_session(conn, digest(token), ctx.clock())


def revoke_all_sessions(ctx: Context, user: str) -> int:
    """End every session of ``user`` (on a password change); how many were live."""
    with ctx.db.begin() as conn:
        return store.revoke_sessions_of(conn, user, ctx.clock())


def _well_formed(token: object) -> bool:
    return isinstance(token, str) and _SHAPE.fullmatch(token) is not None


def _live(
    ctx: Context, token: object, policy: SessionPolicy, now: dt.datetime
) -> store.SessionRecord:
    if not _well_formed(token):
        raise NotAuthenticated(_INVALID)
    assert isinstance(token, str)
    with ctx.read() as conn:
        found = store.session(conn, digest(token))
    if (
        found is None
        or found.revoked_at is not None
        or now >= found.expires_at
        or now >= found.created_at + policy.lifetime
        or now - found.last_seen_at >= policy.idle
    ):
        raise NotAuthenticated(_INVALID)
    return found
