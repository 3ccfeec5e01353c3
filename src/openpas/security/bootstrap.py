"""The first administrator: someone must be able to sign in on the very first start.

When no user of the directory is an administrator with a password, the server
creates the user ``admin`` (``designer`` licence, administrator) unless it
exists, and gives it a password: ``OPENPAS_ADMIN_PASSWORD`` when set (for
automated installations), else a generated one-time password that must be
changed at the first sign-in. The server prints a generated password once; it
is stored only as a hash and is never logged.

Several nodes starting at once on an empty database agree: one of them
creates the administrator, the others find it there.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass

from openpas.directory import service as directory
from openpas.directory.errors import InvalidEntry
from openpas.directory.model import Licence, User
from openpas.errors import OpenpasError
from openpas.events import Bus
from openpas.security import audit, passwords
from openpas.security.passwords import WeakPassword
from openpas.service.context import Context
from openpas.store import security_auth as store

log = logging.getLogger(__name__)

ADMIN = "admin"
PASSWORD_VARIABLE = "OPENPAS_ADMIN_PASSWORD"  # noqa: S105 (a variable's name, no password)


class NoAdministrator(OpenpasError):
    """The directory has no administrator who can sign in, and openpas cannot make one."""


@dataclass(frozen=True)
class FirstAdministrator:
    """The administrator created on this start.

    Attributes:
        user: the login (``admin``).
        password: the generated one-time password to show once; None when it
            came from ``OPENPAS_ADMIN_PASSWORD`` (the operator knows it).
        must_change: whether the password must be changed at the first sign-in.
    """

    user: str
    password: str | None
    must_change: bool

    def __repr__(self) -> str:  # never print the password by accident
        return f"FirstAdministrator(user={self.user!r}, must_change={self.must_change})"


def ensure_administrator(
    ctx: Context, bus: Bus | None = None, environ: Mapping[str, str] | None = None
) -> FirstAdministrator | None:
    """Create the first administrator when nobody can administer; None when someone can.

    Raises:
        WeakPassword: ``OPENPAS_ADMIN_PASSWORD`` is set but too short (the
            message names the variable, never the value).
        NoAdministrator: the user ``admin`` exists but is not an administrator.
    """
    env = os.environ if environ is None else environ
    with ctx.read() as conn:
        if store.administrators_with_password(conn):
            return None
    given = env.get(PASSWORD_VARIABLE)
    if given:
        try:
            passwords.check_new_password(given, ADMIN)
        except WeakPassword as exc:
            raise WeakPassword(f"{PASSWORD_VARIABLE}: {exc.message}") from None
    found = directory.snapshot(ctx).users.get(ADMIN)
    if found is None:
        # Another node may create it a moment before us: then it is there.
        with contextlib.suppress(InvalidEntry):
            directory.add_user(
                ctx,
                bus or Bus(),
                User(ADMIN, "Administrator", licence=Licence.DESIGNER, administrator=True),
                by=audit.SYSTEM,
                reason="the first start: no administrator could sign in",
            )
        found = directory.snapshot(ctx).users.get(ADMIN)
    if found is None or not found.administrator:
        raise NoAdministrator(
            f"no administrator of the directory has a password, and the user {ADMIN!r} is not "
            "an administrator; mark a user 'administrator: true' in the directory file, import "
            "it, and set their password with 'openpas password set USER'"
        )
    password = given or passwords.generate_password()
    must_change = not given
    now = ctx.clock()
    with ctx.db.begin() as conn:
        if not store.add_credential(
            conn, ADMIN, passwords.hash_password(password), must_change, now
        ):
            return None  # another node (or an operator) set it first
        audit.record(
            conn,
            None,
            "password.set",
            f"user {ADMIN}",
            "the first start: no administrator could sign in",
            {"must_change": must_change, "from_environment": bool(given)},
            at=now,
        )
    log.warning(
        "created the first administrator %r (%s)",
        ADMIN,
        f"password from {PASSWORD_VARIABLE}" if given else "one-time password printed once",
    )
    return FirstAdministrator(ADMIN, None if given else password, must_change)
