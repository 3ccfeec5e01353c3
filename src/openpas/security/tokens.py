"""API tokens: secrets for programs, shown once, stored as SHA-256 digests.

A user creates tokens for themselves; an administrator creates them for
anyone. A token's secret is ``opas_`` and 32 random bytes (URL-safe), so it is
easy to recognise in a leaked file. Tokens are listed without their secrets,
revoked by their owner or an administrator, and stop working when they expire,
are revoked, or their user leaves the directory. Creating and revoking are
recorded in the audit log.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from openpas.directory import service as directory
from openpas.security import audit, auth
from openpas.security.identity import NotAuthenticated
from openpas.security.principal import Principal
from openpas.security.rights import NotAllowed
from openpas.security.sessions import TOKEN_BYTES, digest
from openpas.service.context import Context
from openpas.service.flows import NotFound
from openpas.store import security_auth as store
from openpas.store.security_auth import TokenRecord

PREFIX = "opas_"
MAX_NAME = 200
_SHAPE = re.compile(r"opas_[A-Za-z0-9_-]{43}")
_INVALID = "the API token is unknown, expired or revoked"
_TOUCH_EVERY = dt.timedelta(minutes=1)
"""Last-used is written at most this often, so that busy programs do not write every call."""
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}

__all__ = [
    "PREFIX",
    "TokenRecord",
    "create_token",
    "list_tokens",
    "parse_lifetime",
    "principal_for_token",
    "revoke_token",
]


def parse_lifetime(text: str) -> dt.timedelta | None:
    """``30d``, ``12h``, ``90m``, ``2w`` or ``never`` (None) as a lifetime.

    Raises:
        ValueError: the text is none of these; the message shows the forms.
    """
    cleaned = text.strip().lower()
    if cleaned == "never":
        return None
    match = re.fullmatch(r"(\d{1,6})\s*([smhdw])", cleaned)
    if match is None or int(match.group(1)) == 0:
        raise ValueError(
            f"the lifetime {text!r} is not a positive number followed by s, m, h, d or w "
            "(30d, 12h, 2w) or 'never'"
        )
    return dt.timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def create_token(
    ctx: Context,
    actor: Principal,
    user: str,
    name: str,
    expires_in: dt.timedelta | None,
) -> tuple[int, str]:
    """Create an API token for ``user``: (its id, its secret).

    The secret is returned this once and never stored; show it to the person
    and forget it.

    Raises:
        NotAllowed: ``actor`` is neither ``user`` nor an administrator.
        NotFound: the directory has no such user.
        ValueError: the name is empty or too long, or the lifetime is not positive.
    """
    _may_manage(actor, user, "create an API token for")
    label = name.strip() if isinstance(name, str) else ""
    if not label or len(label) > MAX_NAME or not label.isprintable():
        raise ValueError(
            f"the token name {name!r} must be printable text of 1 to {MAX_NAME} characters"
        )
    if expires_in is not None and expires_in <= dt.timedelta(0):
        raise ValueError(f"the token's lifetime is {expires_in}; expected a positive time")
    directory.snapshot(ctx).user(user)  # NotFound, with a close name
    secret = PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    now = ctx.clock()
    expires_at = None if expires_in is None else now + expires_in
    with ctx.db.begin() as conn:
        token_id = store.add_token(
            conn,
            user=user,
            name=label,
            digest=digest(secret),
            now=now,
            created_by=actor.user,
            expires_at=expires_at,
        )
        audit.record(
            conn,
            actor,
            "token.create",
            f"token #{token_id} of {user}",
            None,
            {"name": label, "expires_at": expires_at.isoformat() if expires_at else None},
            at=now,
        )
    return token_id, secret


def list_tokens(ctx: Context, actor: Principal, user: str | None = None) -> list[TokenRecord]:
    """The tokens of ``user`` (everyone's for an administrator when None), without secrets.

    Raises:
        NotAllowed: a user who is not an administrator asks for someone else's tokens.
    """
    if user is None and not actor.administrator:
        user = actor.user
    if user is not None:
        _may_manage(actor, user, "list the API tokens of")
    with ctx.read() as conn:
        return store.tokens_of(conn, user)


def revoke_token(
    ctx: Context, actor: Principal, token_id: int, reason: str | None = None
) -> TokenRecord:
    """Revoke a token now (its owner or an administrator; audited); the token as it was.

    Revoking a revoked token changes nothing and records nothing.

    Raises:
        NotFound: no token has that id (also told to those who may not see it).
        NotAllowed: ``actor`` neither owns the token nor is an administrator.
    """
    now = ctx.clock()
    with ctx.db.begin() as conn:
        found = store.token(conn, token_id)
        if found is None or (found.user != actor.user and not actor.administrator):
            # Whether someone else's token exists is none of a user's business.
            raise NotFound(f"there is no API token #{token_id} of yours")
        if store.revoke_token(conn, token_id, now):
            audit.record(
                conn,
                actor,
                "token.revoke",
                f"token #{token_id} of {found.user}",
                reason,
                {"name": found.name},
                at=now,
            )
    return found


def principal_for_token(ctx: Context, secret: object) -> Principal:
    """Who the API token ``secret`` belongs to; its last use is recorded.

    Raises:
        NotAuthenticated: the secret is not a live token's (whatever the reason).
    """
    if not isinstance(secret, str) or _SHAPE.fullmatch(secret) is None:
        raise NotAuthenticated(_INVALID)
    now = ctx.clock()
    with ctx.read() as conn:
        found = store.token_by_digest(conn, digest(secret))
    if (
        found is None
        or found.revoked_at is not None
        or (found.expires_at is not None and now >= found.expires_at)
    ):
        raise NotAuthenticated(_INVALID)
    if found.last_used_at is None or now - found.last_used_at >= _TOUCH_EVERY:
        with ctx.db.begin() as conn:
            store.touch_token(conn, found.id, now)
    return auth.principal_for(ctx, found.user)


def _may_manage(actor: Principal, user: str, what: str) -> None:
    if actor.user != user and not actor.administrator:
        raise NotAllowed(
            actor.user,
            "administrator",
            user,
            f"{actor.user} may not {what} {user}: only the user themselves or an administrator may",
        )
