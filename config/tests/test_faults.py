"""Faults: Redis down, the broker down during placement, the database connection dropped mid-request."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection, connections
from django.http import HttpRequest
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.tests.factories import CategoryFactory, DiscountFactory
from notifications.models import Notification, NotificationStatus
from notifications.tests.brokers import DEAD_BROKER_URL, broker
from orders.models import Order
from orders.tests.factories import stocked_product, storefront_item

DEAD_REDIS = "redis://127.0.0.1:1/0"


class DroppedConnectionView(APIView):
    """Loses its database connection half-way, like a failover or a killed backend."""

    authentication_classes: list = []

    def get(self, request: HttpRequest) -> Response:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        finally:
            other.close()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return Response({"unreachable": True})


urlpatterns = [path("api/v1/dropped", DroppedConnectionView.as_view())]


@pytest.fixture
def redis_down(settings):
    """The cache (rate-limit counters) points at a port where nothing listens."""
    settings.CACHES = {"default": {"BACKEND": "config.cache.RedisCache", "LOCATION": DEAD_REDIS}}
    yield
    caches["default"].close()


@pytest.fixture
def broker_down():
    with broker(DEAD_BROKER_URL):
        yield


@pytest.mark.django_db
def test_with_redis_down_rate_limited_login_still_answers_fail_open(api_client, redis_down, customer):
    from accounts.tests.factories import PASSWORD

    response = api_client.post("/auth/login", {"login": customer.email, "password": PASSWORD})

    assert response.status_code == 201
    assert response.json()["customer"]["id"] == str(customer.pk)


@pytest.mark.django_db
def test_with_redis_down_the_catalog_and_checkout_answer_from_the_database(api_client, redis_down, caplog):
    category = CategoryFactory(slug="dental")
    product = stocked_product(on_hand=3, price="100.00", category=category)
    DiscountFactory(categories=[category], value=Decimal("10"))

    listing = api_client.get("/products", {"category": "dental"})
    detail = api_client.get(f"/products/{product.slug}")
    categories = api_client.get("/categories")
    placed = api_client.post(
        "/orders",
        {"phone": "0971112233", "clientId": "c", "items": [storefront_item(product, price=90)]},
        HTTP_X_IDEMPOTENCY_KEY="redis-down",
    )

    assert (listing.status_code, detail.status_code, categories.status_code) == (200, 200, 200)
    assert listing.json()["total"] == 1
    assert listing.json()["items"][0]["price"] == 90
    assert detail.json()["available"] == 3
    assert [item["slug"] for item in categories.json()] == ["dental"]
    assert placed.status_code == 201, placed.content
    assert Order.objects.get().total == Decimal("90.00")
    # Logged once, not once per cache call.
    assert [r.message for r in caplog.records if r.name == "config.cache"] == [
        "cache unavailable, answering without it: ConnectionError"
    ]


@pytest.mark.django_db
def test_with_redis_down_readyz_says_the_cache_is_unavailable(client, redis_down):
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "unavailable"
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_an_order_is_placed_and_its_notifications_wait_in_the_outbox(
    api_client, broker_down
):
    product = stocked_product(on_hand=3)

    response = api_client.post(
        "/orders",
        {"phone": "0971112233", "clientId": "b", "items": [storefront_item(product)]},
        HTTP_X_IDEMPOTENCY_KEY="broker-down",
    )

    assert response.status_code == 201
    order = Order.objects.get()
    queued = Notification.objects.filter(order=order)
    assert queued.exists()
    assert set(queued.values_list("status", flat=True)) == {NotificationStatus.QUEUED}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.urls("config.tests.test_faults")
def test_a_database_connection_dropped_mid_request_is_a_clean_503(client, postgres_only):
    client.raise_request_exception = False

    response = client.get("/api/v1/dropped")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "statusCode": 503,
        "message": "Сервіс тимчасово недоступний",
        "error": "Service Unavailable",
        "code": "service_unavailable",
    }
    connection.close()
