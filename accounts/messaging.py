"""The identity messages (reset links, verification codes), written to the notification outbox.

accounts/services.py calls these inside its transactions: the `Notification` row commits
with the token/code it carries, or not at all, and the worker sends it after commit.
"""

from __future__ import annotations

from datetime import timedelta

from accounts.models import User, VerificationChannel
from notifications.models import NotificationEvent
from notifications.services import notify_event


def _minutes(ttl: timedelta) -> int:
    return int(ttl.total_seconds() // 60)


def send_password_reset(*, user: User, token: str, via: str = "email") -> None:
    """The reset link by SMS when asked and the user has a phone; by email otherwise."""
    from accounts.services import RESET_TOKEN_TTL  # accounts.services imports this module

    variables = {"token": token, "minutes": _minutes(RESET_TOKEN_TTL)}
    if via == "sms" and user.phone:
        notify_event(event=NotificationEvent.PASSWORD_RESET, variables=variables, user=user, phone=user.phone)
    elif user.email:
        notify_event(event=NotificationEvent.PASSWORD_RESET, variables=variables, user=user, email=user.email)


def send_verification_code(*, user: User, channel: str, target: str, code: str) -> None:
    from accounts.services import VERIFICATION_CODE_TTL

    variables = {"code": code, "minutes": _minutes(VERIFICATION_CODE_TTL)}
    if channel == VerificationChannel.EMAIL:
        notify_event(event=NotificationEvent.EMAIL_VERIFICATION, variables=variables, user=user, email=target)
    else:
        notify_event(event=NotificationEvent.PHONE_VERIFICATION, variables=variables, user=user, phone=target)
