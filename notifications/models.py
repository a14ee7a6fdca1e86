"""The notification outbox: one row per message to one recipient on one channel.

A row is written in the same transaction as the event that causes it (status `queued`);
the worker renders and sends it later and marks it `sent` or, when the retries run out,
`failed`. See `notifications/services.py` for the delivery protocol (claim with a lease,
send outside any transaction, record the provider's message id).
"""

from __future__ import annotations

from datetime import UTC

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class NotificationEvent(models.TextChoices):
    """What happened; also the template folder name (`templates/notifications/<event>/`)."""

    ORDER_CREATED = "order_created", _("Order created")
    ORDER_PAID = "order_paid", _("Order paid")
    ORDER_CONFIRMED = "order_confirmed", _("Order confirmed")
    ORDER_CANCELLED = "order_cancelled", _("Order cancelled")
    PASSWORD_RESET = "password_reset", _("Password reset")
    EMAIL_VERIFICATION = "email_verification", _("Email verification")
    PHONE_VERIFICATION = "phone_verification", _("Phone verification")


ORDER_EVENTS = frozenset(
    {
        NotificationEvent.ORDER_CREATED,
        NotificationEvent.ORDER_PAID,
        NotificationEvent.ORDER_CONFIRMED,
        NotificationEvent.ORDER_CANCELLED,
    }
)


class NotificationLanguage(models.TextChoices):
    UK = "uk", _("Ukrainian")
    EN = "en", _("English")


class NotificationKind(models.TextChoices):
    TRANSACTIONAL = "transactional", _("Transactional")
    MARKETING = "marketing", _("Marketing")


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


# Variables that carry a secret (a reset token, a one-time code, a link holding the token).
# They must be stored: the worker renders the message from this row after the request has
# returned, and the token/code is kept only hashed anywhere else. So they are masked in the
# admin, never logged, never sent through the broker (the task gets the row id only), and
# replaced by SCRUBBED as soon as the row is `sent` (a sent row is never rendered again).
SECRET_VARIABLES = frozenset({"token", "code", "link", "password"})
SCRUBBED = "[scrubbed]"
MASKED = "••••••"


def variables_masked(variables: dict) -> dict:
    """The variables with every secret replaced: safe to show to staff or write to a log."""
    return {key: (MASKED if key in SECRET_VARIABLES else value) for key, value in variables.items()}


def variables_scrubbed(variables: dict) -> dict:
    return {key: (SCRUBBED if key in SECRET_VARIABLES else value) for key, value in variables.items()}


class Notification(models.Model):
    channel = models.CharField(_("channel"), max_length=10, choices=NotificationChannel.choices)
    to = models.CharField(_("recipient"), max_length=254)
    event = models.CharField(_("event"), max_length=40, choices=NotificationEvent.choices)
    variables = models.JSONField(_("variables"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    language = models.CharField(
        _("language"), max_length=8, choices=NotificationLanguage.choices, default=NotificationLanguage.UK
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=NotificationKind.choices, default=NotificationKind.TRANSACTIONAL
    )
    status = models.CharField(
        _("status"), max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    error_message = models.TextField(_("error message"), blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=255, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
        verbose_name=_("user"),
    )
    order = models.ForeignKey(
        "orders.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
        verbose_name=_("order"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # When a queued row is due: its creation, or the end of the current retry back-off.
    # The sweeper re-enqueues queued rows that are overdue by a margin (the broker lost the
    # message, or the worker died before it claimed the row).
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # The send lease: a worker that claims the row sets this; nobody else sends until it
    # passes. A lease that expired on a queued row means the worker died mid-send.
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sweeper's query: queued rows by due time (partial: the queued rows are few).
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="queued"),
                name="notification_queued_due",
            ),
            # The admin list, the resend command and the API: by status, newest first.
            models.Index(fields=["status", "-created_at"], name="notification_status_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "sent", "failed"]), name="notification_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.to} ({self.status})"

    @property
    def idempotency_key(self) -> str:
        """Stable for this row across retries; unique across databases that reuse ids."""
        return f"notification-{self.pk}-{self.created_at.astimezone(UTC):%Y%m%d%H%M%S%f}"
