"""The stored side of signing in: password hashes, browser sessions, API tokens, attempts.

Every function takes the caller's connection and never commits. Secrets never
reach this module: it sees Argon2 hashes of passwords and SHA-256 digests of
session, CSRF and API tokens only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from openpas.store.clock import aware
from openpas.store.schema_directory import users
from openpas.store.schema_security import credentials, login_attempts, sessions, tokens


@dataclass(frozen=True)
class CredentialRecord:
    """A user's password hash (never shown to anyone) and whether it must be changed."""

    user: str
    password_hash: str
    must_change: bool
    changed_at: dt.datetime


@dataclass(frozen=True)
class SessionRecord:
    """One browser session, found by the digest of its token."""

    digest: str
    user: str
    csrf_digest: str
    created_at: dt.datetime
    expires_at: dt.datetime
    last_seen_at: dt.datetime
    revoked_at: dt.datetime | None
    address: str | None


@dataclass(frozen=True)
class TokenRecord:
    """One API token, without its secret."""

    id: int
    user: str
    name: str
    created_at: dt.datetime
    created_by: str
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


# ------------------------------------------------------------------ credentials


def credential(conn: Connection, user: str) -> CredentialRecord | None:
    row = conn.execute(select(credentials).where(credentials.c.user_name == user)).first()
    if row is None:
        return None
    return CredentialRecord(
        row.user_name, row.password_hash, bool(row.must_change), aware(row.changed_at)
    )


def set_credential(
    conn: Connection, user: str, password_hash: str, must_change: bool, now: dt.datetime
) -> None:
    """Store ``user``'s password hash, replacing any earlier one."""
    values = {"password_hash": password_hash, "must_change": must_change, "changed_at": now}
    done = conn.execute(update(credentials).where(credentials.c.user_name == user), values)
    if done.rowcount == 0:
        conn.execute(insert(credentials), {"user_name": user, **values})


def add_credential(
    conn: Connection, user: str, password_hash: str, must_change: bool, now: dt.datetime
) -> bool:
    """Store a first password for ``user``; False when another process stored one first."""
    values = {"password_hash": password_hash, "must_change": must_change, "changed_at": now}
    try:
        with conn.begin_nested():
            conn.execute(insert(credentials), {"user_name": user, **values})
    except IntegrityError:
        return False
    return True


def replace_hash(conn: Connection, user: str, old_hash: str, new_hash: str) -> bool:
    """Compare-and-set a rehashed password (same password, new parameters)."""
    done = conn.execute(
        update(credentials)
        .where(credentials.c.user_name == user, credentials.c.password_hash == old_hash)
        .values(password_hash=new_hash)
    )
    return bool(done.rowcount)


def administrators_with_password(conn: Connection) -> list[str]:
    """Users of the directory who are administrators and can sign in with a password."""
    query = (
        select(users.c.name)
        .join(credentials, credentials.c.user_name == users.c.name)
        .where(users.c.administrator.is_(True))
        .order_by(users.c.name)
    )
    return list(conn.execute(query).scalars())


# ------------------------------------------------------------------ sessions


def add_session(
    conn: Connection,
    *,
    digest: str,
    user: str,
    csrf_digest: str,
    now: dt.datetime,
    expires_at: dt.datetime,
    address: str | None,
) -> None:
    conn.execute(
        insert(sessions),
        {
            "digest": digest,
            "user_name": user,
            "csrf_digest": csrf_digest,
            "created_at": now,
            "expires_at": expires_at,
            "last_seen_at": now,
            "address": address,
        },
    )


def session(conn: Connection, digest: str) -> SessionRecord | None:
    row = conn.execute(select(sessions).where(sessions.c.digest == digest)).first()
    if row is None:
        return None
    return SessionRecord(
        row.digest,
        row.user_name,
        row.csrf_digest,
        aware(row.created_at),
        aware(row.expires_at),
        aware(row.last_seen_at),
        aware(row.revoked_at),
        row.address,
    )


def touch_session(conn: Connection, digest: str, now: dt.datetime) -> None:
    conn.execute(
        update(sessions)
        .where(sessions.c.digest == digest, sessions.c.last_seen_at < now)
        .values(last_seen_at=now)
    )


