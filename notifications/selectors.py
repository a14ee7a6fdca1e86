"""Reads of the notification outbox."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import QuerySet

from notifications.exceptions import NotificationNotFound
from notifications.models import Notification, NotificationStatus


def notification_get(*, notification_id: int) -> Notification:
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None:
        raise NotificationNotFound()
    return notification


def notification_list_failed(
    *,
    since: datetime | None = None,
    event: str | None = None,
    channel: str | None = None,
    ids: Iterable[int] | None = None,
) -> QuerySet[Notification]:
    """Failed notifications, filtered; `since` compares with when the row was written."""
    notifications = Notification.objects.filter(status=NotificationStatus.FAILED)
    if since is not None:
        notifications = notifications.filter(created_at__gte=since)
    if event:
        notifications = notifications.filter(event=event)
    if channel:
        notifications = notifications.filter(channel=channel)
    if ids is not None:
        notifications = notifications.filter(pk__in=list(ids))
    return notifications.order_by("created_at", "id")
