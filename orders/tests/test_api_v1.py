"""v1 `/api/v1/orders[...]`: placement, the customer's list and detail, reserve/confirm/cancel access rules."""

from __future__ import annotations

import pytest

from accounts.tests.factories import UserFactory
from conftest import bearer
from inventory.models import Stock
from orders.models import Order, OrderStatus
from orders.tests.factories import stocked_product
from orders.tests.test_api_storefront import assert_error

pytestmark = pytest.mark.django_db

ADDRESS = {"country": "UA", "region": "Київська", "city": "Київ", "street": "Хрещатик, 1"}


def place(client, *items, method: str = "cash_on_delivery", **extra):
    body = {**ADDRESS, "paymentMethod": method, **extra}
    if items:
        body["items"] = [{"productId": p.pk, "quantity": q} for p, q in items]
    return client.post("/api/v1/orders", body)


def test_place_with_items_returns_201_summary(customer_client, customer):
    soap = stocked_product(price="10.00")
    cream = stocked_product(price="2.50")

    response = place(customer_client, (soap, 2), (cream, 1))

    assert response.status_code == 201
    order = Order.objects.get()
    assert response.json() == {
        "orderId": order.pk,
        "status": "reserved",
        "totalAmount": 22.5,
        "currency": "UAH",
        "items": [
            {
                "productId": soap.pk,
                "sku": soap.sku,
                "title": soap.title,
                "quantity": 2,
                "price": 10,
                "total": 20,
                "options": {},
            },
            {
                "productId": cream.pk,
                "sku": cream.sku,
                "title": cream.title,
                "quantity": 1,
                "price": 2.5,
                "total": 2.5,
                "options": {},
            },
        ],
        "createdAt": response.json()["createdAt"],
    }
    assert order.customer == customer
    assert order.phone == customer.phone
    assert (order.country, order.city) == ("UA", "Київ")


def test_place_a_single_product(customer_client):
    product = stocked_product()

    response = customer_client.post(
        "/api/v1/orders", {**ADDRESS, "paymentMethod": "card", "productId": product.pk, "quantity": 3}
    )

    assert response.status_code == 201
    assert response.json()["items"][0]["quantity"] == 3


@pytest.mark.parametrize(
    "change",
    [{"paymentMethod": "barter"}, {"country": "XX"}, {"city": ""}, {"items": []}, {"phone": "123"}],
)
def test_place_with_bad_input_is_400_and_changes_nothing(customer_client, change):
    product = stocked_product()
    body = {**ADDRESS, "paymentMethod": "card", "items": [{"productId": product.pk, "quantity": 1}], **change}

    assert_error(customer_client.post("/api/v1/orders", body), 400, "validation")
    assert not Order.objects.exists()


def test_place_without_any_product_is_400(customer_client):
    assert_error(place(customer_client), 400, "validation")


def test_place_needs_a_phone_from_the_body_or_the_account(db):
    client = bearer(UserFactory(phone=None))
    product = stocked_product()

    assert_error(place(client, (product, 1)), 400, "validation")
    assert place(client, (product, 1), phone="0501234567").status_code == 201


def test_place_needs_authentication(api_client):
    product = stocked_product()

    assert_error(place(api_client, (product, 1)), 401, "auth.unauthorized")


def test_out_of_stock_is_409(customer_client):
    product = stocked_product(on_hand=1)

    assert_error(place(customer_client, (product, 2)), 409, "order.outOfStock")
    assert not Order.objects.exists()


def test_idempotency_key_on_v1(customer_client):
    product = stocked_product()

    body = {
        **ADDRESS,
        "paymentMethod": "cash_on_delivery",
        "items": [{"productId": product.pk, "quantity": 1}],
    }

    first = customer_client.post("/api/v1/orders", body, HTTP_X_IDEMPOTENCY_KEY="abc")
    second = customer_client.post("/api/v1/orders", body, HTTP_X_IDEMPOTENCY_KEY="abc")

    assert first.json()["orderId"] == second.json()["orderId"]
    assert Order.objects.count() == 1


def test_my_orders_lists_summaries_and_filters_by_status(customer_client):
    product = stocked_product()
    first = place(customer_client, (product, 1)).json()["orderId"]
    second = place(customer_client, (product, 1)).json()["orderId"]
    customer_client.post(f"/api/v1/orders/{first}/cancel", {"reason": "передумав"})

    everything = customer_client.get("/api/v1/orders/me").json()
    cancelled = customer_client.get("/api/v1/orders/me", {"status": "cancelled"}).json()

    assert [o["id"] for o in everything["items"]] == [second, first]
    assert set(everything["items"][0]) == {"id", "status", "totalAmount", "currency", "createdAt"}
    assert (everything["page"], everything["limit"], everything["total"]) == (1, 20, 2)
    assert [o["id"] for o in cancelled["items"]] == [first]


def test_my_orders_rejects_an_unknown_status(customer_client):
    assert_error(customer_client.get("/api/v1/orders/me", {"status": "lost"}), 400, "validation")


