"""Pointing this process's Celery app at another broker for a while (a dead one, say)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from config.celery import app as celery_app

# Port 1 on loopback: nothing listens, so every connection is refused at once.
DEAD_BROKER_URL = "redis://127.0.0.1:1/0"


def _forget_connections() -> None:
    # Celery caches its connection and producer pools per app; dropping the references makes
    # the next publish build new ones from `broker_url` (the old ones close when collected).
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker(url: str, *, eager: bool = False) -> Iterator[None]:
    saved = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url = url
    celery_app.conf.task_always_eager = eager
    _forget_connections()
    try:
        yield
    finally:
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
        _forget_connections()
