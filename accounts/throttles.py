"""Rate limits on the auth endpoints: per client IP and per login identifier.

Counters live in the cache (Redis in production). RATE_LIMITS_ENABLED=false turns them off.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from redis.exceptions import RedisError
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

logger = logging.getLogger(__name__)


class _SwitchableThrottle(SimpleRateThrottle):
    def allow_request(self, request: Request, view: APIView) -> bool:
        if not settings.RATE_LIMITS_ENABLED:
            return True
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError) as exc:
            # Fail open: with the counters' store down, shoppers can still log in (each attempt
            # still costs an Argon2 hash); the outage is logged and /readyz reports the cache.
            logger.warning("Rate limit %s skipped, cache unavailable: %s", self.scope, exc.__class__.__name__)
            return True

    def get_rate(self) -> str | None:
        # Read at call time so tests and deployments can change the rate by settings.
        return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][self.scope]


class _IPThrottle(_SwitchableThrottle):
    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class _IdentifierThrottle(_SwitchableThrottle):
    """Keyed by the account identifier in the body, so one account can't be hammered from many IPs."""

    identifier_fields: tuple[str, ...] = ("login", "email", "phone")

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        data = request.data if isinstance(request.data, dict) else {}
        for field in self.identifier_fields:
            value = data.get(field)
            if isinstance(value, str) and value.strip():
                digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
                return self.cache_format % {"scope": f"{self.scope}-id", "ident": digest}
        return None


class LoginIPThrottle(_IPThrottle):
    scope = "login"


class LoginIdentifierThrottle(_IdentifierThrottle):
    scope = "login"


class PasswordResetIPThrottle(_IPThrottle):
    scope = "password_reset"


class PasswordResetIdentifierThrottle(_IdentifierThrottle):
    scope = "password_reset"


class RegisterIPThrottle(_IPThrottle):
    scope = "register"


class VerifySendIPThrottle(_IPThrottle):
    scope = "verify_send"


class VerifySendIdentifierThrottle(_IdentifierThrottle):
    scope = "verify_send"


LOGIN_THROTTLES = [LoginIPThrottle, LoginIdentifierThrottle]
PASSWORD_RESET_THROTTLES = [PasswordResetIPThrottle, PasswordResetIdentifierThrottle]
REGISTER_THROTTLES = [RegisterIPThrottle]
VERIFY_SEND_THROTTLES = [VerifySendIPThrottle, VerifySendIdentifierThrottle]
