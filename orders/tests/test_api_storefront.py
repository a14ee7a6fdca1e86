"""Storefront `POST /orders`, `/orders/history`, `/me/orders`: shapes, every error, nothing changed on failure."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalog.services import product_prices_refresh
from catalog.tests.factories import DiscountFactory, ManufacturerFactory
from inventory.models import Reservation, ReservationStatus, Stock
from orders.models import Order, OrderStatus
from orders.tests.factories import stocked_product, storefront_item

pytestmark = pytest.mark.django_db

CLIENT_ID = "9b2e4c1a-0000-4000-8000-000000000001"


def order_body(*items: dict, **extra: object) -> dict:
    return {"phone": "0971112233", "clientId": CLIENT_ID, "items": list(items), **extra}


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["statusCode"] == status
    assert body["code"] == code
    return body


def assert_nothing_placed(*products) -> None:
    assert not Order.objects.exists()
    assert not Reservation.objects.exists()
    for product in products:
        assert Stock.objects.get(product=product).reserved == 0


class TestPlaceOrder:
    def test_guest_cash_order_returns_201_order_and_reserves_stock_without_expiry(self, api_client):
        soap = stocked_product(price="120.50", on_hand=5, unit="шт")
        cream = stocked_product(price="80.00", on_hand=3)

        response = api_client.post(
            "/orders",
            order_body(
                storefront_item(soap, quantity=2, title="a title the client made up"),
                storefront_item(cream),
                deliveryFee=50,
                name="Іван",
                comment="Дзвоніть після 18:00",
            ),
        )

        assert response.status_code == 201
        body = response.json()
        order = Order.objects.get()
        assert body == {
            "_id": str(order.pk),
            "phone": "+380971112233",
            "clientId": CLIENT_ID,
            "items": [
                {
                    "productId": str(soap.pk),
                    "sku": soap.sku,
                    "quantity": 2,
                    "price": 120.5,
                    "priceOriginal": 120.5,
                    "title": soap.title,
                    "options": {},
                    "unit": "шт",
                    "discountsApplied": [],
                },
                {
                    "productId": str(cream.pk),
                    "sku": cream.sku,
                    "quantity": 1,
                    "price": 80,
                    "priceOriginal": 80,
                    "title": cream.title,
                    "options": {},
                    "unit": "шт",
                    "discountsApplied": [],
                },
            ],
            "itemsTotal": 321,
            "deliveryFee": 50,
            "total": 371,
            "status": "new",
            "name": "Іван",
            "comment": "Дзвоніть після 18:00",
            "createdAt": body["createdAt"],
            "updatedAt": body["updatedAt"],
        }
        assert order.status == OrderStatus.RESERVED
        assert order.payment_method == "cash_on_delivery"
        assert order.customer is None
        assert [(e.from_status, e.to_status) for e in order.events.all()] == [
            ("", "new"),
            ("new", "reserved"),
        ]
        reservation = Reservation.objects.get(order=order)
        assert reservation.status == ReservationStatus.ACTIVE
        assert reservation.expires_at is None
        assert Stock.objects.get(product=soap).reserved == 2
        assert Stock.objects.get(product=cream).reserved == 1

    def test_logged_in_order_carries_the_customer_id(self, customer_client, customer):
        product = stocked_product()

        response = customer_client.post("/orders", order_body(storefront_item(product)))

        assert response.status_code == 201
        assert response.json()["customerId"] == str(customer.pk)
        assert Order.objects.get().customer == customer

    def test_card_order_reservation_expires_after_the_ttl(self, api_client, settings):
        settings.RESERVATION_TTL = 600
        product = stocked_product()

        api_client.post("/orders", order_body(storefront_item(product), paymentMethod="card"))

        order = Order.objects.get()
        reservation = Reservation.objects.get(order=order)
        assert order.payment_method == "card"
        assert 599 <= (reservation.expires_at - order.created_at).total_seconds() <= 601

    def test_price_is_computed_from_the_catalog_with_discounts(self, api_client):
        maker = ManufacturerFactory()
        product = stocked_product(price="200.00", manufacturer=maker)
        discount = DiscountFactory(type="percent", value=Decimal("10"), manufacturers=[maker])
        product_prices_refresh()

        response = api_client.post("/orders", order_body(storefront_item(product, price=180, quantity=2)))

        assert response.status_code == 201
        item = response.json()["items"][0]
        assert item["price"] == 180
        assert item["priceOriginal"] == 200
        assert item["manufacturerId"] == str(maker.pk)
        assert item["discountsApplied"] == [
            {
                "discountId": str(discount.pk),
                "name": discount.name,
                "type": "percent",
                "value": 10,
                "priceBefore": 200,
                "priceAfter": 180,
            }
        ]
        assert response.json()["itemsTotal"] == 360

    def test_a_changed_price_is_409_listing_the_items_and_reserves_nothing(self, api_client):
        cheap = stocked_product(price="100.00")
        fine = stocked_product(price="50.00")

        response = api_client.post(
            "/orders", order_body(storefront_item(cheap, price=90), storefront_item(fine))
        )

        body = assert_error(response, 409, "order.priceChanged")
        assert cheap.sku in body["message"]
        assert fine.sku not in body["message"]
        assert body["items"] == [
            {
                "productId": str(cheap.pk),
                "sku": cheap.sku,
                "title": cheap.title,
                "price": 100,
                "sentPrice": 90,
            }
        ]
        assert_nothing_placed(cheap, fine)

    def test_not_enough_stock_is_409_naming_the_lines_and_changes_nothing(self, api_client):
        plenty = stocked_product(on_hand=10)
        scarce = stocked_product(on_hand=1)

        response = api_client.post(
            "/orders", order_body(storefront_item(plenty, quantity=3), storefront_item(scarce, quantity=2))
        )

        body = assert_error(response, 409, "order.outOfStock")
        assert body["items"] == [{"productId": str(scarce.pk), "requested": 2, "available": 1}]
        assert_nothing_placed(plenty, scarce)

    @pytest.mark.parametrize(
        "problem",
        [
            "unknown product",
            "inactive product",
            "sku mismatch",
            "unknown option",
            "bad option value",
            "missing option",
        ],
    )
    def test_invalid_items_are_400_and_change_nothing(self, api_client, problem):
        product = stocked_product(options={"shade": ["A1", "A2"]})
        item = storefront_item(product, options={"shade": "A1"})
        if problem == "unknown product":
            item["productId"] = "999999"
        elif problem == "inactive product":
            product.is_active = False
            product.save()
        elif problem == "sku mismatch":
            item["sku"] = "OTHER-SKU"
        elif problem == "unknown option":
            item["options"] = {"shade": "A1", "size": "XL"}
        elif problem == "bad option value":
            item["options"] = {"shade": "Z9"}
        else:
            item["options"] = {}

        body = assert_error(api_client.post("/orders", order_body(item)), 400, "validation")

        assert isinstance(body["message"], list)
        assert body["message"]
        assert_nothing_placed(product)

    def test_a_valid_option_is_kept_on_the_line(self, api_client):
        product = stocked_product(options={"shade": ["A1", "A2"]})

        response = api_client.post("/orders", order_body(storefront_item(product, options={"shade": "A2"})))

        assert response.json()["items"][0]["options"] == {"shade": "A2"}

    @pytest.mark.parametrize(
        "change",
        [
            {"items": []},
            {"phone": "12"},
            {"clientId": ""},
            {"clientId": "x" * 65},
            {"deliveryFee": -1},
            {"comment": "x" * 501},
            {"name": "x" * 121},
            {"paymentMethod": "bitcoin"},
            {"items": [{"productId": "1", "sku": "S", "quantity": 0, "price": 1, "title": "t"}]},
            {"items": [{"productId": "abc", "sku": "S", "quantity": 1, "price": 1, "title": "t"}]},
            {"items": [{"productId": "1", "sku": "S", "quantity": 1, "price": -5, "title": "t"}]},
            {"items": [{"productId": "1", "quantity": 1, "price": 1, "title": "t"}]},
            {"address": {"country": "UA"}},
        ],
    )
    def test_bad_input_is_400_and_changes_nothing(self, api_client, change):
        product = stocked_product()

        response = api_client.post("/orders", {**order_body(storefront_item(product)), **change})

        body = assert_error(response, 400, "validation")
        assert all(isinstance(message, str) for message in body["message"])
        assert_nothing_placed(product)

    def test_delivery_address_is_copied_onto_the_order(self, api_client):
        product = stocked_product()
        address = {
            "name": "Іван",
            "country": "ua",
            "region": "Київська",
            "city": "Київ",
            "street": "Хрещатик",
            "building": "1",
        }

        api_client.post("/orders", order_body(storefront_item(product), address=address))

        order = Order.objects.get()
        assert (order.country, order.city, order.street, order.building) == ("UA", "Київ", "Хрещатик", "1")

    def test_an_invalid_bearer_token_is_401_not_a_silent_guest_order(self, api_client):
        product = stocked_product()
        api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

        assert_error(
            api_client.post("/orders", order_body(storefront_item(product))), 401, "auth.unauthorized"
        )
        assert_nothing_placed(product)


class TestIdempotency:
    def test_same_key_and_body_returns_the_same_order_and_creates_nothing(self, api_client):
        product = stocked_product(on_hand=5)
        body = order_body(storefront_item(product, quantity=2))

        first = api_client.post("/orders", body, HTTP_X_IDEMPOTENCY_KEY="key-1")
        second = api_client.post("/orders", body, HTTP_X_IDEMPOTENCY_KEY="key-1")

        assert first.status_code == second.status_code == 201
        assert first.json() == second.json()
        assert Order.objects.count() == 1
        assert Stock.objects.get(product=product).reserved == 2

    def test_same_key_with_a_different_body_is_422_and_creates_nothing(self, api_client):
        product = stocked_product(on_hand=5)
        api_client.post("/orders", order_body(storefront_item(product)), HTTP_X_IDEMPOTENCY_KEY="key-1")

        response = api_client.post(
            "/orders", order_body(storefront_item(product, quantity=3)), HTTP_X_IDEMPOTENCY_KEY="key-1"
        )

        assert_error(response, 422, "idempotency.conflict")
        assert Order.objects.count() == 1
        assert Stock.objects.get(product=product).reserved == 1

    def test_the_key_is_scoped_to_the_browser_for_guests(self, api_client):
        product = stocked_product(on_hand=5)

        api_client.post("/orders", order_body(storefront_item(product)), HTTP_X_IDEMPOTENCY_KEY="key-1")
        other = api_client.post(
            "/orders",
            {**order_body(storefront_item(product)), "clientId": "another-browser"},
            HTTP_X_IDEMPOTENCY_KEY="key-1",
        )

        assert other.status_code == 201
        assert Order.objects.count() == 2

    def test_without_a_key_each_post_is_a_new_order(self, api_client):
        product = stocked_product(on_hand=5)

        api_client.post("/orders", order_body(storefront_item(product)))
        api_client.post("/orders", order_body(storefront_item(product)))

        assert Order.objects.count() == 2

    def test_an_oversized_key_is_400(self, api_client):
        product = stocked_product()

        response = api_client.post(
            "/orders", order_body(storefront_item(product)), HTTP_X_IDEMPOTENCY_KEY="k" * 256
        )

        assert_error(response, 400, "validation")
        assert_nothing_placed(product)


class TestHistory:
    def test_guest_history_lists_only_orders_matching_phone_and_client_newest_first(self, api_client):
        product = stocked_product(on_hand=10)
        first = api_client.post("/orders", order_body(storefront_item(product))).json()
        second = api_client.post("/orders", order_body(storefront_item(product))).json()
        api_client.post("/orders", {**order_body(storefront_item(product)), "clientId": "other"})
        api_client.post("/orders", {**order_body(storefront_item(product)), "phone": "0501234567"})

        response = api_client.get("/orders/history", {"phone": "+38 097 111 22 33", "clientId": CLIENT_ID})

        assert response.status_code == 200
        assert [order["_id"] for order in response.json()] == [second["_id"], first["_id"]]

    @pytest.mark.parametrize(
        "query", [{}, {"phone": "0971112233"}, {"clientId": CLIENT_ID}, {"phone": "1", "clientId": CLIENT_ID}]
    )
    def test_guest_history_needs_phone_and_client_id(self, api_client, query):
        assert_error(api_client.get("/orders/history", query), 400, "validation")

    def test_my_orders_are_paged_newest_first(self, customer_client):
        product = stocked_product(on_hand=10)
        ids = [
            customer_client.post("/orders", order_body(storefront_item(product))).json()["_id"]
            for _ in range(3)
        ]

        page_one = customer_client.get("/me/orders", {"limit": 2})
        page_two = customer_client.get("/me/orders", {"limit": 2, "page": 2})

        assert page_one.json()["total"] == 3
        assert (page_one.json()["page"], page_one.json()["limit"]) == (1, 2)
        assert [o["_id"] for o in page_one.json()["items"]] == ids[::-1][:2]
        assert [o["_id"] for o in page_two.json()["items"]] == ids[::-1][2:]

    def test_my_orders_query_count_does_not_grow_with_the_page(
        self, customer_client, django_assert_max_num_queries
    ):
        products = [stocked_product(on_hand=100) for _ in range(3)]
        for _ in range(12):
            customer_client.post("/orders", order_body(*[storefront_item(p) for p in products]))

        # auth user lookup + count + orders + lines
        with django_assert_max_num_queries(4):
            small = customer_client.get("/me/orders", {"limit": 2})
        with django_assert_max_num_queries(4):
            large = customer_client.get("/me/orders", {"limit": 12})

        assert len(small.json()["items"]) == 2
        assert len(large.json()["items"]) == 12

    def test_placing_an_order_runs_a_fixed_set_of_statements_whatever_the_number_of_lines(
        self, api_client, django_assert_max_num_queries
    ):
        products = [stocked_product(on_hand=10) for _ in range(6)]
        api_client.get("/products")  # the discount book is cached from here on

        # The idempotency probe and the products, then in the transaction (a savepoint pair
        # here, inside the test's own transaction): the order, its lines, the stock lock, one
        # stock UPDATE, the reservation, its lines, the movements, the events, the notification.
        with django_assert_max_num_queries(13):
            three = api_client.post(
                "/orders",
                order_body(*[storefront_item(p) for p in products[:3]]),
                HTTP_X_IDEMPOTENCY_KEY="three-lines",
            )
        with django_assert_max_num_queries(13):
            six = api_client.post(
                "/orders", order_body(*[storefront_item(p) for p in products]), HTTP_X_IDEMPOTENCY_KEY="six"
            )

        assert (three.status_code, six.status_code) == (201, 201)
        assert len(six.json()["items"]) == 6
        assert [stock.reserved for stock in Stock.objects.order_by("product_id")] == [2, 2, 2, 1, 1, 1]
        order = Order.objects.get(pk=six.json()["_id"])
        assert order.status == OrderStatus.RESERVED
        assert list(order.events.order_by("id").values_list("from_status", "to_status")) == [
            ("", OrderStatus.NEW),
            (OrderStatus.NEW, OrderStatus.RESERVED),
        ]

    def test_my_orders_total_is_exact_on_every_page_and_a_short_first_page_needs_no_count(
        self, customer_client, django_assert_max_num_queries
    ):
        product = stocked_product(on_hand=100)
        for _ in range(3):
            customer_client.post("/orders", order_body(storefront_item(product)))

        def total(**query) -> tuple[int, int]:
            body = customer_client.get("/me/orders", query).json()
            return len(body["items"]), body["total"]

        assert total(limit=2, page=1) == (2, 3)  # full page: counted
        assert total(limit=2, page=2) == (1, 3)  # short page: offset + rows
        assert total(limit=2, page=3) == (0, 3)  # past the end: counted
        # the user, the orders, their lines: no count
        with django_assert_max_num_queries(3):
            assert total(limit=5, page=1) == (3, 3)

    @pytest.mark.parametrize("query", [{"limit": 0}, {"limit": 101}, {"page": 0}, {"limit": "x"}])
    def test_my_orders_bad_paging_is_400(self, customer_client, query):
        assert_error(customer_client.get("/me/orders", query), 400, "validation")

    def test_my_orders_needs_a_token(self, api_client):
        assert_error(api_client.get("/me/orders"), 401, "auth.unauthorized")


class TestGuestOrderLinking:
    def test_registering_attaches_guest_orders_with_the_same_phone_and_client(self, api_client):
        product = stocked_product(on_hand=10)
        mine = api_client.post("/orders", order_body(storefront_item(product))).json()
        other_browser = api_client.post(
            "/orders", {**order_body(storefront_item(product)), "clientId": "x"}
        ).json()

        tokens = api_client.post(
            "/auth/register",
            {
                "phone": "0971112233",
                "email": "new@example.com",
                "password": "Sufficiently-long-9",
                "clientId": CLIENT_ID,
            },
        ).json()["tokens"]
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['accessToken']}")
        listed = api_client.get("/me/orders").json()

        assert [order["_id"] for order in listed["items"]] == [mine["_id"]]
        assert Order.objects.get(pk=other_browser["_id"]).customer is None

    def test_logging_in_with_a_client_id_attaches_that_browsers_guest_orders(self, api_client, customer):
        from accounts.tests.factories import PASSWORD

        product = stocked_product(on_hand=10)
        guest = api_client.post("/orders", order_body(storefront_item(product))).json()

        api_client.post("/auth/login", {"login": customer.email, "password": PASSWORD, "clientId": CLIENT_ID})

        assert Order.objects.get(pk=guest["_id"]).customer == customer
