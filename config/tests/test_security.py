"""Security: forged tokens, IDOR on every object endpoint, staff endpoints as a customer,
hostile bodies and filter values, and secrets kept out of the logs."""

from __future__ import annotations

import base64
import json
import logging
from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from accounts.services import tokens_issue
from accounts.tests.factories import PASSWORD, AddressFactory, UserFactory
from conftest import bearer
from orders import services as orders
from orders.models import Order
from orders.tests.factories import stocked_product, storefront_item
from payments import services as payments

pytestmark = pytest.mark.django_db


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def assert_401(response) -> None:
    assert response.status_code == 401
    assert response.json()["statusCode"] == 401


class TestForgedTokens:
    def _claims(self, user) -> dict:
        return jwt.decode(tokens_issue(user=user).access_token, options={"verify_signature": False})

    def test_a_tampered_payload_is_401(self, api_client, customer):
        header, _payload, signature = tokens_issue(user=customer).access_token.split(".")
        other = UserFactory()
        forged = f"{header}.{b64({**self._claims(customer), 'user_id': str(other.pk)})}.{signature}"
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {forged}")

        assert_401(api_client.get("/me"))

    def test_alg_none_is_401(self, api_client, customer):
        unsigned = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(self._claims(customer))}."
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {unsigned}")

        assert_401(api_client.get("/me"))

    def test_a_token_signed_with_another_key_is_401(self, api_client, customer):
        forged = jwt.encode(self._claims(customer), "not-our-key-" * 4, algorithm="HS256")
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {forged}")

        assert_401(api_client.get("/me"))

    def test_a_refresh_token_is_not_an_access_token(self, api_client, customer):
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_issue(user=customer).refresh_token}")

        assert_401(api_client.get("/me"))

    def test_an_access_token_is_401_from_the_second_it_expires(self, api_client, customer, time_machine):
        time_machine.move_to("2026-03-01 10:00:00+00:00", tick=False)
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_issue(user=customer).access_token}")
        lifetime = settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"]

        time_machine.shift(lifetime - timedelta(seconds=1))
        assert api_client.get("/me").status_code == 200
        time_machine.shift(timedelta(seconds=2))
        assert_401(api_client.get("/me"))

    def test_an_expired_refresh_token_is_401_and_spends_nothing(self, api_client, customer, time_machine):
        time_machine.move_to("2026-03-01 10:00:00+00:00", tick=False)
        refresh = tokens_issue(user=customer).refresh_token
        time_machine.shift(settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"] + timedelta(seconds=1))

        assert_401(api_client.post("/auth/refresh", {"refreshToken": refresh}))
        assert not BlacklistedToken.objects.exists()

    def test_an_access_token_dies_with_a_password_change(self, api_client, customer):
        token = tokens_issue(user=customer).access_token
        customer.set_password("Another-password-77")
        customer.save()
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

        assert_401(api_client.get("/me"))


@pytest.fixture
def victim_objects(db):
    """Objects that belong to someone: every id an attacker could try."""
    victim = UserFactory()
    product = stocked_product(on_hand=5)
    order = orders.order_place(
        items=[orders.OrderItemInput(product_id=product.pk, quantity=1)],
        phone="+380501112233",
        client_id="victim",
        customer=victim,
        payment_method="card",
    ).order
    payment = payments.payment_start(order_id=order.pk, card_token="sandbox_ok")
    refund = payments.refund_create(payment_id=payment.pk, amount=payment.amount / 2)
    address = AddressFactory(user=victim)
    return {"order": order.pk, "payment": payment.pk, "refund": refund.pk, "address": address.pk}


IDOR_CALLS = [
    ("get", "/api/v1/orders/{order}"),
    ("post", "/api/v1/orders/{order}/reserve"),
    ("post", "/api/v1/orders/{order}/cancel"),
    ("post", "/api/v1/orders/{order}/pay"),
    ("get", "/api/v1/payments/{payment}"),
    ("get", "/api/v1/refunds/{refund}"),
    ("get", "/api/v1/users/me/addresses/{address}"),
    ("patch", "/api/v1/users/me/addresses/{address}"),
    ("delete", "/api/v1/users/me/addresses/{address}"),
]


@pytest.mark.parametrize(("method", "template"), IDOR_CALLS)
def test_another_customers_objects_are_404_and_untouched(customer_client, victim_objects, method, template):
    before = Order.objects.values_list("status", flat=True).get(pk=victim_objects["order"])

    response = getattr(customer_client, method)(template.format(**victim_objects), {})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert Order.objects.values_list("status", flat=True).get(pk=victim_objects["order"]) == before


STAFF_CALLS = [
    ("post", "/api/v1/orders/{order}/confirm", {}),
    ("post", "/api/v1/refunds", {"orderId": 1, "paymentId": 1, "amount": "1"}),
    ("get", "/api/v1/reservations/1", None),
    ("post", "/api/v1/reservations", {"orderId": 1, "items": [{"productId": 1, "quantity": 1}]}),
    (
        "post",
        "/api/v1/notifications/send",
        {"channel": "sms", "to": "+380971112233", "template": "order_paid", "variables": {}},
    ),
    ("get", "/api/v1/notifications/1", None),
    ("get", "/rest/v1/customers/", None),
    ("get", "/rest/v1/favorites/", None),
    ("post", "/rest/v1/service/import_customers/", {}),
]


@pytest.mark.parametrize(("method", "template", "body"), STAFF_CALLS)
def test_staff_endpoints_refuse_customers_with_403_and_strangers_with_401(
    customer_client, victim_objects, method, template, body
):
    url = template.format(**victim_objects)

    as_customer = getattr(customer_client, method)(url, body or {})
    as_stranger = getattr(APIClient(), method)(url, body or {})

    assert as_customer.status_code == 403
    assert as_stranger.status_code == 401
    assert Order.objects.get(pk=victim_objects["order"]).status == "paid"


class TestHostileInput:
    def test_an_oversized_body_is_413_in_the_error_format(self, api_client):
        huge = json.dumps({"login": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10), "password": "x"})

        response = api_client.generic("POST", "/auth/login", huge, content_type="application/json")

        assert response.status_code == 413
        assert response.json()["code"] == "payload_too_large"

    @pytest.mark.parametrize("body", ['{"login": ', "[]", "null", '"text"', "{'login': 'x'}", "\x00"])
    def test_malformed_json_is_400(self, api_client, body):
        response = api_client.generic("POST", "/auth/login", body, content_type="application/json")

        assert response.status_code == 400
        assert response.json()["code"] == "validation"

    @pytest.mark.parametrize(
        "name",
        ["Ім'я 👩‍👩‍👧", "\u202eRTL override", "zero\u200bwidth", "Ω≈ç√∫", "ДЖ" * 60, "a\u0000b"],
    )
    def test_unicode_in_text_fields_is_stored_or_refused_never_a_500(self, customer_client, name):
        product = stocked_product(on_hand=5)

        me = customer_client.patch("/me", {"name": name})
        order = customer_client.post(
            "/orders",
            {
                "phone": "0971112233",
                "clientId": name[:64],
                "name": name[:120],
                "comment": name,
                "items": [storefront_item(product)],
            },
        )

        assert me.status_code in (200, 400)
        assert order.status_code in (201, 400)
        if "\x00" in name:
            assert me.status_code == order.status_code == 400

    @pytest.mark.parametrize(
        "value",
        [
            "1' OR '1'='1",
            "1; DROP TABLE catalog_product;--",
            "%' UNION SELECT password FROM accounts_user --",
            "\\x00",
            "%",
            "_",
        ],
    )
    def test_sql_looking_filter_values_are_data_not_code(self, api_client, value):
        stocked_product(on_hand=1, title="Звичайний товар")

        responses = [
            api_client.get("/products", {"q": value}),
            api_client.get("/products", {"category": value}),
            api_client.get("/products", {"sort": value}),
            api_client.get("/products", {"manufacturerId": value}),
            api_client.get("/products", {"tags[]": value}),
            api_client.get("/products", {"priceFrom": value}),
            api_client.get(f"/products/{value}"),
            api_client.get("/api/v1/products", {"q": value}),
        ]

        assert all(response.status_code in (200, 400, 404) for response in responses)
        assert all(response["Content-Type"] == "application/json" for response in responses)
        assert api_client.get("/products").json()["total"] == 1


def test_passwords_and_tokens_never_reach_the_logs(api_client, caplog, django_capture_on_commit_callbacks):
    user = UserFactory(email="ivan@example.com")
    caplog.set_level(logging.DEBUG)

    login = api_client.post("/auth/login", {"login": "ivan@example.com", "password": PASSWORD}).json()
    api_client.post("/auth/login", {"login": "ivan@example.com", "password": "Wrong-Password-123"})
    refreshed = api_client.post("/auth/refresh", {"refreshToken": login["tokens"]["refreshToken"]}).json()
    api_client.post("/auth/refresh", {"refreshToken": login["tokens"]["refreshToken"]})
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post("/auth/forgot-password", {"email": "ivan@example.com"})
    bearer(user).post("/api/v1/auth/password/change", {"currentPassword": "nope-nope-1", "newPassword": "x"})

    secrets = [
        PASSWORD,
        "Wrong-Password-123",
        login["tokens"]["accessToken"],
        login["tokens"]["refreshToken"],
        refreshed["refreshToken"],
    ]
    assert caplog.records, "the requests above must have logged something to check"
    for secret in secrets:
        assert secret not in caplog.text
