"""Cart, checkout, thank-you, guest lookup and the customer's order pages, through Django's client.

Assertions look at forms' errors and the database, not at translated text.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from accounts.models import Address
from accounts.tests.factories import PASSWORD, AddressFactory, UserFactory
from catalog.models import Product
from catalog.services import product_prices_refresh
from catalog.tests.factories import DiscountFactory
from inventory.models import Stock
from inventory.services import stock_set
from orders.cart import Cart, line_key
from orders.models import Order, OrderStatus
from orders.services import OrderItemInput, order_place
from orders.tests.factories import stocked_product

pytestmark = pytest.mark.django_db

CHECKOUT = {
    "name": "Іван Петренко",
    "phone": "097 111 22 33",
    "city": "Київ",
    "street": "Хрещатик",
    "building": "1",
    "country": "UA",
    "payment_method": "cash_on_delivery",
    "comment": "",
}


def add(client: Client, product: Product, quantity: int = 1, **options: str):
    data = {"product_id": product.pk, "quantity": quantity}
    data.update({f"option_{name}": value for name, value in options.items()})
    return client.post("/cart/add", data)


def checkout_token(client: Client) -> str:
    response = client.get("/checkout")
    assert response.status_code == 200
    return response.context["form"]["token"].value()


def place(client: Client, **fields: object):
    token = fields.pop("token", None) or checkout_token(client)
    return client.post("/checkout", {**CHECKOUT, "token": token, **fields})


def form_errors(response, form: str = "form") -> dict:
    return response.context[form].errors


# --- cart --------------------------------------------------------------------------------


class TestAddToCart:
    def test_adding_a_product_puts_it_in_the_session_cart_and_returns_to_its_page(self, client):
        product = stocked_product(price="120.00", on_hand=5)

        response = add(client, product, 2)

        assert response.status_code == 302
        assert response["Location"] == f"/catalog/{product.slug}/"
        assert Cart(client.session).count == 2

    def test_adding_the_same_variant_twice_adds_up_and_other_variants_are_own_lines(self, client):
        product = stocked_product(on_hand=10, options={"shade": ["A1", "A2"]})

        add(client, product, 1, shade="A1")
        add(client, product, 2, shade="A1")
        add(client, product, 1, shade="A2")

        cart = Cart(client.session)
        assert cart.quantity_of(line_key(product.pk, {"shade": "A1"})) == 3
        assert cart.quantity_of(line_key(product.pk, {"shade": "A2"})) == 1

    def test_next_sends_the_shopper_back_to_the_catalog_page_they_came_from(self, client):
        product = stocked_product()

        response = client.post(
            "/cart/add", {"product_id": product.pk, "quantity": 1, "next": "/catalog/?page=2"}
        )

        assert response["Location"] == "/catalog/?page=2"

    def test_a_foreign_next_is_ignored(self, client):
        product = stocked_product()

        response = client.post(
            "/cart/add", {"product_id": product.pk, "quantity": 1, "next": "https://evil.example/"}
        )

        assert response["Location"] == f"/catalog/{product.slug}/"

    def test_a_missing_option_is_an_error_beside_that_option(self, client):
        product = stocked_product(options={"shade": ["A1", "A2"]})

        response = add(client, product)

        assert response.status_code == 400
        assert list(form_errors(response)) == ["option_shade"]
        assert Cart(client.session).count == 0

    def test_an_option_value_the_product_does_not_have_is_an_error(self, client):
        product = stocked_product(options={"shade": ["A1", "A2"]})

        response = add(client, product, shade="Z9")

        assert response.status_code == 400
        assert "option_shade" in form_errors(response)

    @pytest.mark.parametrize("quantity", ["0", "-1", "1000", "two", ""])
    def test_a_bad_quantity_is_an_error_beside_the_quantity(self, client, quantity):
        product = stocked_product()

        response = client.post("/cart/add", {"product_id": product.pk, "quantity": quantity})

        assert response.status_code == 400
        assert list(form_errors(response)) == ["quantity"]

    def test_more_than_in_stock_is_an_error_beside_the_quantity(self, client):
        product = stocked_product(on_hand=3)
        add(client, product, 2)

        response = add(client, product, 2)

        assert response.status_code == 400
        assert list(form_errors(response)) == ["quantity"]
        assert Cart(client.session).count == 2

    def test_an_out_of_stock_product_cannot_be_added(self, client):
        product = stocked_product(on_hand=0)

        response = add(client, product)

        assert response.status_code == 400
        assert form_errors(response)["__all__"]

    @pytest.mark.parametrize("product_id", ["999999", "abc", ""])
    def test_an_unknown_product_is_404(self, client, product_id):
        response = client.post("/cart/add", {"product_id": product_id, "quantity": 1})

        assert response.status_code == 404

    def test_an_inactive_product_is_404(self, client):
        product = stocked_product(is_active=False)

        assert add(client, product).status_code == 404

    def test_get_is_not_allowed(self, client):
        assert client.get("/cart/add").status_code == 405


class TestCartPage:
    def test_an_empty_cart_page_answers(self, client):
        response = client.get("/cart")

        assert response.status_code == 200
        assert response.context["cart"].is_empty

    def test_prices_come_from_the_catalog_each_time(self, client):
        product = stocked_product(price="100.00")
        add(client, product, 2)
        Product.objects.filter(pk=product.pk).update(price=Decimal("80.00"), final_price=Decimal("80.00"))

        response = client.get("/cart")

        assert response.context["cart"].items_total == Decimal("160.00")
        assert response.context["total"] == Decimal("160.00")

    def test_a_discount_shows_as_savings(self, client):
        product = stocked_product(price="200.00")
        DiscountFactory(value=Decimal("10"), products=[product])
        product_prices_refresh()
        add(client, product)

        cart = client.get("/cart").context["cart"]

        assert cart.items_total == Decimal("180.00")
        assert cart.savings == Decimal("20.00")

    def test_quantities_are_updated_and_zero_removes_a_line(self, client):
        first, second = stocked_product(on_hand=9), stocked_product(on_hand=9)
        add(client, first)
        add(client, second)
        first_key, second_key = Cart(client.session).keys()

        response = client.post("/cart", {f"qty_{first_key}": "4", f"qty_{second_key}": "0", "update": "1"})

        assert response.status_code == 302
        cart = Cart(client.session)
        assert cart.keys() == [first_key]
        assert cart.quantity_of(first_key) == 4

    def test_the_remove_button_removes_its_line(self, client):
        product = stocked_product()
        add(client, product)
        (key,) = Cart(client.session).keys()

        client.post("/cart", {f"qty_{key}": "1", "remove": key})

        assert len(Cart(client.session)) == 0

    @pytest.mark.parametrize("quantity", ["-1", "abc", "1000", ""])
    def test_a_bad_quantity_is_an_error_beside_its_line(self, client, quantity):
        product = stocked_product()
        add(client, product)
        (key,) = Cart(client.session).keys()

        response = client.post("/cart", {f"qty_{key}": quantity, "update": "1"})

        assert response.status_code == 400
        assert list(form_errors(response)) == [f"qty_{key}"]
        assert Cart(client.session).quantity_of(key) == 1

    def test_check_out_saves_the_quantities_then_opens_checkout(self, client):
        product = stocked_product(on_hand=9)
        add(client, product)
        (key,) = Cart(client.session).keys()

        response = client.post("/cart", {f"qty_{key}": "3", "checkout": "1"})

        assert response["Location"] == "/checkout"
        assert Cart(client.session).quantity_of(key) == 3

    def test_a_product_taken_off_sale_shows_as_gone_and_blocks_checkout(self, client):
        product = stocked_product()
        add(client, product)
        Product.objects.filter(pk=product.pk).update(is_active=False)

        page = client.get("/cart")
        response = place(client)

        assert page.context["cart"].unavailable_lines
        assert response.status_code == 400
        assert form_errors(response)["__all__"]
        assert not Order.objects.exists()


# --- checkout -----------------------------------------------------------------------------


class TestCheckout:
    def test_an_empty_cart_redirects_to_the_cart(self, client):
        assert client.get("/checkout")["Location"] == "/cart"

    def test_a_guest_places_a_cash_order_and_lands_on_the_thank_you_page(self, client):
        soap, cream = stocked_product(price="120.50", on_hand=5), stocked_product(price="80.00", on_hand=5)
        add(client, soap, 2)
        add(client, cream)

        response = place(client, comment="Дзвоніть після 18:00", email="ivan@example.com")

        order = Order.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/checkout/done/{order.pk}"
        assert order.status == OrderStatus.RESERVED
        assert order.customer is None
        assert order.phone == "+380971112233"
        assert order.client_id == client.session["client_id"]
        assert order.email == "ivan@example.com"
        assert (order.city, order.street, order.building, order.country) == ("Київ", "Хрещатик", "1", "UA")
        assert order.items_total == Decimal("321.00")
        assert order.total == Decimal("321.00")
        assert order.comment == "Дзвоніть після 18:00"
        assert Stock.objects.get(product=soap).reserved == 2
        assert len(Cart(client.session)) == 0
        done = client.get(response["Location"])
        assert done.status_code == 200
        assert done.context["order"] == order
        assert done.context["is_guest"] is True

    def test_a_double_submit_of_the_same_form_makes_one_order(self, client):
        product = stocked_product(on_hand=5)
        add(client, product, 2)
        token = checkout_token(client)
        before = {key: client.session[key] for key in ("cart", "checkout")}

        first = client.post("/checkout", {**CHECKOUT, "token": token})
        # The second click's request left the browser before the first one's answer came
        # back: it carries the same session state and the same form.
        session = client.session
        session.update(before)
        session.pop("checkout_placed")
        session.save()
        second = client.post("/checkout", {**CHECKOUT, "token": token})

        order = Order.objects.get()
        assert first["Location"] == second["Location"] == f"/checkout/done/{order.pk}"
        assert Stock.objects.get(product=product).reserved == 2

    def test_re_sending_the_form_after_the_order_was_placed_shows_that_order(self, client):
        product = stocked_product(on_hand=5)
        add(client, product)
        token = checkout_token(client)
        first = client.post("/checkout", {**CHECKOUT, "token": token})

        again = client.post("/checkout", {**CHECKOUT, "token": token})

        assert again.status_code == 302
        assert again["Location"] == first["Location"]
        assert Order.objects.count() == 1

    def test_a_form_with_an_unknown_token_is_refused_with_a_fresh_token(self, client):
        product = stocked_product()
        add(client, product)
        checkout_token(client)

        response = client.post("/checkout", {**CHECKOUT, "token": "forged"})

        assert response.status_code == 400
        assert form_errors(response)["__all__"]
        assert response.context["form"]["token"].value() == client.session["checkout"]["token"]
        assert not Order.objects.exists()

    def test_a_logged_in_customer_orders_under_their_account(self, client):
        user = UserFactory(phone="+380971112233")
        client.force_login(user)
        product = stocked_product()
        add(client, product)

        page = client.get("/checkout")
        response = place(client)

        assert page.context["form"]["phone"].value() == "+380971112233"
        order = Order.objects.get()
        assert order.customer == user
        assert order.email == user.email
        assert client.get(f"/profile/orders/{order.pk}").status_code == 200
        assert response["Location"] == f"/checkout/done/{order.pk}"

    def test_a_saved_address_can_be_chosen(self, client):
        user = UserFactory()
        address = AddressFactory(user=user, city="Львів", street="Городоцька", building="5", is_default=True)
        client.force_login(user)
        add(client, stocked_product())

        place(client, address_choice=str(address.pk), city="", street="")

        order = Order.objects.get()
        assert (order.city, order.street, order.building) == ("Львів", "Городоцька", "5")

    def test_a_new_address_can_be_saved_to_the_address_book(self, client):
        user = UserFactory()
        AddressFactory(user=user, is_default=True)
        client.force_login(user)
        add(client, stocked_product())

        place(client, address_choice="new", city="Одеса", street="Дерибасівська", save_address="on")

        assert Address.objects.filter(user=user, city="Одеса").exists()
        assert Order.objects.get().city == "Одеса"

    @pytest.mark.parametrize(
        ("fields", "error_field"),
        [
            ({"name": ""}, "name"),
            ({"name": "x" * 121}, "name"),
            ({"phone": ""}, "phone"),
            ({"phone": "12345"}, "phone"),
            ({"phone": "not a phone"}, "phone"),
            ({"email": "not-an-email"}, "email"),
            ({"city": ""}, "city"),
            ({"street": ""}, "street"),
            ({"country": "XX"}, "country"),
            ({"payment_method": "bitcoin"}, "payment_method"),
            ({"payment_method": ""}, "payment_method"),
            ({"comment": "x" * 501}, "comment"),
            ({"building": "x" * 31}, "building"),
        ],
    )
    def test_each_bad_field_is_an_error_beside_it_and_nothing_is_placed(self, client, fields, error_field):
        add(client, stocked_product())

        response = place(client, **fields)

        assert response.status_code == 400
        assert list(form_errors(response)) == [error_field]
        assert not Order.objects.exists()
        assert len(Cart(client.session)) == 1

    def test_an_address_of_someone_else_cannot_be_chosen(self, client):
        user = UserFactory()
        AddressFactory(user=user, is_default=True)
        strangers = AddressFactory()
        client.force_login(user)
        add(client, stocked_product())

        response = place(client, address_choice=str(strangers.pk))

        assert response.status_code == 400
        assert "address_choice" in form_errors(response)

    def test_a_price_that_changed_after_the_page_was_shown_is_refused_and_shown_anew(self, client):
        product = stocked_product(price="100.00")
        add(client, product)
        token = checkout_token(client)
        Product.objects.filter(pk=product.pk).update(price=Decimal("90.00"), final_price=Decimal("90.00"))

        refused = client.post("/checkout", {**CHECKOUT, "token": token})

        assert refused.status_code == 409
        assert form_errors(refused)["__all__"]
        assert refused.context["total"] == Decimal("90.00")
        assert not Order.objects.exists()
        # The shopper has now seen the new price: the same form goes through.
        accepted = client.post("/checkout", {**CHECKOUT, "token": token})
        assert accepted.status_code == 302
        assert Order.objects.get().total == Decimal("90.00")

    def test_not_enough_stock_names_the_lines_and_places_nothing(self, client):
        short = stocked_product(on_hand=5)
        plenty = stocked_product(on_hand=50)
        add(client, short, 4)
        add(client, plenty, 1)
        token = checkout_token(client)
        stock_set(product_id=short.pk, on_hand=2)

        response = client.post("/checkout", {**CHECKOUT, "token": token})

        assert response.status_code == 409
        assert form_errors(response)["__all__"]
        assert list(response.context["line_errors"]) == [line_key(short.pk, {})]
        assert not Order.objects.exists()

    def test_invalid_items_are_reported(self, client):
        product = stocked_product(options={"shade": ["A1", "A2"]})
        add(client, product, shade="A1")
        token = checkout_token(client)
        Product.objects.filter(pk=product.pk).update(options={"size": ["S"]})

        response = client.post("/checkout", {**CHECKOUT, "token": token})

        assert response.status_code == 400
        assert form_errors(response)["__all__"]
        assert not Order.objects.exists()

    def test_card_and_phone_orders_go_to_the_payment_page(self, client):
        add(client, stocked_product())
        response = place(client, payment_method="card")

        order = Order.objects.get()
        assert response["Location"] == f"/checkout/pay/{order.pk}"
        assert order.payment_method == "card"


class TestThankYouPage:
    def test_another_browser_cannot_see_a_guests_order(self, client):
        add(client, stocked_product())
        location = place(client)["Location"]

        assert Client().get(location).status_code == 404

    def test_another_customer_cannot_see_it_either(self, client):
        owner = UserFactory()
        client.force_login(owner)
        add(client, stocked_product())
        location = place(client)["Location"]
        stranger = Client()
        stranger.force_login(UserFactory())

        assert stranger.get(location).status_code == 404

    def test_an_unknown_order_is_404(self, client):
        assert client.get("/checkout/done/424242").status_code == 404


# --- guest orders and registration ----------------------------------------------------------


class TestGuestOrdersJoinTheAccount:
    def test_registering_with_the_same_phone_in_the_same_browser_attaches_the_guest_order(self, client):
        add(client, stocked_product())
        place(client, phone="+380 97 555 44 33")
        order = Order.objects.get()

        client.post(
            "/register",
            {"phone": "0975554433", "email": "new@example.com", "password": "Sufficiently-long-9"},
        )

        order.refresh_from_db()
        assert order.customer is not None
        assert order.customer.email == "new@example.com"
        listing = client.get("/profile/orders")
        assert [listed.pk for listed in listing.context["orders"]] == [order.pk]

    def test_another_browser_registering_the_phone_does_not_get_the_order(self, client):
        add(client, stocked_product())
        place(client, phone="+380975554433")

        Client().post(
            "/register",
            {"phone": "0975554433", "email": "new@example.com", "password": "Sufficiently-long-9"},
        )

        assert Order.objects.get().customer is None


class TestOrderLookup:
    def test_the_empty_form_answers(self, client):
        response = client.get("/orders/lookup")

        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        assert response.context["order"] is None

    def test_phone_and_number_find_the_order_from_any_browser(self, client):
        add(client, stocked_product())
        place(client, phone="0971112233")
        order = Order.objects.get()

        response = Client().get("/orders/lookup", {"phone": "+38 097 111 22 33", "number": order.pk})

        assert response.status_code == 200
        assert response.context["order"] == order

    def test_a_wrong_phone_finds_nothing(self, client):
        add(client, stocked_product())
        place(client, phone="0971112233")
        order = Order.objects.get()

        response = client.get("/orders/lookup", {"phone": "0679998877", "number": order.pk})

        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")
        assert response.context["order"] is None
        assert form_errors(response)["__all__"]

    @pytest.mark.parametrize(
        ("query", "error_field"),
        [
            ({"phone": "0971112233", "number": "abc"}, "number"),
            ({"phone": "0971112233", "number": "0"}, "number"),
            ({"phone": "0971112233", "number": ""}, "number"),
            ({"phone": "123", "number": "5"}, "phone"),
            ({"phone": "", "number": "5"}, "phone"),
        ],
    )
    def test_bad_input_is_an_error_beside_its_field(self, client, query, error_field):
        response = client.get("/orders/lookup", query)

        assert response.status_code == 400
        assert list(form_errors(response)) == [error_field]


# --- the customer's orders --------------------------------------------------------------------


def customer_order(user, *, quantity: int = 1, payment_method: str = "cash_on_delivery") -> Order:
    product = stocked_product(on_hand=20)
    return order_place(
        items=[OrderItemInput(product_id=product.pk, quantity=quantity)],
        phone=user.phone,
        customer=user,
        payment_method=payment_method,
    ).order


class TestMyOrders:
    def test_private_pages_redirect_to_login(self, client):
        assert client.get("/profile/orders")["Location"] == "/login?next=/profile/orders"
        assert client.get("/profile/orders/1")["Location"] == "/login?next=/profile/orders/1"

    def test_the_list_is_paged_newest_first(self, client):
        user = UserFactory()
        orders = [customer_order(user) for _ in range(12)]
        client.force_login(user)

        first = client.get("/profile/orders")
        second = client.get("/profile/orders", {"page": 2})

        assert [order.pk for order in first.context["orders"]] == [order.pk for order in orders[::-1][:10]]
        assert [order.pk for order in second.context["orders"]] == [orders[1].pk, orders[0].pk]
        assert first.context["pager"].pages == 2

    @pytest.mark.parametrize("page", ["0", "-1", "x", "99"])
    def test_odd_pages_never_fail(self, client, page):
        user = UserFactory()
        customer_order(user)
        client.force_login(user)

        assert client.get("/profile/orders", {"page": page}).status_code == 200

    def test_the_order_page_shows_lines_history_and_a_cancel_button_while_cancellable(self, client):
        user = UserFactory()
        order = customer_order(user, quantity=2)
        client.force_login(user)

        response = client.get(f"/profile/orders/{order.pk}")

        assert response.status_code == 200
        assert response.context["cancellable"] is True
        assert [event.to_status for event in response.context["order"].events.all()] == ["new", "reserved"]
        assert f'action="/profile/orders/{order.pk}/cancel"' in response.content.decode()

    def test_cancel_cancels_and_releases_stock(self, client):
        user = UserFactory()
        order = customer_order(user, quantity=2)
        client.force_login(user)

        response = client.post(f"/profile/orders/{order.pk}/cancel")

        order.refresh_from_db()
        assert response["Location"] == f"/profile/orders/{order.pk}"
        assert order.status == OrderStatus.CANCELLED
        assert order.cancel_reason == "customer"
        page = client.get(f"/profile/orders/{order.pk}")
        assert page.context["cancellable"] is False
        assert "/cancel" not in page.content.decode()

    def test_a_confirmed_order_cannot_be_cancelled_by_the_customer(self, client):
        from orders.services import order_confirm

        user = UserFactory()
        order = customer_order(user)
        order_confirm(order_id=order.pk)
        client.force_login(user)

        response = client.post(f"/profile/orders/{order.pk}/cancel", follow=True)

        order.refresh_from_db()
        assert order.status == OrderStatus.CONFIRMED
        assert [message.level_tag for message in response.context["messages"]] == ["error"]

    def test_someone_elses_order_is_404_to_view_and_to_cancel(self, client):
        order = customer_order(UserFactory())
        client.force_login(UserFactory())

        assert client.get(f"/profile/orders/{order.pk}").status_code == 404
        assert client.post(f"/profile/orders/{order.pk}/cancel").status_code == 404
        order.refresh_from_db()
        assert order.status == OrderStatus.RESERVED

    def test_cancel_is_post_only(self, client):
        user = UserFactory()
        order = customer_order(user)
        client.force_login(user)

        assert client.get(f"/profile/orders/{order.pk}/cancel").status_code == 405


class TestCartSurvivesLogin:
    def test_logging_in_keeps_the_cart_and_the_browser_id(self, client):
        user = UserFactory(email="ivan@example.com")
        add(client, stocked_product(), 2)
        session = client.session
        session["client_id"] = client_id = "5b0c1d2e-0000-4000-8000-00000000abcd"
        session.save()

        response = client.post("/login", {"login": "ivan@example.com", "password": PASSWORD})

        assert response.status_code == 302
        assert Cart(client.session).count == 2
        assert client.session["client_id"] == client_id
        assert client.session["_auth_user_id"] == str(user.pk)

    def test_logging_in_over_another_account_still_carries_the_cart(self, client):
        UserFactory(email="first@example.com")
        UserFactory(email="second@example.com")
        client.post("/login", {"login": "first@example.com", "password": PASSWORD})
        add(client, stocked_product(), 3)

        client.post("/login", {"login": "second@example.com", "password": PASSWORD})

        assert Cart(client.session).count == 3

    def test_logging_out_empties_the_session(self, client):
        UserFactory(email="ivan@example.com")
        client.post("/login", {"login": "ivan@example.com", "password": PASSWORD})
        add(client, stocked_product())

        client.post("/logout")

        assert len(Cart(client.session)) == 0
        assert "_auth_user_id" not in client.session


class TestEveryPageOfTheSpec:
    def test_each_path_answers_for_its_owner_and_private_ones_send_strangers_to_login(self, client):
        user = UserFactory()
        product = stocked_product(slug="demo")
        order = customer_order(user, payment_method="card")
        public = ["/", "/register", "/login", "/logout", "/forgot-password", "/reset-password?token=x",
                  "/catalog/", "/catalog/demo/", "/cart", "/orders/lookup"]  # fmt: skip
        private = ["/profile", "/profile/edit", "/profile/password", "/profile/addresses", "/profile/orders",
                   f"/profile/orders/{order.pk}", "/profile/favorites"]  # fmt: skip

        for path in public:
            assert client.get(path).status_code == 200, path
        for path in private:
            assert client.get(path)["Location"] == f"/login?next={path}", path

        client.force_login(user)
        for path in [*private, f"/checkout/pay/{order.pk}", f"/checkout/done/{order.pk}"]:
            assert client.get(path).status_code == 200, path
        add(client, product)
        assert client.get("/checkout").status_code == 200
        assert client.post("/logout")["Location"] == "/"


class TestMoreCheckoutRefusals:
    def test_a_token_already_used_for_another_order_is_refused_with_a_fresh_one(self, client):
        product = stocked_product(on_hand=9)
        add(client, product)
        session = client.session
        session["client_id"] = client_id = "7d1e0c3b-0000-4000-8000-0000000000aa"
        session.save()
        token = checkout_token(client)
        # Some other request already placed a different order with this key for this browser.
        order_place(
            items=[OrderItemInput(product_id=product.pk, quantity=3)],
            phone="+380971112233",
            client_id=client_id,
            idempotency_key=token,
        )

        response = client.post("/checkout", {**CHECKOUT, "token": token})

        assert response.status_code == 409
        assert form_errors(response)["__all__"]
        assert response.context["form"]["token"].value() != token
        assert Order.objects.count() == 1

    def test_a_full_cart_refuses_one_more_line(self, client):
        product = stocked_product()
        session = client.session
        session["cart"] = {f"k{index}": {"p": 10_000 + index, "o": {}, "q": 1} for index in range(100)}
        session.save()

        response = add(client, product)

        assert response.status_code == 400
        assert form_errors(response)["__all__"]
        assert len(Cart(client.session)) == 100
