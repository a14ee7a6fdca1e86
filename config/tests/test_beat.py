"""The beat schedule: every entry names a task the worker knows, and every safety net is on it."""

from __future__ import annotations

from django.conf import settings

from config.celery import app as celery_app

SAFETY_NETS = {
    "inventory.tasks.expire_reservations",
    "notifications.tasks.requeue_stuck_notifications",
    "payments.tasks.refund_owed_payments",
}


def test_every_scheduled_task_is_registered_and_every_safety_net_is_scheduled():
    celery_app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert scheduled - set(celery_app.tasks) == set()
    assert scheduled >= SAFETY_NETS
