"""Notifications: the transactional outbox and its delivery.

Writing (web process, inside the caller's transaction):
    `notification_queue` / `notify_event` write `queued` rows in the CURRENT transaction and
    publish the row id to Celery on commit. A rolled-back event leaves no row and sends
    nothing; a broker that is down at commit leaves the row `queued` for the sweeper.

Delivering (worker), `notification_deliver`, in three steps so that no provider call ever
runs inside a database transaction and no two workers send one row at the same time:
    1. claim: a short transaction locks the row, checks it is still `queued` and not
       leased, sets `locked_until` (the lease) and counts the attempt; commit.
    2. send: render and call the provider with a timeout, no transaction, no lock. The
       provider gets an idempotency key that is stable for the row.
    3. record: a short transaction marks the row `sent` (provider message id, secrets
       scrubbed), puts it back to `queued` with a back-off, or marks it `failed`.

Delivery is at-least-once where that is safe and at-most-once where it is not. When the
outcome of an attempt is unknown (the worker died mid-send and its lease expired, or the
provider never answered a request it received), the message is sent again only through a
backend that drops duplicates by our idempotency key (`dedupes_by_idempotency_key`:
the file and locmem backends, providers with idempotency keys). Through any other backend
the row becomes `failed` with an "outcome unknown" message for staff to re-send by hand:
the spec accepts at-least-once delivery only where the provider deduplicates.
"""

from __future__ import annotations

import json
import logging
import smtplib
import socket
import traceback
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Any

from anymail.exceptions import AnymailError, AnymailInvalidAddress, AnymailRecipientsRefused
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from requests.exceptions import ConnectionError as RequestsConnectionError
from requests.exceptions import ConnectTimeout
from urllib3.exceptions import NewConnectionError

from accounts.models import User
from accounts.phones import InvalidPhone, normalize_phone
from config.celery import publish
from notifications import selectors, sms
from notifications.exceptions import (
    DeliveryError,
    InvalidNotification,
    InvalidRecipient,
    InvalidVariables,
    MarketingNotAllowed,
    NotificationNotFound,
    PermanentDeliveryError,
    TemporaryDeliveryError,
    delivery_error_for_http_status,
)
from notifications.models import (
    Notification,
    NotificationChannel,
    NotificationEvent,
    NotificationKind,
    NotificationLanguage,
    NotificationStatus,
    variables_scrubbed,
)
from notifications.rendering import REQUIRED_VARIABLES, notification_render_email, notification_render_sms

logger = logging.getLogger(__name__)

