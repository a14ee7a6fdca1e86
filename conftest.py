"""Suite-wide fixtures: eager Celery by default, a clean cache, API clients, thread races."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from config.celery import app as celery_app


@pytest.fixture(autouse=True)
def _eager_celery(request: pytest.FixtureRequest):
    """Tasks run inline unless a test asks for the real worker (`@pytest.mark.worker`)."""
    if request.node.get_closest_marker("worker"):
        yield
        return
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = [
        "config.tests.hashers.FastArgon2PasswordHasher",
        *settings.PASSWORD_HASHERS[1:],
    ]


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate-limit counters live in the cache: each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def sms_outbox(settings):
    from notifications import sms

    settings.SMS_BACKEND = "locmem"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def bearer(user) -> APIClient:
    """An API client that sends this user's access token."""
    from accounts.services import tokens_issue

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_issue(user=user).access_token}")
    return client


@pytest.fixture
def customer(db):
    from accounts.tests.factories import UserFactory

    return UserFactory(phone="+380971112233")


@pytest.fixture
def customer_client(customer) -> APIClient:
    return bearer(customer)


@pytest.fixture
def staff(db):
    from accounts.tests.factories import UserFactory

    return UserFactory(email="staff@example.com", phone=None, is_staff=True)


@pytest.fixture
def staff_client(staff) -> APIClient:
    return bearer(staff)


def run_in_threads(count: int, work: Callable[[int], object]) -> list:
    """Start `count` threads at once (a barrier); return each one's result or exception."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def runner(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as exc:  # collected for the test to assert on
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs a real PostgreSQL server (DATABASE_URL=postgres://...)")
