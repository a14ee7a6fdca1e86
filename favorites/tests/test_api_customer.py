"""A customer's own favorites: Storefront `/me/favorites` and v1 `/api/v1/favorites`."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import DiscountType
from catalog.services import product_prices_refresh
from catalog.tests.factories import DiscountFactory, ProductFactory, TagFactory
from config.api import iso_utc
from favorites.models import Favorite
from favorites.tests.factories import FavoriteFactory
from orders.tests.factories import stocked_product

pytestmark = pytest.mark.django_db

STOREFRONT = "/me/favorites"
V1 = "/api/v1/favorites"


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert (body["statusCode"], body["code"]) == (status, code)
    return body


def favorite(user, product, *, minutes_ago: int = 0) -> Favorite:
    return FavoriteFactory(
        user=user, product=product, created_at=timezone.now() - timedelta(minutes=minutes_ago)
    )


# --- both surfaces: access ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", STOREFRONT),
        ("post", STOREFRONT),
        ("delete", f"{STOREFRONT}/1"),
        ("get", V1),
        ("post", V1),
        ("delete", f"{V1}/1"),
    ],
)
def test_every_favorites_endpoint_needs_a_bearer_token(api_client, method, path):
    assert_error(getattr(api_client, method)(path, {"productId": "1"}), 401, "auth.unauthorized")


def test_an_expired_or_garbage_token_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    assert_error(api_client.get(STOREFRONT), 401, "auth.unauthorized")


# --- Storefront --------------------------------------------------------------------------------------


def test_storefront_list_shows_the_product_exactly_as_the_catalog_does(customer_client, customer, api_client):
    product = stocked_product(on_hand=7, price="200.00", tags=[TagFactory(slug="new")])
    DiscountFactory(products=[product], type=DiscountType.PERCENT, value=Decimal("10"))
    product_prices_refresh()
    saved = favorite(customer, product)

    response = customer_client.get(STOREFRONT)

    assert response.status_code == 200
    catalog_json = api_client.get(f"/products/{product.pk}").json()
    assert response.json() == {
        "items": [
            {
                "productId": str(product.pk),
                "product": catalog_json,
                "createdAt": iso_utc(saved.created_at),
            }
        ],
        "page": 1,
        "limit": 20,
        "total": 1,
    }
    assert catalog_json["price"] == 180
    assert catalog_json["available"] == 7


def test_storefront_list_is_newest_first_paged_and_only_the_customers_own(customer_client, customer):
    products = [ProductFactory() for _ in range(5)]
    for age, product in enumerate(products):
        favorite(customer, product, minutes_ago=age)  # products[0] is the newest
    FavoriteFactory(product=products[0])  # someone else's

    first = customer_client.get(STOREFRONT, {"page": 1, "limit": 2}).json()
    third = customer_client.get(STOREFRONT, {"page": 3, "limit": 2}).json()
    beyond = customer_client.get(STOREFRONT, {"page": 9, "limit": 2}).json()

    assert [item["productId"] for item in first["items"]] == [str(products[0].pk), str(products[1].pk)]
    assert (first["page"], first["limit"], first["total"]) == (1, 2, 5)
    assert [item["productId"] for item in third["items"]] == [str(products[4].pk)]
    assert beyond == {"items": [], "page": 9, "limit": 2, "total": 5}


def test_storefront_list_hides_products_taken_off_sale(customer_client, customer):
    shown = favorite(customer, ProductFactory())
    favorite(customer, ProductFactory(is_active=False))

    body = customer_client.get(STOREFRONT).json()

    assert [item["productId"] for item in body["items"]] == [str(shown.product_id)]
    assert body["total"] == 1


@pytest.mark.parametrize("query", [{"page": 0}, {"limit": 0}, {"limit": 101}, {"page": "x"}])
def test_storefront_list_refuses_a_bad_page(customer_client, query):
    assert_error(customer_client.get(STOREFRONT, query), 400, "validation")


def test_storefront_list_runs_the_same_queries_for_2_or_40_favorites(
    customer_client, customer, django_assert_max_num_queries
):
    tags = [TagFactory(), TagFactory()]
    products = [ProductFactory(tags=tags) for _ in range(40)]
    DiscountFactory(products=products[::2])
    for age, product in enumerate(products):
        favorite(customer, product, minutes_ago=age)

    with CaptureQueriesContext(connection) as small:
        assert len(customer_client.get(STOREFRONT, {"limit": 2}).json()["items"]) == 2
    with django_assert_max_num_queries(len(small)):
        assert len(customer_client.get(STOREFRONT, {"limit": 40}).json()["items"]) == 40


def test_storefront_add_answers_201_then_200_with_the_favorite(customer_client, customer):
    product = stocked_product()

    created = customer_client.post(STOREFRONT, {"productId": str(product.pk)})
    again = customer_client.post(STOREFRONT, {"productId": product.pk})

    assert created.status_code == 201
    assert created.json()["productId"] == str(product.pk)
    assert created.json()["product"]["id"] == str(product.pk)
    assert created.json()["createdAt"].endswith("Z")
    assert again.status_code == 200
    assert again.json() == created.json()
    assert Favorite.objects.filter(user=customer, product=product).count() == 1


def test_storefront_add_of_an_unknown_or_inactive_product_is_404(customer_client):
    for product_id in ("999999", str(ProductFactory(is_active=False).pk)):
        assert_error(customer_client.post(STOREFRONT, {"productId": product_id}), 404, "not_found")
    assert not Favorite.objects.exists()


@pytest.mark.parametrize(
    "body", [{}, {"productId": "abc"}, {"productId": "-1"}, {"productId": True}, {"productId": ""}]
)
def test_storefront_add_with_bad_input_is_400(customer_client, body):
    assert_error(customer_client.post(STOREFRONT, body, format="json"), 400, "validation")
    assert not Favorite.objects.exists()


def test_storefront_delete_answers_204_and_is_idempotent(customer_client, customer):
    mine = favorite(customer, ProductFactory())
    theirs = FavoriteFactory(product=mine.product)

    first = customer_client.delete(f"{STOREFRONT}/{mine.product_id}")
    second = customer_client.delete(f"{STOREFRONT}/{mine.product_id}")

    assert (first.status_code, second.status_code) == (204, 204)
    assert first.content == b""
    assert list(Favorite.objects.values_list("pk", flat=True)) == [theirs.pk]


def test_storefront_delete_of_a_non_numeric_id_is_a_json_404(customer_client):
    assert_error(customer_client.delete(f"{STOREFRONT}/abc"), 404, "not_found")


# --- v1 -----------------------------------------------------------------------------------------------


def test_v1_list_uses_integer_ids_and_the_v1_product_item(customer_client, customer):
    product = stocked_product(on_hand=4, price="12.50")
    saved = favorite(customer, product)

    response = customer_client.get(V1)

    assert response.status_code == 200
    body = response.json()
    assert body == {
        "items": [
            {
                "productId": product.pk,
                "product": {
                    "id": product.pk,
                    "name": product.title,
                    "stock": 4,
                    "price": 12.5,
                    "currency": "UAH",
                },
                "createdAt": iso_utc(saved.created_at),
            }
        ],
        "page": 1,
        "limit": 20,
        "total": 1,
    }


def test_v1_add_answers_201_then_200_and_refuses_unknown_products(customer_client):
    product = ProductFactory()

    created = customer_client.post(V1, {"productId": product.pk})
    again = customer_client.post(V1, {"productId": product.pk})

    assert created.status_code == 201
    assert created.json()["productId"] == product.pk
    assert again.status_code == 200
    assert_error(customer_client.post(V1, {"productId": 999_999}), 404, "not_found")
    assert_error(customer_client.post(V1, {"productId": "x"}), 400, "validation")
    assert Favorite.objects.count() == 1


def test_v1_delete_answers_204(customer_client, customer):
    mine = favorite(customer, ProductFactory())

    assert customer_client.delete(f"{V1}/{mine.product_id}").status_code == 204
    assert customer_client.delete(f"{V1}/{2**64}").status_code == 204
    assert not Favorite.objects.exists()


def test_v1_list_query_count_does_not_grow_with_the_page(
    customer_client, customer, django_assert_max_num_queries
):
    products = [ProductFactory() for _ in range(30)]
    for age, product in enumerate(products):
        favorite(customer, product, minutes_ago=age)

    with CaptureQueriesContext(connection) as small:
        customer_client.get(V1, {"limit": 1})
    with django_assert_max_num_queries(len(small)):
        assert len(customer_client.get(V1, {"limit": 30}).json()["items"]) == 30
