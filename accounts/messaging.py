"""The identity messages (reset links, verification codes), sent by the worker after commit.

One small seam: the notifications issue moves these behind its outbox.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from accounts.models import User, VerificationChannel


def _enqueue_email(*, to: str, subject: str, text: str) -> None:
    from accounts.tasks import deliver_email

    transaction.on_commit(lambda: deliver_email.delay(to=to, subject=subject, text=text))


def _enqueue_sms(*, to: str, text: str) -> None:
    from accounts.tasks import deliver_sms

    transaction.on_commit(lambda: deliver_sms.delay(to=to, text=text))


def send_password_reset(*, user: User, token: str, via: str = "email") -> None:
    link = f"{settings.FRONTEND_URL}/reset-password?{urlencode({'token': token})}"
    with translation.override(user.language):
        context = {"user": user, "link": link, "minutes": 30}
        text = render_to_string("accounts/messages/password_reset.txt", context).strip()
        if via == "sms" and user.phone:
            _enqueue_sms(to=user.phone, text=text)
        elif user.email:
            subject = render_to_string("accounts/messages/password_reset_subject.txt", context).strip()
            _enqueue_email(to=user.email, subject=subject, text=text)


def send_verification_code(*, user: User, channel: str, target: str, code: str) -> None:
    with translation.override(user.language):
        context = {"user": user, "code": code, "minutes": 10}
        text = render_to_string("accounts/messages/verification_code.txt", context).strip()
        if channel == VerificationChannel.EMAIL:
            subject = render_to_string("accounts/messages/verification_subject.txt", context).strip()
            _enqueue_email(to=target, subject=subject, text=text)
        else:
            _enqueue_sms(to=target, text=text)
