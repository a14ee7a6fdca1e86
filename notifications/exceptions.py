"""Notification errors.

Domain errors (subclasses of config.errors classes) are what a caller of the services can
get back and the API maps to its error format. Delivery errors never leave the worker:
they tell `notification_deliver` whether a failed send may be tried again.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from config.errors import Conflict, DomainError, NotFound


class NotificationNotFound(NotFound):
    default_message = _("Notification not found")


class InvalidRecipient(DomainError):
    status_code = 400
    code = "validation"
    default_message = _("to must be a valid email address or phone number for the channel")


class InvalidVariables(DomainError):
    status_code = 400
    code = "validation"
    default_message = _("variables are missing or invalid for the template")


class MarketingNotAllowed(Conflict):
    """Marketing messages need the customer's `marketing_opt_in`; nothing is written without it."""

    code = "notification.marketingNotAllowed"
    default_message = _("The customer has not agreed to receive marketing messages")


class DeliveryError(Exception):
    """A send failed. The message is safe to log: it never carries the text or secrets."""


class TemporaryDeliveryError(DeliveryError):
    """Worth another try later (timeouts, 5xx, connection refused).

    `maybe_delivered` is true when the request reached the provider but no answer came back
    (a read timeout): the message may already be on its way. Trying again is then safe only
    with a provider that deduplicates by our idempotency key.
    """

    def __init__(self, message: str, *, maybe_delivered: bool = False) -> None:
        super().__init__(message)
        self.maybe_delivered = maybe_delivered


class PermanentDeliveryError(DeliveryError):
    """Trying again cannot help (the provider refused the recipient or the request)."""


class InvalidNotification(DomainError):
    """An unknown template or channel: the caller asked for something that does not exist."""

    status_code = 400
    code = "validation"
    default_message = _("Unknown notification template or channel")


def delivery_error_for_http_status(provider: str, status: int) -> DeliveryError:
    """How a provider's HTTP error answer is treated: 429 and 5xx are worth another try."""
    if status == 504:
        # A gateway gave up waiting for the provider, which may still have taken the message.
        return TemporaryDeliveryError(f"{provider} HTTP {status}", maybe_delivered=True)
    if status == 429 or status >= 500:
        return TemporaryDeliveryError(f"{provider} HTTP {status}")
    return PermanentDeliveryError(f"{provider} HTTP {status}")
