"""Passwords: Argon2id hashes, verification, rehashing, and the rules for new passwords."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, Type

from openpas.security import passwords
from openpas.security.passwords import WeakPassword

from .auth_support import CHEAP

GOOD = "correct horse battery"


def test_the_default_hash_is_argon2id_and_never_contains_the_password() -> None:
    assert passwords.HASHER.type is Type.ID
    stored = passwords.hash_password(GOOD)
    assert stored.startswith("$argon2id$")
    assert GOOD not in stored
    assert passwords.verify_password(stored, GOOD)
    assert not passwords.verify_password(stored, GOOD + "!")
    assert not passwords.needs_rehash(stored)


def test_each_hash_has_its_own_salt() -> None:
    first, second = (passwords.hash_password(GOOD, CHEAP) for _ in range(2))
    assert first != second
    assert passwords.verify_password(first, GOOD, CHEAP)
    assert passwords.verify_password(second, GOOD, CHEAP)


def test_a_hash_made_with_other_parameters_verifies_and_asks_for_a_rehash() -> None:
    old = PasswordHasher(time_cost=1, memory_cost=16, parallelism=1)
    stored = passwords.hash_password(GOOD, old)
    assert passwords.verify_password(stored, GOOD, CHEAP)
    assert passwords.needs_rehash(stored, CHEAP)
    assert not passwords.needs_rehash(stored, old)
    assert not passwords.needs_rehash(passwords.hash_password(GOOD, CHEAP), CHEAP)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "the password has 5 characters; use at least 10"),
        ("123456789", "the password has 9 characters; use at least 10"),
        ("x" * 1025, "the password has 1025 characters; use at most 1024"),
        (" " * 12, "the password is only spaces"),
        (12345678901, "a password must be text, got int"),
    ],
)
def test_a_weak_password_is_refused_with_a_message_that_does_not_repeat_it(
    password: object, message: str
) -> None:
    with pytest.raises(WeakPassword) as caught:
        passwords.check_new_password(password)
    assert caught.value.message.startswith(message)
    if isinstance(password, str) and password.strip():
        assert password not in caught.value.message
    with pytest.raises(WeakPassword):
        passwords.hash_password(password, CHEAP)  # type: ignore[arg-type]


def test_ten_characters_are_enough_but_not_the_users_own_name() -> None:
    assert passwords.check_new_password("0123456789") == "0123456789"
    with pytest.raises(WeakPassword, match="the user's name"):
        passwords.check_new_password("Annabelle1", "annabelle1")


@pytest.mark.parametrize("stored", ["", "not a hash", "$argon2id$v=19$m=8,t=1,p=1$broken"])
def test_a_damaged_hash_verifies_nothing(stored: str) -> None:
    assert not passwords.verify_password(stored, GOOD, CHEAP)
    assert passwords.needs_rehash(stored, CHEAP)


@pytest.mark.parametrize("given", [None, 42, "y" * 5000])
def test_something_that_cannot_be_a_password_verifies_false(given: object) -> None:
    stored = passwords.hash_password(GOOD, CHEAP)
    assert not passwords.verify_password(stored, given, CHEAP)


class Counting(PasswordHasher):
    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verified += 1
        return super().verify(hash, password)


def test_verifying_nothing_spends_one_real_verification() -> None:
    counting = Counting()
    stored = passwords.hash_password(GOOD, counting)
    passwords.verify_password(stored, "wrong password", counting)
    assert counting.verified == 1
    passwords.verify_nothing("wrong password", counting)
    passwords.verify_nothing(None, counting)
    assert counting.verified == 3


def test_a_generated_password_is_long_random_and_acceptable() -> None:
    made = {passwords.generate_password() for _ in range(20)}
    assert len(made) == 20
    for password in made:
        assert len(password) == 20
        assert passwords.check_new_password(password) == password
