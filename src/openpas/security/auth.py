"""From a proven user name to a :class:`Principal`, and changing passwords.

Adapters authenticate a caller (a session cookie, an API token, a password, or
the local command line) and get a principal here; services take that
principal. A user removed from the directory keeps no access: their sessions
and tokens stop working at the next request.
"""

from __future__ import annotations

import logging

from openpas.directory import service as directory
from openpas.directory.errors import NotFound
from openpas.directory.model import Licence
from openpas.security import audit, passwords
from openpas.security.identity import NotAuthenticated, PasswordIdentity
from openpas.security.principal import Principal, principal_of
from openpas.security.rights import NotAllowed
from openpas.service.context import Context
from openpas.store import security_auth as store

log = logging.getLogger(__name__)


def principal_for(ctx: Context, user: str) -> Principal:
    """The principal of ``user`` as the directory is now.

    Raises:
        NotAuthenticated: no such user (any more).
    """
    try:
        return principal_of(directory.snapshot(ctx), user)
    except NotFound:
        raise NotAuthenticated(f"the user {user!r} is not in the directory") from None


def local_operator(user: str) -> Principal:
    """The principal of whoever runs the command line on the server's data.

    Who can open the data folder or the database URL can change the data
    anyway; the command line acts as an administrator, named for the audit log.
    """
    return Principal(
        user=user,
        licence=Licence.DESIGNER,
        administrator=True,
        workgroups=frozenset(),
        roles=frozenset(),
    )


def must_change_password(ctx: Context, user: str) -> bool:
    """Whether ``user`` signs in with a one-time password they must replace first."""
    with ctx.read() as conn:
        found = store.credential(conn, user)
    return found is not None and found.must_change


def change_password(ctx: Context, user: str, old: str, new: str, address: str = "local") -> int:
    """``user`` replaces their password (``old`` is checked, with rate limiting).

    Every session of the user is revoked (sign in again); API tokens stay.
    Returns how many sessions were revoked.

    Raises:
        NotAuthenticated: ``old`` is wrong (TooManyAttempts after many tries).
        WeakPassword: ``new`` is too short or too long, or is the same as ``old``.
    """
    passwords.check_new_password(new, user)
    PasswordIdentity(ctx).authenticate(user, old, address)
    if new == old:
        raise passwords.WeakPassword("the new password is the same as the old one")
    return _store(ctx, user, user, new, must_change=False, action="password.change", reason=None)


def set_password(
    ctx: Context,
    actor: Principal,
    user: str,
    new: str,
    *,
    must_change: bool = False,
    reason: str | None = None,
) -> int:
    """An administrator sets ``user``'s password (audited); their sessions are revoked.

    Returns how many sessions were revoked.

    Raises:
        NotAllowed: ``actor`` is not an administrator.
        NotFound: the directory has no such user.
        WeakPassword: ``new`` is not acceptable.
    """
    if not actor.administrator:
        raise NotAllowed(
            actor.user,
            "administrator",
            user,
            f"{actor.user} is not an administrator; only administrators set other "
            "users' passwords (change your own with your old password)",
        )
    passwords.check_new_password(new, user)
    directory.snapshot(ctx).user(user)  # NotFound, with a close name, when there is none
    return _store(
        ctx, actor.user, user, new, must_change=must_change, action="password.set", reason=reason
    )


def _store(
    ctx: Context,
    actor: str,
    user: str,
    new: str,
    *,
    must_change: bool,
    action: str,
    reason: str | None,
) -> int:
    hashed = passwords.hash_password(new)
    now = ctx.clock()
    with ctx.db.begin() as conn:
        store.set_credential(conn, user, hashed, must_change, now)
        revoked = store.revoke_sessions_of(conn, user, now)
        audit.record(
            conn,
            actor,
            action,
            f"user {user}",
            reason,
            {"must_change": must_change, "sessions_revoked": revoked},
            at=now,
        )
    log.info("password of %r changed by %r; %d sessions revoked", user, actor, revoked)
    return revoked
