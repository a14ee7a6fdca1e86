"""The Celery app: configured from Django settings (CELERY_*), tasks autodiscovered per app."""

import logging
import os
from typing import Any

from celery import Celery, Task
from kombu.exceptions import OperationalError as BrokerUnreachable

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

logger = logging.getLogger(__name__)

app = Celery("storefront")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def publish(task: Task, *args: Any, what: str, left_for: str) -> bool:
    """`task.delay(*args)`, or False and a warning when the broker can't be reached.

    For publishes on commit: the caller's work is already committed and must not turn into
    an error, so a broker outage is logged (ids only) and `left_for` says what picks the work
    up later (a sweeper, an expiry).
    """
    try:
        task.delay(*args)
    except BrokerUnreachable as exc:
        logger.warning("broker unreachable (%s): %s left for %s", type(exc).__name__, what, left_for)
        return False
    return True
