"""Who someone is: identity providers turn a user name and a secret into a user name.

The services never see how a person proved who they are: an :class:`Identity`
answers with the user's login or raises :class:`NotAuthenticated`. openpas has
one provider, :class:`PasswordIdentity` (Argon2id hashes in the database, with
rate limiting of failed sign-ins); an OIDC provider can be added beside it
without touching the services.

Rate limiting is kept in ``security_login_attempts``, so every server process
on one database counts the same failures. After ``per_user`` failures for one
user name (counted since that user's last success) or ``per_address`` failures
from one address (a success does not count those off) within ``window``, the
provider refuses, without looking at the password, until a delay has passed;
the delay doubles with each failure past the limit, up to ``max_delay``.
Refused attempts are not counted, so a stranger guessing cannot lock a user
out for longer than ``max_delay``.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Protocol

from openpas.errors import OpenpasError
from openpas.security import passwords
from openpas.service.context import Context
from openpas.store import security_auth as store

log = logging.getLogger(__name__)

WRONG = "the user name or password is wrong"
MAX_FIELD = 100  # the width of the user and address columns


class NotAuthenticated(OpenpasError):
    """Sign in first: the credentials are missing, wrong, expired or revoked."""


class TooManyAttempts(NotAuthenticated):
    """Too many failed sign-ins; wait before trying again."""

    def __init__(self, retry_at: dt.datetime, now: dt.datetime) -> None:
        self.retry_at = retry_at
        wait = max(1, int((retry_at - now).total_seconds() + 0.999))
        super().__init__(
            "too many failed sign-ins for this user or from this address; try again at "
            f"{retry_at.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC (in {_spell(wait)})"
        )

    @property
    def retry_after(self) -> dt.datetime:
        """When a new attempt will be looked at (for an HTTP ``Retry-After``)."""
        return self.retry_at


class Identity(Protocol):
    """A way of proving who one is (passwords now; OIDC later)."""

    def authenticate(self, user: str, secret: str, address: str) -> str:
        """The login of the user ``secret`` proves ``user`` to be.

        Raises:
            NotAuthenticated: the secret does not prove it (or ``TooManyAttempts``).
        """
        ...


@dataclass(frozen=True)
class Limits:
    """How many failed sign-ins are tolerated, and for how long one then waits."""

    per_user: int = 5
    per_address: int = 20
    window: dt.timedelta = dt.timedelta(minutes=15)
    delay: dt.timedelta = dt.timedelta(minutes=1)
    max_delay: dt.timedelta = dt.timedelta(minutes=15)

    def __post_init__(self) -> None:
        for name in ("per_user", "per_address"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"Limits.{name} is {value!r}; expected a whole number from 1")
        for name in ("window", "delay", "max_delay"):
            if getattr(self, name) <= dt.timedelta(0):
                raise ValueError(
                    f"Limits.{name} is {getattr(self, name)}; expected a positive time"
                )

    def wait_after(self, failures: int, limit: int) -> dt.timedelta:
        """How long to refuse after the latest of ``failures`` (0 below the limit)."""
        if failures < limit:
            return dt.timedelta(0)
        return min(self.max_delay, self.delay * (1 << min(failures - limit, 30)))


class PasswordIdentity:
    """Passwords stored as Argon2id hashes, with failed sign-ins rate limited."""

    def __init__(self, ctx: Context, limits: Limits | None = None) -> None:
        self.ctx = ctx
        self.limits = limits or Limits()

    def authenticate(self, user: str, secret: str, address: str) -> str:
        """``user`` when ``secret`` is their password.

        An unknown user and a wrong password give the same message and take the
        same time (a dummy hash is verified).

        Raises:
            TooManyAttempts: too many recent failures; the message says when to retry.
            NotAuthenticated: the user name or password is wrong.
        """
        name = user.strip() if isinstance(user, str) else ""
        name = name[:MAX_FIELD]
        where = (address or "unknown")[:MAX_FIELD]
        now = self.ctx.clock()
        self.check_allowed(name, where, now)
        found = None
        if name:
            with self.ctx.read() as conn:
                found = store.credential(conn, name)
        if found is None:
            passwords.verify_nothing(secret)
            ok = False
        else:
            ok = passwords.verify_password(found.password_hash, secret)
        with self.ctx.db.begin() as conn:
            store.add_attempt(conn, name, where, now, ok)
            store.forget_attempts(conn, name, now - max(self.limits.window, dt.timedelta(days=1)))
            if ok and found is not None and passwords.needs_rehash(found.password_hash):
                store.replace_hash(conn, name, found.password_hash, passwords.HASHER.hash(secret))
        if not ok:
            log.info(
                "sign-in refused for user %r from %s: wrong user name or password", name, where
            )
            raise NotAuthenticated(WRONG)
        return name

    def check_allowed(self, user: str, address: str, now: dt.datetime) -> None:
        """Raise :class:`TooManyAttempts` when ``user`` or ``address`` must wait now."""
        since = now - self.limits.window
        with self.ctx.read() as conn:
            by_user, last_user = store.failures_of_user(conn, user, since)
            by_address, last_address = store.failures_from_address(conn, address, since)
        retry_at = None
        for count, last, limit in (
            (by_user, last_user, self.limits.per_user),
            (by_address, last_address, self.limits.per_address),
        ):
            wait = self.limits.wait_after(count, limit)
            if last is not None and wait and last + wait > now:
                retry_at = max(retry_at or now, last + wait)
        if retry_at is not None:
            log.warning(
                "sign-in refused for user %r from %s until %s: too many failures",
                user,
                address,
                retry_at.isoformat(),
            )
            raise TooManyAttempts(retry_at, now)


def _spell(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} seconds"
    return f"{(seconds + 59) // 60} minutes"