# Defaults of the settings below (the settings win when present).
DEFAULT_MAX_ATTEMPTS = 6  # the first try + 5 retries
DEFAULT_SEND_LEASE_SECONDS = 120  # must outlive the slowest provider call (timeouts are 10-15 s)
DEFAULT_STUCK_AFTER_SECONDS = 120  # how overdue a queued row must be before the sweeper acts
DEFAULT_EMAIL_TIMEOUT = 15
# Celery's exponential back-off (tasks.py uses the same numbers): before retry n (n ≥ 1) it
# waits a random time in [0, min(MAX, FACTOR · 2^(n-1))] seconds ("full jitter").
RETRY_BACKOFF_FACTOR = 10
RETRY_BACKOFF_MAX = 600
SWEEP_BATCH = 500
ERROR_MESSAGE_MAX_LENGTH = 500
MAX_VARIABLES = 50
MAX_VARIABLE_LENGTH = 2000


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def notification_max_attempts() -> int:
    return _setting("NOTIFICATION_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS)


def retry_delay_ceiling(*, attempts: int) -> int:
    """The longest Celery waits after the `attempts`-th failed try."""
    return min(RETRY_BACKOFF_MAX, RETRY_BACKOFF_FACTOR * 2 ** max(attempts - 1, 0))


# --- writing the outbox ---------------------------------------------------------------


def _language(value: str | None) -> str:
    code = (value or "").lower().replace("_", "-").split("-")[0]
    return code if code in NotificationLanguage.values else NotificationLanguage.UK


def _recipient(*, channel: str, to: str) -> str:
    to = (to or "").strip()
    if channel == NotificationChannel.SMS:
        try:
            return normalize_phone(to)
        except InvalidPhone as exc:
            raise InvalidRecipient(_("to must be a valid phone number")) from exc
    try:
        validate_email(to)
    except ValidationError as exc:
        raise InvalidRecipient(_("to must be a valid email address")) from exc
    return to


def _variables(*, event: str, variables: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(variables, Mapping):
        raise InvalidVariables(_("variables must be an object"))
    # Stored exactly as JSON will give it back (Decimal → "12.50"), so the worker renders
    # the same values the caller saw.
    clean = json.loads(json.dumps(dict(variables), cls=DjangoJSONEncoder))
    if len(clean) > MAX_VARIABLES or any(
        not isinstance(key, str) or isinstance(value, dict | list) or len(str(value)) > MAX_VARIABLE_LENGTH
        for key, value in clean.items()
    ):
        raise InvalidVariables(_("variables must be an object of at most 50 short plain values"))
    missing = sorted(REQUIRED_VARIABLES.get(event, frozenset()) - clean.keys())
    if missing:
        raise InvalidVariables(
            [_("variables.%(name)s is required for this template") % {"name": name} for name in missing]
        )
    return clean


def notification_queue(
    *,
    event: str,
    channel: str,
    to: str,
    variables: Mapping[str, Any],
    language: str = NotificationLanguage.UK,
    user: User | None = None,
    order: Any | None = None,
    kind: str = NotificationKind.TRANSACTIONAL,
) -> Notification:
    """Write one `queued` row in the caller's transaction; its task is published on commit.

    Call it inside the `transaction.atomic()` of the change that causes the message: if that
    rolls back, the row goes with it and nothing is sent.
    """
    if event not in NotificationEvent.values:
        raise InvalidNotification(_("Unknown template: %(name)s") % {"name": event})
    if channel not in NotificationChannel.values:
        raise InvalidNotification(_("Unknown channel: %(name)s") % {"name": channel})
    if kind not in NotificationKind.values:
        raise InvalidNotification(_("Unknown notification kind: %(name)s") % {"name": kind})
    if kind == NotificationKind.MARKETING and not (user is not None and user.marketing_opt_in):
        raise MarketingNotAllowed()
    notification = Notification.objects.create(
        event=event,
        channel=channel,
        to=_recipient(channel=channel, to=to),
        variables=_variables(event=event, variables=variables),
        language=_language(language),
        kind=kind,
        user=user,
        order=order,
    )
    notification_id = notification.pk
    transaction.on_commit(lambda: notifications_publish(notification_ids=[notification_id]))
    logger.info("notification %s queued: %s by %s", notification_id, event, channel)
    return notification


def _order_variables(order: Any) -> dict[str, Any]:
    return {
        "order_id": order.pk,
        "total": str(order.total),
        "currency": order.currency,
        "status": order.status,
        "cancel_reason": order.cancel_reason or "",
    }


def notify_event(
    *,
    event: str,
    variables: Mapping[str, Any] | None = None,
    user: User | None = None,
    order: Any | None = None,
    email: str | None = None,
    phone: str | None = None,
    language: str | None = None,
) -> list[Notification]:
    """Queue an event's messages on every channel the policy picks (call it inside the
    transaction of the event).

    Addresses: the ones given; else, for an order, email to the order's email (or its
    customer's) and SMS to the order's phone; else the user's email and phone. Language:
    the one given, else the user's, else the order's, else Ukrainian. An order's number,
    total, currency and status are filled in from the order.

    An address that is not usable (a malformed phone on an old order) is skipped with a
    warning instead of failing the caller's transaction: a message must never undo an order.
    """
    values: dict[str, Any] = {}
    if order is not None:
        if user is None and order.customer_id:
            user = order.customer
        values.update(_order_variables(order))
        if order.name:
            values["name"] = order.name
        if email is None and phone is None:
            email = order.email or (user.email if user is not None else None)
            phone = order.phone or None
    elif email is None and phone is None and user is not None:
        email, phone = user.email, user.phone
    if user is not None and user.first_name:
        values.setdefault("name", user.first_name)
    values.update(variables or {})
    chosen_language = (
        language
        or (user.language if user is not None else None)
        or (getattr(order, "language", None) if order is not None else None)
    )
    queued: list[Notification] = []
    for channel, address in ((NotificationChannel.EMAIL, email), (NotificationChannel.SMS, phone)):
        if not address:
            continue
        try:
            queued.append(
                notification_queue(
                    event=event,
                    channel=channel,
                    to=address,
                    variables=values,
                    language=_language(chosen_language),
                    user=user,
                    order=order,
                )
            )
        except InvalidRecipient:
            logger.warning(
                "notification %s by %s skipped for order %s / user %s: the address is not usable",
                event,
                channel,
                getattr(order, "pk", None),
                getattr(user, "pk", None),
            )
    if not queued:
        logger.info("notification %s: no usable address, nothing queued", event)
    return queued


def notifications_publish(*, notification_ids: Iterable[int]) -> int:
    """Hand row ids to Celery; returns how many were published.

    Runs on commit, after the caller's work is done: a broker that is down must not turn a
    placed order into an error, so its failure is logged (ids only) and swallowed. The rows
    stay `queued` and the sweeper publishes them again once the broker is back.
    """
    from notifications.tasks import send_notification

    ids = list(notification_ids)
    for index, notification_id in enumerate(ids):
        what = f"{len(ids) - index} notification(s) from id {notification_id}"
        if not publish(send_notification, notification_id, what=what, left_for="the outbox sweeper"):
            return index
    return len(ids)


# --- delivering ---------------------------------------------------------------------------


def _backend_dedupes(channel: str) -> bool:
    if channel == NotificationChannel.SMS:
        backend_class = sms.get_backend_class()
    else:
        backend_class = import_string(settings.EMAIL_BACKEND)
    return bool(getattr(backend_class, "dedupes_by_idempotency_key", False))


def _short(message: str) -> str:
    return message[:ERROR_MESSAGE_MAX_LENGTH]


def _fail_locked(notification: Notification, *, error: str) -> None:
    """Mark a row we hold the lock on as failed."""
    notification.status = NotificationStatus.FAILED
    notification.error_message = _short(error)
    notification.locked_until = None
    notification.save(update_fields=["status", "error_message", "locked_until", "updated_at"])
    logger.warning("notification %s failed: %s", notification.pk, notification.error_message)


def _claim(*, notification_id: int) -> tuple[Notification, bool]:
    """Take the send lease on a queued row; (row, False) when this worker must not send it."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None:
            raise NotificationNotFound()
        now = timezone.now()  # after the lock: waiting for it must not shorten the lease
        if notification.status != NotificationStatus.QUEUED:
            return notification, False  # sent rows are never sent again; failed wait for a resend
        if notification.locked_until is not None and notification.locked_until > now:
            return notification, False  # another worker is sending it right now
        if notification.locked_until is not None and not _backend_dedupes(notification.channel):
            # The lease ran out: a worker claimed the row and died. The provider may have the
            # message already and would not drop a second copy.
            _fail_locked(
                notification,
                error="Delivery outcome unknown: the worker stopped during the send. "
                "Not sent again automatically; re-send it if the recipient did not get it.",
            )
            return notification, False
        if notification.attempts >= notification_max_attempts():
            _fail_locked(
                notification,
                error=notification.error_message or f"Gave up after {notification.attempts} attempts",
            )
            return notification, False
        notification.attempts += 1
        notification.locked_until = now + timedelta(
            seconds=_setting("NOTIFICATION_SEND_LEASE_SECONDS", DEFAULT_SEND_LEASE_SECONDS)
        )
        notification.next_attempt_at = now
        notification.save(update_fields=["attempts", "locked_until", "next_attempt_at", "updated_at"])
    return notification, True


def _email_message_id(notification: Notification) -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "storefront.local"
    return f"<{notification.idempotency_key}@{domain}>"


def _never_connected(cause: BaseException | None) -> bool:
    """Whether a requests error (under an anymail error) happened before anything was sent."""
    if isinstance(cause, ConnectTimeout):
        return True
    if isinstance(cause, RequestsConnectionError) and cause.args:
        return isinstance(getattr(cause.args[0], "reason", None), NewConnectionError)
    return False


def _email_error(exc: Exception) -> DeliveryError:
    """Sort an email backend's exception into try-again / give-up / maybe-sent."""
    name = type(exc).__name__
    if isinstance(
        exc,
        AnymailRecipientsRefused
        | AnymailInvalidAddress
        | smtplib.SMTPRecipientsRefused
        | smtplib.SMTPSenderRefused,
    ):
        return PermanentDeliveryError(f"Email refused: {name}")
    status = getattr(exc, "status_code", None)
    if isinstance(exc, AnymailError) and status is not None:
        return delivery_error_for_http_status(exc.esp_name or "ESP", int(status))
    if isinstance(exc, smtplib.SMTPConnectError | ConnectionRefusedError | socket.gaierror) or (
        isinstance(exc, AnymailError) and _never_connected(exc.__cause__)
    ):
        return TemporaryDeliveryError(f"Email server unreachable: {name}")
    if isinstance(exc, smtplib.SMTPResponseException):
        if 400 <= exc.smtp_code < 500:
            return TemporaryDeliveryError(f"SMTP {exc.smtp_code}")
        return PermanentDeliveryError(f"SMTP {exc.smtp_code}")
    if isinstance(exc, ValueError):  # a malformed address or header: the same next time
        return PermanentDeliveryError(f"Email not accepted: {name}")
    # The connection broke or timed out after the message went out.
    return TemporaryDeliveryError(f"Email send interrupted: {name}", maybe_delivered=True)


def _send_email(notification: Notification) -> str:
    rendered = notification_render_email(notification=notification)
    message_id = _email_message_id(notification)
    connection = get_connection(
        fail_silently=False, timeout=_setting("NOTIFICATION_EMAIL_TIMEOUT", DEFAULT_EMAIL_TIMEOUT)
    )
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        to=[notification.to],
        connection=connection,
        # A stable Message-ID per row: receiving servers and our logs can tie copies together.
        headers={"Message-ID": message_id},
    )
    message.attach_alternative(rendered.html, "text/html")
    # django-anymail passes this to the ESP, whose webhooks then name our row.
    message.metadata = {"notification_id": str(notification.pk)}
    try:
        message.send()
    except (OSError, smtplib.SMTPException, ValueError, AnymailError) as exc:
        raise _email_error(exc) from exc
    status = getattr(message, "anymail_status", None)
    provider_id = getattr(status, "message_id", None)
    if isinstance(provider_id, set | frozenset | list):
        provider_id = ",".join(sorted(str(item) for item in provider_id if item is not None))
    if provider_id is None or provider_id == "":
        # Django's own backends give no id: our Message-ID is the one the message carries.
        return message_id.strip("<>")
    return str(provider_id)


def _send_sms(notification: Notification) -> str:
    text = notification_render_sms(notification=notification)
    return sms.get_backend().send(notification.to, text, idempotency_key=notification.idempotency_key)


def _send(notification: Notification) -> str:
    try:
        if notification.channel == NotificationChannel.SMS:
            return _send_sms(notification)
        return _send_email(notification)
    except DeliveryError:
        raise
    except (TemplateDoesNotExist, TemplateSyntaxError, KeyError) as exc:
        raise PermanentDeliveryError(f"Cannot render the message: {type(exc).__name__}") from exc
    except Exception as exc:
        # A backend raised something unexpected (often a bug or a configuration error, before
        # anything went out). Logged as type and place only: its message may hold the text.
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        logger.error(
            "notification %s: unexpected %s at %s:%s",
            notification.pk,
            type(exc).__name__,
            frame.filename,
            frame.lineno,
        )
        raise TemporaryDeliveryError(f"Unexpected error: {type(exc).__name__}") from None


def _record_sent(notification: Notification, *, provider_message_id: str) -> Notification:
    now = timezone.now()
    with transaction.atomic():
        updated = Notification.objects.filter(pk=notification.pk, status=NotificationStatus.QUEUED).update(
            status=NotificationStatus.SENT,
            sent_at=now,
            provider_message_id=provider_message_id[:255],
            error_message="",
            locked_until=None,
            # The token / code did their job; a sent row is never rendered again.
            variables=variables_scrubbed(notification.variables),
            updated_at=now,
        )
    if updated:
        logger.info(
            "notification %s sent by %s (attempt %s, provider id %s)",
            notification.pk,
            notification.channel,
            notification.attempts,
            provider_message_id,
        )
    else:
        logger.warning("notification %s was sent but had already left the queue", notification.pk)
    notification.refresh_from_db()
    return notification


def _record_retry(notification: Notification, *, error: str) -> None:
    now = timezone.now()
    Notification.objects.filter(
        pk=notification.pk, status=NotificationStatus.QUEUED, attempts=notification.attempts
    ).update(
        locked_until=None,
        next_attempt_at=now + timedelta(seconds=retry_delay_ceiling(attempts=notification.attempts)),
        error_message=_short(error),
        updated_at=now,
    )
    logger.info(
        "notification %s attempt %s failed, will retry: %s", notification.pk, notification.attempts, error
    )


def _record_failure(notification: Notification, *, error: str) -> Notification:
    now = timezone.now()
    Notification.objects.filter(
        pk=notification.pk, status=NotificationStatus.QUEUED, attempts=notification.attempts
    ).update(status=NotificationStatus.FAILED, error_message=_short(error), locked_until=None, updated_at=now)
    logger.warning(
        "notification %s failed after %s attempt(s): %s", notification.pk, notification.attempts, error
    )
    notification.refresh_from_db()
    return notification


def notification_deliver(*, notification_id: int) -> Notification:
    """Send one queued notification (the worker's job). Safe to call any number of times.

    Returns the row as it stands afterwards. Raises `TemporaryDeliveryError` when the send
    failed but may work later (the task retries with back-off); the row is then `queued`
    again with its `error_message` and `next_attempt_at`. The last attempt marks it `failed`.
    """
    notification, claimed = _claim(notification_id=notification_id)
    if not claimed:
        return notification
    try:
        provider_message_id = _send(notification)
    except PermanentDeliveryError as exc:
        return _record_failure(notification, error=str(exc))
    except TemporaryDeliveryError as exc:
        if exc.maybe_delivered and not _backend_dedupes(notification.channel):
            return _record_failure(
                notification,
                error=f"Delivery outcome unknown ({exc}). Not sent again automatically; "
                "re-send it if the recipient did not get it.",
            )
        if notification.attempts >= notification_max_attempts():
            return _record_failure(notification, error=str(exc))
        _record_retry(notification, error=str(exc))
        raise
    return _record_sent(notification, provider_message_id=provider_message_id)


# --- the safety nets ------------------------------------------------------------------------


def notifications_requeue_stuck(*, older_than_seconds: int | None = None) -> int:
    """Publish again the queued rows nobody is working on (beat runs this every minute).

    A row is stuck when it has been due for `older_than_seconds` (its task was never
    published — the broker was down — or was lost) and no live lease covers it (a worker
    died mid-send and its lease expired). Publishing a row twice is harmless: the claim lets
    one worker through. Returns how many rows were published again.
    """
    if older_than_seconds is None:
        older_than_seconds = _setting("NOTIFICATION_STUCK_AFTER_SECONDS", DEFAULT_STUCK_AFTER_SECONDS)
    now = timezone.now()
    stuck = (
        Notification.objects.filter(
            status=NotificationStatus.QUEUED,
            next_attempt_at__lte=now - timedelta(seconds=older_than_seconds),
        )
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now))
        .order_by("next_attempt_at")
    )
    with transaction.atomic():
        ids = list(stuck.select_for_update(skip_locked=True).values_list("pk", flat=True)[:SWEEP_BATCH])
        if ids:
            # Due again only after another full wait: the sweeper does not flood the broker
            # with copies of a row whose task is merely waiting in a long queue.
            Notification.objects.filter(pk__in=ids).update(next_attempt_at=now, updated_at=now)
            transaction.on_commit(lambda: notifications_publish(notification_ids=ids))
    if ids:
        logger.info("sweeper: %s stuck notification(s) published again", len(ids))
    return len(ids)


def notifications_resend_failed(
    *,
    since: datetime | None = None,
    event: str | None = None,
    channel: str | None = None,
    ids: Iterable[int] | None = None,
) -> int:
    """Put failed notifications back in the queue with a fresh set of attempts (ops' tool).

    Only `failed` rows move: a sent row is never sent again. Returns how many were queued.
    """
    now = timezone.now()
    with transaction.atomic():
        chosen = list(
            selectors.notification_list_failed(since=since, event=event, channel=channel, ids=ids)
            .select_for_update()
            .values_list("pk", flat=True)
        )
        if chosen:
            Notification.objects.filter(pk__in=chosen, status=NotificationStatus.FAILED).update(
                status=NotificationStatus.QUEUED,
                attempts=0,
                error_message="",
                locked_until=None,
                next_attempt_at=now,
                updated_at=now,
            )
            transaction.on_commit(lambda: notifications_publish(notification_ids=chosen))
    if chosen:
        logger.info("%s failed notification(s) queued again", len(chosen))
    return len(chosen)
