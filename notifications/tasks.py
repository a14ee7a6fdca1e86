"""Celery tasks: thin, each calls one service. Only row ids travel through the broker
(never the text, a token or a code)."""

from __future__ import annotations

import logging

from celery import shared_task

from notifications.exceptions import NotificationNotFound, TemporaryDeliveryError
from notifications.services import (
    DEFAULT_MAX_ATTEMPTS,
    RETRY_BACKOFF_FACTOR,
    RETRY_BACKOFF_MAX,
    notification_deliver,
    notifications_requeue_stuck,
)

logger = logging.getLogger(__name__)


# Retries: exponential back-off with full jitter (10, 20, 40, 80, 160 s ceilings), 5 retries.
# The row counts the attempts and marks itself `failed` on the last one, so the task never
# needs to know which try is the last. acks_late: a worker that dies mid-task leaves the
# message to the broker; the row's lease keeps a redelivered copy from sending in parallel.
@shared_task(
    name="notifications.tasks.send_notification",
    autoretry_for=(TemporaryDeliveryError,),
    retry_backoff=RETRY_BACKOFF_FACTOR,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=DEFAULT_MAX_ATTEMPTS - 1,
    acks_late=True,
    ignore_result=True,
)
def send_notification(notification_id: int) -> str:
    try:
        return notification_deliver(notification_id=notification_id).status
    except NotificationNotFound:
        # The row is gone (deleted by staff); a stale message has nothing to do.
        logger.info("notification %s no longer exists; nothing to send", notification_id)
        return "missing"


@shared_task(name="notifications.tasks.requeue_stuck_notifications", ignore_result=True)
def requeue_stuck_notifications() -> int:
    """Beat runs this every minute: the outbox's safety net for lost tasks and dead workers."""
    return notifications_requeue_stuck()
