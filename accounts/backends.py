from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from accounts.exceptions import InvalidCredentials
from accounts.models import User


class EmailOrPhoneBackend(ModelBackend):
    """Django auth (admin, sessions) by email or phone, through the one credentials check."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        from accounts.services import user_authenticate

        login = username or kwargs.get("email") or kwargs.get("phone")
        if not login or password is None:
            return None
        try:
            return user_authenticate(login=login, password=password)
        except InvalidCredentials:
            return None

    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and not getattr(user, "is_deleted", False)
