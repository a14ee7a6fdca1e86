"""Turning a notification row into the words the customer reads.

One set of templates per event, `templates/notifications/<event>/`: `subject.txt`,
`body.txt`, `body.html` (email) and `sms.txt`. The text is English msgids inside
`{% blocktranslate %}`; rendering happens under `translation.override(row.language)`, so one
template serves Ukrainian (the default) and English.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, translation

from notifications.models import ORDER_EVENTS, Notification, NotificationEvent

# What each template cannot do without; checked when the row is written, not when it is sent.
REQUIRED_VARIABLES: dict[str, frozenset[str]] = {
    **{event: frozenset({"order_id", "total", "currency"}) for event in ORDER_EVENTS},
    NotificationEvent.PASSWORD_RESET: frozenset({"token"}),
    NotificationEvent.EMAIL_VERIFICATION: frozenset({"code"}),
    NotificationEvent.PHONE_VERIFICATION: frozenset({"code"}),
}

DEFAULT_MINUTES = {
    NotificationEvent.PASSWORD_RESET: 30,
    NotificationEvent.EMAIL_VERIFICATION: 10,
    NotificationEvent.PHONE_VERIFICATION: 10,
}


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def order_url(order_id: object) -> str:
    return f"{settings.FRONTEND_URL}/profile/orders/{order_id}"


def password_reset_url(token: str) -> str:
    return f"{settings.FRONTEND_URL}/reset-password?{urlencode({'token': token})}"


def _money(value: object) -> str:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    # Localized under the active language: `1250,00` in Ukrainian, `1250.00` in English.
    return formats.number_format(amount, decimal_pos=2, use_l10n=True)


def _label(choices: type, value: object) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def _context(notification: Notification) -> dict[str, Any]:
    """The template context; call it with the notification's language active."""
    from orders.models import CancelReason, OrderStatus

    variables = dict(notification.variables)
    context: dict[str, Any] = {**variables, "site_url": settings.FRONTEND_URL}
    event = notification.event
    if event in ORDER_EVENTS:
        context["order_url"] = order_url(variables["order_id"])
        context["total"] = _money(variables["total"])
        context["status"] = _label(OrderStatus, variables.get("status"))
        context["cancel_reason"] = _label(CancelReason, variables.get("cancel_reason"))
    if event == NotificationEvent.PASSWORD_RESET:
        context["link"] = password_reset_url(str(variables["token"]))
    if event in DEFAULT_MINUTES:
        context.setdefault("minutes", DEFAULT_MINUTES[event])
    return context


def _render(event: str, part: str, context: dict[str, Any]) -> str:
    return render_to_string(f"notifications/{event}/{part}", context).strip()


def notification_render_email(*, notification: Notification) -> RenderedEmail:
    with translation.override(notification.language):
        context = _context(notification)
        subject = " ".join(_render(notification.event, "subject.txt", context).split())
        return RenderedEmail(
            subject=subject,
            text=_render(notification.event, "body.txt", context) + "\n",
            html=_render(notification.event, "body.html", context),
        )


def notification_render_sms(*, notification: Notification) -> str:
    with translation.override(notification.language):
        return _render(notification.event, "sms.txt", _context(notification))
