"""Delivery of email and SMS. (The outbox with retries arrives with the notifications issue.)"""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives

from notifications import sms


def email_send(*, to: str, subject: str, text: str, html: str | None = None) -> None:
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


def sms_send(*, to: str, text: str) -> str:
    return sms.get_backend().send(to, text)
