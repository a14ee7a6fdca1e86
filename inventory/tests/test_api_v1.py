from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from inventory import services
from inventory.models import Reservation, Stock
from inventory.tests.factories import OrderFactory, ProductFactory, StockFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("inventory.tests.urls")]


# --- GET /api/v1/stocks ----------------------------------------------------------------------


def test_anyone_sees_available_stock_of_the_requested_products():
    first = StockFactory(on_hand=10, reserved=3)
    second = StockFactory(on_hand=2)
    StockFactory(on_hand=50)  # not asked about

    response = APIClient().get(f"/api/v1/stocks?productId={second.product_id}&productId={first.product_id}")

    assert response.status_code == 200
    assert response.json() == [
        {"productId": first.product_id, "available": 7},
        {"productId": second.product_id, "available": 2},
    ]


def test_staff_also_see_on_hand_and_reserved(staff_client):
    stock = StockFactory(on_hand=10, reserved=3)

    response = staff_client.get("/api/v1/stocks", {"productId": stock.product_id})

    assert response.json() == [{"productId": stock.product_id, "available": 7, "onHand": 10, "reserved": 3}]


def test_customers_see_only_available(customer_client):
    stock = StockFactory(on_hand=10, reserved=3)

    response = customer_client.get("/api/v1/stocks", {"productId": stock.product_id})

    assert response.json() == [{"productId": stock.product_id, "available": 7}]


def test_stocks_accepts_bracketed_ids_and_reports_unstocked_products_as_zero():
    stock = StockFactory(on_hand=4)
    unstocked = ProductFactory()

    response = APIClient().get(f"/api/v1/stocks?productId[]={stock.product_id}&productId[]={unstocked.pk}")

    assert response.json() == [
        {"productId": stock.product_id, "available": 4},
        {"productId": unstocked.pk, "available": 0},
    ]


def test_stocks_leaves_out_unknown_products():
    stock = StockFactory(on_hand=4)

    response = APIClient().get(f"/api/v1/stocks?productId={stock.product_id}&productId=987654")

    assert response.json() == [{"productId": stock.product_id, "available": 4}]


@pytest.mark.parametrize("query", ["productId=abc", "productId=1&productId=x", "productId=0", "", "other=1"])
def test_stocks_rejects_missing_or_non_integer_ids(query):
    response = APIClient().get(f"/api/v1/stocks?{query}")

    assert response.status_code == 400
    body = response.json()
    assert (body["statusCode"], body["error"], body["code"]) == (400, "Bad Request", "validation")
    assert body["fields"]
    assert all(field.startswith("productId") for field in body["fields"])


def test_stocks_takes_two_queries_whatever_the_number_of_products(django_assert_num_queries):
    ids = [StockFactory().product_id for _ in range(5)]

    with django_assert_num_queries(2):
        response = APIClient().get("/api/v1/stocks", {"productId": ids})

    assert len(response.json()) == 5


# --- POST /api/v1/reservations ------------------------------------------------------------------


def test_staff_reserve_stock_for_an_order(staff_client, time_machine, settings):
    time_machine.move_to("2026-03-01 10:00:00+00:00", tick=False)
    settings.RESERVATION_TTL = 900
    first, second = StockFactory(on_hand=5), StockFactory(on_hand=5)
    order = OrderFactory(payment_method="card")

    response = staff_client.post(
        "/api/v1/reservations",
        {
            "orderId": order.pk,
            "items": [
                {"productId": first.product_id, "quantity": 2},
                {"productId": second.product_id, "quantity": 1},
            ],
        },
    )

    assert response.status_code == 201
    reservation = Reservation.objects.get()
    assert response.json() == {"reservationId": reservation.pk, "status": "active"}
    assert reservation.order == order
    assert reservation.expires_at == timezone.now() + timedelta(seconds=900)
    assert list(Stock.objects.order_by("product_id").values_list("reserved", flat=True)) == [2, 1]


def test_cash_on_delivery_reservation_never_expires(staff_client):
    stock = StockFactory(on_hand=5)
    order = OrderFactory(payment_method="cash_on_delivery")

    response = staff_client.post(
        "/api/v1/reservations",
        {"orderId": order.pk, "items": [{"productId": stock.product_id, "quantity": 1}]},
    )

    assert response.status_code == 201
    assert Reservation.objects.get().expires_at is None


def test_reserving_more_than_available_is_409_and_reserves_nothing(staff_client):
    plenty, scarce = StockFactory(on_hand=5), StockFactory(on_hand=3, reserved=2)
    order = OrderFactory()

    response = staff_client.post(
        "/api/v1/reservations",
        {
            "orderId": order.pk,
            "items": [
                {"productId": plenty.product_id, "quantity": 1},
                {"productId": scarce.product_id, "quantity": 2},
            ],
        },
    )

    assert response.status_code == 409
    body = response.json()
    assert (body["statusCode"], body["error"], body["code"]) == (409, "Conflict", "order.outOfStock")
    assert body["items"] == [{"productId": str(scarce.product_id), "requested": 2, "available": 1}]
    assert isinstance(body["message"], str)
    assert not Reservation.objects.exists()
    assert list(Stock.objects.order_by("product_id").values_list("reserved", flat=True)) == [0, 2]