def revoke_session(conn: Connection, digest: str, now: dt.datetime) -> bool:
    """Revoke one session; whether it was live."""
    done = conn.execute(
        update(sessions)
        .where(sessions.c.digest == digest, sessions.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return bool(done.rowcount)


def revoke_sessions_of(conn: Connection, user: str, now: dt.datetime) -> int:
    """Revoke every live session of ``user``; how many."""
    done = conn.execute(
        update(sessions)
        .where(sessions.c.user_name == user, sessions.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(done.rowcount)


def forget_sessions(conn: Connection, before: dt.datetime) -> int:
    """Delete sessions that ended (expired or revoked) before ``before``."""
    done = conn.execute(
        delete(sessions).where((sessions.c.expires_at < before) | (sessions.c.revoked_at < before))
    )
    return int(done.rowcount)


# ------------------------------------------------------------------ API tokens


def add_token(
    conn: Connection,
    *,
    user: str,
    name: str,
    digest: str,
    now: dt.datetime,
    created_by: str,
    expires_at: dt.datetime | None,
) -> int:
    done = conn.execute(
        insert(tokens).returning(tokens.c.id),
        {
            "user_name": user,
            "name": name,
            "digest": digest,
            "created_at": now,
            "created_by": created_by,
            "expires_at": expires_at,
        },
    )
    return int(done.scalar_one())


def _token(row: Any) -> TokenRecord:
    return TokenRecord(
        int(row.id),
        row.user_name,
        row.name,
        aware(row.created_at),
        row.created_by,
        aware(row.expires_at),
        aware(row.revoked_at),
        aware(row.last_used_at),
    )


def token(conn: Connection, token_id: int) -> TokenRecord | None:
    row = conn.execute(select(tokens).where(tokens.c.id == token_id)).first()
    return None if row is None else _token(row)


def token_by_digest(conn: Connection, digest: str) -> TokenRecord | None:
    row = conn.execute(select(tokens).where(tokens.c.digest == digest)).first()
    return None if row is None else _token(row)


def tokens_of(conn: Connection, user: str | None = None) -> list[TokenRecord]:
    """The tokens of ``user`` (everyone's when None), oldest first."""
    query = select(tokens).order_by(tokens.c.id)
    if user is not None:
        query = query.where(tokens.c.user_name == user)
    return [_token(row) for row in conn.execute(query)]


def revoke_token(conn: Connection, token_id: int, now: dt.datetime) -> bool:
    """Revoke one token; whether it was live."""
    done = conn.execute(
        update(tokens)
        .where(tokens.c.id == token_id, tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return bool(done.rowcount)


def touch_token(conn: Connection, token_id: int, now: dt.datetime) -> None:
    conn.execute(update(tokens).where(tokens.c.id == token_id).values(last_used_at=now))


# ------------------------------------------------------------------ sign-in attempts


def add_attempt(conn: Connection, user: str, address: str, now: dt.datetime, success: bool) -> None:
    conn.execute(
        insert(login_attempts),
        {"user_name": user, "address": address, "at": now, "success": success},
    )


def failures_of_user(
    conn: Connection, user: str, since: dt.datetime
) -> tuple[int, dt.datetime | None]:
    """Failed sign-ins as ``user`` since ``since`` and after the user's last success:
    how many, and the latest."""
    # By id, not time: a failure in the same instant as a success still counts.
    last_success = (
        select(func.max(login_attempts.c.id))
        .where(login_attempts.c.user_name == user, login_attempts.c.success.is_(True))
        .scalar_subquery()
    )
    query = select(func.count(), func.max(login_attempts.c.at)).where(
        login_attempts.c.user_name == user,
        login_attempts.c.success.is_(False),
        login_attempts.c.at >= since,
        and_(last_success.is_(None) | (login_attempts.c.id > last_success)),
    )
    count, last = conn.execute(query).one()
    return int(count), aware(last)


def failures_from_address(
    conn: Connection, address: str, since: dt.datetime
) -> tuple[int, dt.datetime | None]:
    """Failed sign-ins from ``address`` since ``since`` (successes do not count them off)."""
    query = select(func.count(), func.max(login_attempts.c.at)).where(
        login_attempts.c.address == address,
        login_attempts.c.success.is_(False),
        login_attempts.c.at >= since,
    )
    count, last = conn.execute(query).one()
    return int(count), aware(last)


def forget_attempts(conn: Connection, user: str, before: dt.datetime) -> None:
    """Delete ``user``'s attempts older than ``before`` (they no longer count)."""
    conn.execute(
        delete(login_attempts).where(
            login_attempts.c.user_name == user, login_attempts.c.at < before
        )
    )
