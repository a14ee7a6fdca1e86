"""No user enumeration through login: the unknown-user path runs the same hasher."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher

from accounts.exceptions import InvalidCredentials
from accounts.services import user_authenticate
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def argon2_calls(monkeypatch):
    """Counts Argon2 hash computations (encode for a dummy, verify for a real user)."""
    calls: list[str] = []
    original_encode, original_verify = Argon2PasswordHasher.encode, Argon2PasswordHasher.verify

    def encode(self, password, salt):
        calls.append("encode")
        return original_encode(self, password, salt)

    def verify(self, password, encoded):
        calls.append("verify")
        return original_verify(self, password, encoded)

    monkeypatch.setattr(Argon2PasswordHasher, "encode", encode)
    monkeypatch.setattr(Argon2PasswordHasher, "verify", verify)
    return calls


def test_unknown_user_and_wrong_password_each_cost_one_argon2_hash(argon2_calls):
    UserFactory(email="ivan@example.com")
    argon2_calls.clear()

    with pytest.raises(InvalidCredentials):
        user_authenticate(login="ivan@example.com", password="Wrong-password-1")
    wrong_password_calls = list(argon2_calls)
    argon2_calls.clear()
    with pytest.raises(InvalidCredentials):
        user_authenticate(login="nobody@example.com", password="Wrong-password-1")
    unknown_user_calls = list(argon2_calls)

    assert len(wrong_password_calls) == 1
    assert len(unknown_user_calls) == 1


def test_deleted_user_costs_a_hash_too(argon2_calls):
    UserFactory(email="gone@example.com", is_deleted=True, is_active=False)
    argon2_calls.clear()

    with pytest.raises(InvalidCredentials):
        user_authenticate(login="gone@example.com", password="Whatever-pass-1")

    assert len(argon2_calls) == 1


def test_passwords_are_stored_as_argon2id():
    user = UserFactory()

    assert user.password.startswith("argon2$argon2id$")
