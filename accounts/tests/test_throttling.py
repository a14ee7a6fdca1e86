"""Rate limits: per IP and per login identifier, 429 with Retry-After in the error format."""

from __future__ import annotations

import pytest

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tests.test_api_storefront import assert_error

pytestmark = pytest.mark.django_db


def rates(settings, **changes: str) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **changes},
    }


def test_sixth_login_in_a_minute_from_one_ip_is_429_with_retry_after(api_client):
    UserFactory(email="ivan@example.com")
    for attempt in range(5):
        response = api_client.post("/auth/login", {"login": f"user{attempt}@example.com", "password": "x"})
        assert response.status_code == 401

    blocked = api_client.post("/auth/login", {"login": "ivan@example.com", "password": PASSWORD})

    body = assert_error(blocked, 429, "auth.rateLimited")
    assert body["error"] == "Too Many Requests"
    assert 1 <= int(blocked["Retry-After"]) <= 60
    assert User.objects.get().last_login is None


def test_one_login_identifier_is_limited_across_ips(api_client):
    UserFactory(email="ivan@example.com")
    for attempt in range(5):
        api_client.post(
            "/auth/login", {"login": "ivan@example.com", "password": "x"}, REMOTE_ADDR=f"10.0.0.{attempt + 1}"
        )

    blocked = api_client.post(
        "/auth/login", {"login": "IVAN@example.com", "password": PASSWORD}, REMOTE_ADDR="10.0.0.99"
    )

    assert_error(blocked, 429, "auth.rateLimited")


def test_the_limit_resets_after_the_window(api_client, time_machine):
    time_machine.move_to("2026-03-01 10:00:00+00:00", tick=False)
    for _ in range(6):
        api_client.post("/auth/login", {"login": "nobody@example.com", "password": "x"})

    time_machine.move_to("2026-03-01 10:01:01+00:00", tick=False)
    response = api_client.post("/auth/login", {"login": "nobody@example.com", "password": "x"})

    assert response.status_code == 401


def test_password_reset_is_limited(api_client):
    for _ in range(5):
        assert api_client.post("/auth/forgot-password", {"email": "a@example.com"}).status_code == 201

    assert_error(
        api_client.post("/auth/forgot-password", {"email": "a@example.com"}), 429, "auth.rateLimited"
    )


def test_register_rate_comes_from_settings(api_client, settings):
    rates(settings, register="2/hour")
    for n in range(2):
        api_client.post("/api/v1/auth/register/email", {"email": f"u{n}@example.com", "password": PASSWORD})

    response = api_client.post(
        "/api/v1/auth/register/email", {"email": "u9@example.com", "password": PASSWORD}
    )

    assert_error(response, 429, "auth.rateLimited")
    assert User.objects.count() == 2


def test_session_login_is_limited_too(client):
    for _ in range(5):
        client.post(
            "/api/customers/login",
            {"email": "x@example.com", "password": "x"},
            content_type="application/json",
        )

    response = client.post(
        "/api/customers/login", {"email": "x@example.com", "password": "x"}, content_type="application/json"
    )

    assert_error(response, 429, "auth.rateLimited")


def test_rate_limits_can_be_switched_off(api_client, settings):
    settings.RATE_LIMITS_ENABLED = False

    codes = {
        api_client.post("/auth/login", {"login": "nobody@example.com", "password": "x"}).status_code
        for _ in range(10)
    }

    assert codes == {401}