def test_detail_for_the_owner_and_staff_and_404_for_anyone_else(customer_client, staff_client):
    product = stocked_product()
    order_id = place(customer_client, (product, 1)).json()["orderId"]
    stranger = bearer(UserFactory())

    mine = customer_client.get(f"/api/v1/orders/{order_id}")
    as_staff = staff_client.get(f"/api/v1/orders/{order_id}")

    assert mine.status_code == 200
    assert as_staff.status_code == 200
    body = mine.json()
    assert body["id"] == order_id
    assert body["reservation"]["status"] == "active"
    assert body["reservation"]["expiresAt"] is None
    assert set(body) >= {
        "id",
        "status",
        "totalAmount",
        "currency",
        "items",
        "country",
        "region",
        "city",
        "street",
        "createdAt",
        "updatedAt",
    }
    assert_error(stranger.get(f"/api/v1/orders/{order_id}"), 404, "not_found")
    assert_error(customer_client.get("/api/v1/orders/999999"), 404, "not_found")


def test_reserve_is_idempotent(customer_client):
    product = stocked_product(on_hand=5)
    order_id = place(customer_client, (product, 2), method="card").json()["orderId"]

    first = customer_client.post(f"/api/v1/orders/{order_id}/reserve")
    second = customer_client.post(f"/api/v1/orders/{order_id}/reserve")

    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert first.json()["status"] == "active"
    assert first.json()["expiresAt"] is not None
    assert Stock.objects.get(product=product).reserved == 2


def test_reserving_a_cancelled_order_is_409(customer_client):
    product = stocked_product()
    order_id = place(customer_client, (product, 1)).json()["orderId"]
    customer_client.post(f"/api/v1/orders/{order_id}/cancel", {})

    assert_error(customer_client.post(f"/api/v1/orders/{order_id}/reserve"), 409, "order.invalidTransition")


def test_only_staff_confirm(customer_client, staff_client):
    product = stocked_product(on_hand=5)
    order_id = place(customer_client, (product, 2)).json()["orderId"]

    denied = customer_client.post(f"/api/v1/orders/{order_id}/confirm")
    confirmed = staff_client.post(f"/api/v1/orders/{order_id}/confirm")
    again = staff_client.post(f"/api/v1/orders/{order_id}/confirm")

    assert_error(denied, 403, "forbidden")
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == OrderStatus.CONFIRMED
    assert_error(again, 409, "order.invalidTransition")
    assert (Stock.objects.get(product=product).on_hand, Stock.objects.get(product=product).reserved) == (3, 0)


def test_customer_cancels_while_cancellable_then_staff_only(customer_client, staff_client):
    product = stocked_product(on_hand=5)
    cancellable = place(customer_client, (product, 1)).json()["orderId"]
    confirmed = place(customer_client, (product, 1)).json()["orderId"]
    staff_client.post(f"/api/v1/orders/{confirmed}/confirm")

    ok = customer_client.post(f"/api/v1/orders/{cancellable}/cancel", {"reason": "знайшов дешевше"})
    refused = customer_client.post(f"/api/v1/orders/{confirmed}/cancel", {"reason": "запізно"})
    by_staff = staff_client.post(f"/api/v1/orders/{confirmed}/cancel", {"reason": "немає кур'єра"})

    assert ok.status_code == 200
    assert ok.json()["status"] == "cancelled"
    assert ok.json()["cancelReason"] == "customer"
    assert_error(refused, 409, "order.invalidTransition")
    assert by_staff.json()["cancelReason"] == "staff"
    assert Stock.objects.get(product=product).on_hand == 5


def test_cancel_someone_elses_order_is_404(customer_client):
    product = stocked_product()
    order_id = place(customer_client, (product, 1)).json()["orderId"]

    assert_error(bearer(UserFactory()).post(f"/api/v1/orders/{order_id}/cancel", {}), 404, "not_found")
    assert Order.objects.get(pk=order_id).status == OrderStatus.RESERVED


def test_a_card_token_with_the_order_pays_it_at_once(customer_client):
    from payments.models import Payment

    product = stocked_product()

    response = place(customer_client, (product, 1), method="card", card="sandbox_ok")

    assert response.status_code == 201
    assert response.json()["status"] == OrderStatus.PAID
    assert Payment.objects.get().status == "succeeded"


def test_a_declined_card_with_the_order_cancels_it(customer_client):
    product = stocked_product(on_hand=3)

    response = place(customer_client, (product, 1), method="card", card="sandbox_declined")

    assert response.json()["status"] == OrderStatus.CANCELLED
    assert Stock.objects.get(product=product).reserved == 0


def test_detail_carries_the_payment_summary(customer_client):
    product = stocked_product(price="40.00")
    order_id = place(customer_client, (product, 2), method="card").json()["orderId"]

    unpaid = customer_client.get(f"/api/v1/orders/{order_id}").json()
    customer_client.post(f"/api/v1/orders/{order_id}/pay", {"card": "sandbox_ok"})
    paid = customer_client.get(f"/api/v1/orders/{order_id}").json()

    assert unpaid["payment"] is None
    assert paid["payment"] == {
        "paymentId": paid["payment"]["paymentId"],
        "status": "succeeded",
        "method": "card",
        "amount": 80,
        "refundedAmount": 0,
    }
    assert paid["status"] == "paid"
