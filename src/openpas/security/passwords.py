"""Passwords: Argon2id hashes, their checks, and how strong a new password must be.

Nothing here logs, returns or stores a password; callers keep the hash in
``security_credentials`` and show it to nobody. The parameters are those
argon2-cffi recommends (RFC 9106, low memory); when they change, a hash made
with the old ones still verifies and :func:`needs_rehash` says so, so the next
successful sign-in stores a new one.
"""

from __future__ import annotations

import contextlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from openpas.errors import OpenpasError

MIN_LENGTH = 10
MAX_LENGTH = 1024
"""Longer texts are refused before hashing: nobody types them, and they only cost time."""

HASHER = PasswordHasher()
"""The hasher of this process (tests may replace it with cheaper parameters)."""

_dummy_hash: dict[str, str] = {}


class WeakPassword(OpenpasError, ValueError):
    """The new password is not acceptable."""


def check_new_password(password: object, user: str | None = None) -> str:
    """``password`` when it can be a new password.

    Raises:
        WeakPassword: it is not text, is shorter than 10 characters, longer than
            1024, or is the user's own name. The message never repeats it.
    """
    if not isinstance(password, str):
        raise WeakPassword(f"a password must be text, got {type(password).__name__}")
    if len(password) < MIN_LENGTH:
        raise WeakPassword(
            f"the password has {len(password)} characters; use at least {MIN_LENGTH}"
        )
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"the password has {len(password)} characters; use at most {MAX_LENGTH}")
    if not password.strip():
        raise WeakPassword("the password is only spaces; use letters, digits or signs")
    if user is not None and password.strip().lower() == user.lower():
        raise WeakPassword("the password is the user's name; choose another one")
    return password


def hash_password(password: str, hasher: PasswordHasher | None = None) -> str:
    """The Argon2id hash of ``password`` (a fresh salt each time).

    Raises:
        WeakPassword: as :func:`check_new_password`.
    """
    return (hasher or HASHER).hash(check_new_password(password))


def verify_password(stored: str, password: object, hasher: PasswordHasher | None = None) -> bool:
    """Whether ``password`` matches the ``stored`` hash (False for a damaged hash too)."""
    if not isinstance(password, str) or len(password) > MAX_LENGTH:
        _spend(hasher)
        return False
    try:
        return bool((hasher or HASHER).verify(stored, password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str, hasher: PasswordHasher | None = None) -> bool:
    """Whether ``stored`` was made with other parameters than the hasher's now."""
    try:
        return bool((hasher or HASHER).check_needs_rehash(stored))
    except (InvalidHashError, ValueError):
        return True


def verify_nothing(password: object, hasher: PasswordHasher | None = None) -> None:
    """Spend the time of a verification, for a user without a password.

    An unknown user and a wrong password then take the same time, so timing
    does not tell which user names exist.
    """
    _spend(hasher, password)


def generate_password() -> str:
    """A random one-time password of 20 URL-safe characters (120 bits)."""
    return secrets.token_urlsafe(15)


def _spend(hasher: PasswordHasher | None, password: object = "") -> None:
    used = hasher or HASHER
    key = f"{used.time_cost}/{used.memory_cost}/{used.parallelism}/{used.type}"
    dummy = _dummy_hash.get(key)
    if dummy is None:
        dummy = _dummy_hash[key] = used.hash(secrets.token_urlsafe(16))
    guess = password if isinstance(password, str) and len(password) <= MAX_LENGTH else ""
    with contextlib.suppress(VerificationError, InvalidHashError):
        used.verify(dummy, guess)
