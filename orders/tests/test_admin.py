"""Admin order actions go through the services: the same rules and side effects as the API."""

from __future__ import annotations

import pytest

from accounts.models import User
from inventory.models import Stock
from orders import services
from orders.models import Order, OrderStatus
from orders.tests.factories import stocked_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser(email="boss@example.com", password="Admin-password-1"))
    return client


def place(product, quantity: int = 1) -> Order:
    return services.order_place(
        items=[services.OrderItemInput(product_id=product.pk, quantity=quantity)],
        phone="+380971112233",
        client_id="c",
    ).order


def act(admin_client, action: str, *orders: Order):
    return admin_client.post(
        "/admin/orders/order/",
        {"action": action, "_selected_action": [order.pk for order in orders]},
        follow=True,
    )


def test_confirm_action_confirms_and_deducts_stock(admin_client):
    product = stocked_product(on_hand=5)
    order = place(product, 2)

    response = act(admin_client, "confirm_orders", order)

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    assert order.events.last().actor.email == "boss@example.com"
    assert Stock.objects.get(product=product).on_hand == 3


def test_cancel_action_releases_stock_and_reports_refusals(admin_client):
    product = stocked_product(on_hand=5)
    open_order, done_order = place(product), place(product)
    services.order_confirm(order_id=done_order.pk)
    services.order_mark_done(order_id=done_order.pk)

    response = act(admin_client, "cancel_orders", open_order, done_order)

    assert Order.objects.get(pk=open_order.pk).status == OrderStatus.CANCELLED
    assert Order.objects.get(pk=done_order.pk).status == OrderStatus.DONE
    assert f"#{done_order.pk}" in response.text
    assert Stock.objects.get(product=product).reserved == 0


def test_mark_done_action(admin_client):
    product = stocked_product(on_hand=5)
    order = place(product)
    services.order_confirm(order_id=order.pk)

    act(admin_client, "mark_orders_done", order)

    assert Order.objects.get(pk=order.pk).status == OrderStatus.DONE


def test_order_page_shows_lines_and_history_and_list_searches_by_phone(admin_client):
    product = stocked_product(on_hand=5)
    order = place(product)

    detail = admin_client.get(f"/admin/orders/order/{order.pk}/change/")
    search = admin_client.get("/admin/orders/order/", {"q": "+380971112233"})
    by_id = admin_client.get("/admin/orders/order/", {"q": str(order.pk)})

    assert detail.status_code == 200
    assert product.sku in detail.text
    assert "reserved" in detail.text
    assert search.status_code == 200
    assert f"/admin/orders/order/{order.pk}/change/" in search.text
    assert f"/admin/orders/order/{order.pk}/change/" in by_id.text


def test_order_page_shows_payments_and_notifications(admin_client):
    from payments import services as payments

    product = stocked_product(on_hand=5)
    order = services.order_place(
        items=[services.OrderItemInput(product_id=product.pk, quantity=1)],
        phone="+380971112233",
        client_id="c",
        payment_method="card",
    ).order
    payments.payment_start(order_id=order.pk, card_token="sandbox_ok")

    page = admin_client.get(f"/admin/orders/order/{order.pk}/change/")

    assert page.status_code == 200
    assert "4242" in page.text
    assert "order_created" in page.text


def test_refund_action_refunds_everything_paid(admin_client):
    from payments import services as payments
    from payments.models import Payment, PaymentStatus

    product = stocked_product(on_hand=5)
    order = services.order_place(
        items=[services.OrderItemInput(product_id=product.pk, quantity=1)],
        phone="+380971112233",
        client_id="c",
        payment_method="card",
    ).order
    payments.payment_start(order_id=order.pk, card_token="sandbox_ok")

    act(admin_client, "refund_orders", order)

    assert Payment.objects.get(order=order).status == PaymentStatus.REFUNDED
