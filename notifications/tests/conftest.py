from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.services import tokens_issue
from config.celery import app as celery_app
from notifications.tests.backends import Call, RecordingBackend
from notifications.tests.factories import UserFactory
from notifications.tests.provider_server import Answer, ProviderServer, serve


@pytest.fixture(autouse=True)
def _worker_tests_need_redis_and_postgres(request: pytest.FixtureRequest) -> None:
    """`@pytest.mark.worker` runs a real Celery worker: it needs Redis and a shared database."""
    if request.node.get_closest_marker("worker"):
        if not os.environ.get("REDIS_URL"):
            pytest.skip("needs Redis (REDIS_URL=redis://...)")
        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...): the worker is another process")


@pytest.fixture
def recorded_sms(settings) -> Iterator[list[Call]]:
    """An SMS provider that records every call and drops no duplicates."""
    settings.SMS_BACKEND = "notifications.tests.backends.RecordingBackend"
    RecordingBackend.calls.clear()
    yield RecordingBackend.calls
    RecordingBackend.calls.clear()


@pytest.fixture
def retries_run_inline() -> Iterator[None]:
    """Eager Celery that performs its retries inline instead of raising `Retry` to the caller."""
    saved = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = saved


@pytest.fixture
def provider_server() -> Iterator[Callable[[list[Answer]], ProviderServer]]:
    with ExitStack() as stack:

        def start(answers: list[Answer]) -> ProviderServer:
            generator = serve(answers)
            stack.callback(generator.close)
            return next(generator)

        yield start


@pytest.fixture
def turbosms(settings, provider_server) -> Callable[..., ProviderServer]:
    """TurboSMS as the SMS backend, pointed at a local server replaying recorded answers."""

    def start(*answers: Answer, timeout: float = 2.0) -> ProviderServer:
        server = provider_server(list(answers))
        settings.SMS_BACKEND = "turbosms"
        settings.TURBOSMS_API_URL = server.url
        settings.TURBOSMS_TOKEN = "test-token"
        settings.TURBOSMS_SENDER = "Storefront"
        settings.SMS_TIMEOUT = timeout
        return server

    return start


def _bearer_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_issue(user=user).access_token}")
    return client


@pytest.fixture
def staff_api(db) -> APIClient:
    return _bearer_client(UserFactory(is_staff=True))


@pytest.fixture
def customer_api(db) -> APIClient:
    return _bearer_client(UserFactory())
