"""Notification routes, one list per API surface (mounted by config/urls.py)."""

from django.urls import path

from notifications.api import v1

v1_urlpatterns = [
    path("notifications/send", v1.NotificationSendView.as_view()),
    path("notifications/<int:notification_id>", v1.NotificationDetailView.as_view()),
]