def test_reserving_for_an_unknown_order_is_404(staff_client):
    stock = StockFactory()

    response = staff_client.post(
        "/api/v1/reservations",
        {"orderId": 999_999, "items": [{"productId": stock.product_id, "quantity": 1}]},
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert Stock.objects.get().reserved == 0


def test_reserving_twice_for_one_order_is_409(staff_client):
    stock = StockFactory(on_hand=5)
    order = OrderFactory()
    body = {"orderId": order.pk, "items": [{"productId": stock.product_id, "quantity": 1}]}
    staff_client.post("/api/v1/reservations", body)

    response = staff_client.post("/api/v1/reservations", body)

    assert response.status_code == 409
    assert response.json()["code"] == "reservation.exists"
    assert Stock.objects.get().reserved == 1


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"orderId": "abc", "items": [{"productId": 1, "quantity": 1}]},
        {"items": [{"productId": 1, "quantity": 1}]},
        {"orderId": 1, "items": []},
        {"orderId": 1, "items": [{"productId": 1, "quantity": 0}]},
        {"orderId": 1, "items": [{"productId": "x", "quantity": 1}]},
        {"orderId": 1, "items": [{"quantity": 1}]},
    ],
)
def test_reserving_with_bad_input_is_400(staff_client, body):
    OrderFactory()

    response = staff_client.post("/api/v1/reservations", body)

    assert response.status_code == 400
    assert response.json()["code"] == "validation"
    assert not Reservation.objects.exists()


def test_reservations_need_authentication():
    response = APIClient().post("/api/v1/reservations", {"orderId": 1, "items": []})

    assert response.status_code == 401
    assert response.json()["code"] == "auth.unauthorized"


def test_reservations_are_for_staff_only(customer_client):
    stock = StockFactory()
    order = OrderFactory()
    reservation = services.reservation_create(lines=[(stock.product_id, 1)], order=order, ttl_seconds=None)

    create = customer_client.post(
        "/api/v1/reservations",
        {"orderId": order.pk, "items": [{"productId": stock.product_id, "quantity": 1}]},
    )
    detail = customer_client.get(f"/api/v1/reservations/{reservation.pk}")
    release = customer_client.post(f"/api/v1/reservations/{reservation.pk}/release")

    assert [create.status_code, detail.status_code, release.status_code] == [403, 403, 403]
    assert create.json()["code"] == "forbidden"
    assert Stock.objects.get().reserved == 1


# --- GET /api/v1/reservations/{id}, confirm, release --------------------------------------------


@pytest.fixture
def card_reservation(time_machine):
    time_machine.move_to("2026-03-01 10:00:00+00:00", tick=False)
    first, second = StockFactory(on_hand=10), StockFactory(on_hand=10)
    order = OrderFactory(payment_method="card")
    reservation = services.reservation_create(
        lines=[(second.product_id, 4), (first.product_id, 3)], order=order, ttl_seconds=900
    )
    return reservation, first, second


def test_staff_read_a_reservation(staff_client, card_reservation, django_assert_num_queries):
    reservation, first, second = card_reservation

    with django_assert_num_queries(2):
        response = staff_client.get(f"/api/v1/reservations/{reservation.pk}")

    assert response.status_code == 200
    assert response.json() == {
        "reservationId": reservation.pk,
        "orderId": reservation.order_id,
        "status": "active",
        "items": [
            {"productId": first.product_id, "reservedQuantity": 3},
            {"productId": second.product_id, "reservedQuantity": 4},
        ],
        "createdAt": "2026-03-01T10:00:00.000Z",
        "expiresAt": "2026-03-01T10:15:00.000Z",
    }


def test_a_reservation_that_never_expires_has_no_expires_at(staff_client):
    stock = StockFactory()
    reservation = services.reservation_create(lines=[(stock.product_id, 1)], ttl_seconds=None)

    body = staff_client.get(f"/api/v1/reservations/{reservation.pk}").json()

    assert "expiresAt" not in body
    assert body["orderId"] is None


def test_unknown_reservation_is_404(staff_client):
    for response in (
        staff_client.get("/api/v1/reservations/424242"),
        staff_client.post("/api/v1/reservations/424242/confirm"),
        staff_client.post("/api/v1/reservations/424242/release"),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_confirm_takes_the_units_out_of_stock_and_answers_the_reservation(staff_client, card_reservation):
    reservation, _first, _second = card_reservation

    response = staff_client.post(f"/api/v1/reservations/{reservation.pk}/confirm")

    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
    assert response.json()["reservationId"] == reservation.pk
    assert list(Stock.objects.order_by("product_id").values_list("on_hand", "reserved")) == [(7, 0), (6, 0)]


def test_release_returns_the_units_to_available(staff_client, card_reservation):
    reservation, _first, _second = card_reservation

    response = staff_client.post(f"/api/v1/reservations/{reservation.pk}/release")

    assert response.status_code == 200
    assert response.json()["status"] == "released"
    assert list(Stock.objects.order_by("product_id").values_list("on_hand", "reserved")) == [(10, 0), (10, 0)]


def test_repeated_confirm_is_200_and_changes_nothing(staff_client, card_reservation):
    reservation, _first, _second = card_reservation
    staff_client.post(f"/api/v1/reservations/{reservation.pk}/confirm")

    response = staff_client.post(f"/api/v1/reservations/{reservation.pk}/confirm")

    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
    assert list(Stock.objects.order_by("product_id").values_list("on_hand", "reserved")) == [(7, 0), (6, 0)]


def test_release_after_confirm_is_409(staff_client, card_reservation):
    reservation, _first, _second = card_reservation
    staff_client.post(f"/api/v1/reservations/{reservation.pk}/confirm")

    response = staff_client.post(f"/api/v1/reservations/{reservation.pk}/release")

    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["reservationStatus"]) == ("reservation.invalidTransition", "confirmed")
    assert Reservation.objects.get().status == "confirmed"
    assert list(Stock.objects.order_by("product_id").values_list("on_hand", "reserved")) == [(7, 0), (6, 0)]
