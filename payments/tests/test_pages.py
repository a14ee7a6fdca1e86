"""The sandbox payment page of checkout: success, decline, pending, phone; who may pay."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.tests.factories import UserFactory
from inventory.models import Stock
from orders.models import Order, OrderStatus
from orders.services import OrderItemInput, order_place
from orders.tests.factories import stocked_product
from payments.models import Payment, PaymentStatus

pytestmark = pytest.mark.django_db


def online_order(user, *, method: str = "card", quantity: int = 2) -> Order:
    product = stocked_product(on_hand=10, price="250.00")
    return order_place(
        items=[OrderItemInput(product_id=product.pk, quantity=quantity)],
        phone=user.phone,
        customer=user,
        payment_method=method,
    ).order


@pytest.fixture
def user(db):
    return UserFactory(phone="+380971112233")


@pytest.fixture
def logged_in(client, user) -> Client:
    client.force_login(user)
    return client


def test_the_card_page_offers_the_sandbox_test_cards(logged_in, user):
    order = online_order(user)

    response = logged_in.get(f"/checkout/pay/{order.pk}")

    assert response.status_code == 200
    content = response.content.decode()
    for token in ("sandbox_ok", "sandbox_declined", "sandbox_insufficient", "sandbox_pending"):
        assert f'value="{token}"' in content


def test_a_good_card_pays_the_order(logged_in, user):
    order = online_order(user)

    response = logged_in.post(f"/checkout/pay/{order.pk}", {"card_token": "sandbox_ok"})

    assert response["Location"] == f"/checkout/done/{order.pk}"
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    payment = Payment.objects.get()
    assert (payment.status, payment.card_last4) == (PaymentStatus.SUCCEEDED, "4242")
    done = logged_in.get(response["Location"])
    assert done.context["payment"] == payment


@pytest.mark.parametrize("token", ["sandbox_declined", "sandbox_insufficient"])
def test_a_declined_card_cancels_the_order_and_releases_the_stock(logged_in, user, token):
    order = online_order(user)

    response = logged_in.post(f"/checkout/pay/{order.pk}", {"card_token": token}, follow=True)

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.cancel_reason == "payment_failed"
    assert Stock.objects.get(product_id=order.lines.get().product_id).reserved == 0
    assert response.context["order"] == order
    assert [message.level_tag for message in response.context["messages"]] == ["error"]


def test_a_pending_card_waits_and_the_page_refreshes_itself(logged_in, user):
    order = online_order(user)

    response = logged_in.post(f"/checkout/pay/{order.pk}", {"card_token": "sandbox_pending"}, follow=True)

    assert Payment.objects.get().status == PaymentStatus.PENDING
    assert 'http-equiv="refresh"' in response.content.decode()


def test_paying_by_phone_is_confirmed_by_the_sandboxs_callback(
    logged_in, user, django_capture_on_commit_callbacks
):
    order = online_order(user, method="phone")

    page = logged_in.get(f"/checkout/pay/{order.pk}")
    with django_capture_on_commit_callbacks(execute=True):
        logged_in.post(f"/checkout/pay/{order.pk}", {"phone": "+380971112233"})

    assert page.context["form"]["phone"].value() == "+380971112233"
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_a_phone_ending_in_0000_is_rejected(logged_in, user):
    order = online_order(user, method="phone")

    logged_in.post(f"/checkout/pay/{order.pk}", {"phone": "+380970000000"})

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


@pytest.mark.parametrize(
    ("method", "data", "error_field"),
    [
        ("card", {"card_token": "4242424242424242"}, "card_token"),
        ("card", {}, "card_token"),
        ("phone", {"phone": "12"}, "phone"),
        ("phone", {"phone": ""}, "phone"),
    ],
)
def test_bad_payment_input_is_an_error_beside_the_field(logged_in, user, method, data, error_field):
    order = online_order(user, method=method)

    response = logged_in.post(f"/checkout/pay/{order.pk}", data)

    assert response.status_code == 400
    assert list(response.context["form"].errors) == [error_field]
    assert not Payment.objects.exists()


def test_a_paid_or_cash_order_has_nothing_to_pay(logged_in, user):
    paid = online_order(user)
    logged_in.post(f"/checkout/pay/{paid.pk}", {"card_token": "sandbox_ok"})
    cash = online_order(user, method="cash_on_delivery")

    assert logged_in.get(f"/checkout/pay/{paid.pk}")["Location"] == f"/checkout/done/{paid.pk}"
    assert logged_in.get(f"/checkout/pay/{cash.pk}")["Location"] == f"/checkout/done/{cash.pk}"
    assert logged_in.post(f"/checkout/pay/{paid.pk}", {"card_token": "sandbox_ok"}).status_code == 302
    assert Payment.objects.count() == 1


def test_someone_elses_order_cannot_be_paid_or_seen(client, user):
    order = online_order(user)
    client.force_login(UserFactory())

    assert client.get(f"/checkout/pay/{order.pk}").status_code == 404
    assert client.post(f"/checkout/pay/{order.pk}", {"card_token": "sandbox_ok"}).status_code == 404
    assert not Payment.objects.exists()


def test_a_guest_pays_the_order_placed_in_this_browser(client):
    product = stocked_product(on_hand=5)
    client.post("/cart/add", {"product_id": product.pk, "quantity": 1})
    token = client.get("/checkout").context["form"]["token"].value()
    placed = client.post(
        "/checkout",
        {"name": "Гість", "phone": "0971112233", "city": "Київ", "street": "Хрещатик", "country": "UA",
         "payment_method": "card", "token": token},
    )  # fmt: skip
    order = Order.objects.get()
    assert placed["Location"] == f"/checkout/pay/{order.pk}"

    client.post(placed["Location"], {"card_token": "sandbox_ok"})

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert Client().get(placed["Location"]).status_code == 404
