from decimal import Decimal

import pytest

from catalog.models import DiscountType
from catalog.tests.factories import DiscountFactory, ManufacturerFactory, ProductFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("catalog.tests.urls")]


def test_v1_list_items_have_integer_ids_names_stock_and_number_prices(api_client):
    product = ProductFactory(title="Композит", price=Decimal("350.00"))
    DiscountFactory(products=[product], type=DiscountType.FIXED, value=Decimal("0.50"))
    ProductFactory(is_active=False)

    response = api_client.get("/api/v1/products")

    assert response.status_code == 200
    assert response.json() == {
        "items": [{"id": product.pk, "name": "Композит", "stock": 0, "price": 349.5, "currency": "UAH"}],
        "page": 1,
        "limit": 20,
        "total": 1,
    }


def test_v1_list_takes_the_storefront_filters(api_client):
    first, second = ManufacturerFactory(), ManufacturerFactory()
    wanted = ProductFactory(manufacturer=first, price=Decimal("50.00"))
    ProductFactory(manufacturer=first, price=Decimal("500.00"))
    ProductFactory(manufacturer=second, price=Decimal("50.00"))

    response = api_client.get(f"/api/v1/products?manufacturerId[]={first.pk}&priceTo=100&sort=price")

    assert [item["id"] for item in response.json()["items"]] == [wanted.pk]


def test_v1_list_rejects_a_limit_outside_1_to_100(api_client):
    response = api_client.get("/api/v1/products?limit=101")

    assert response.status_code == 400
    assert response.json()["code"] == "validation"


def test_v1_stock_comes_from_inventory(api_client, set_stock):
    product = ProductFactory()
    set_stock(product, 9, 2)

    assert api_client.get("/api/v1/products").json()["items"][0]["stock"] == 7
    assert api_client.get(f"/api/v1/products/{product.pk}").json()["stock"] == 7
    assert api_client.get(f"/api/v1/products/{product.pk}/stock").json() == {
        "productId": product.pk,
        "available": 7,
    }


def test_v1_product_detail_shape(api_client):
    product = ProductFactory(
        title="Бор", description="Алмазний", price=Decimal("260.00"), attributes={"Кількість": "5 шт"}
    )

    response = api_client.get(f"/api/v1/products/{product.pk}")

    assert response.status_code == 200
    assert response.json() == {
        "id": product.pk,
        "name": "Бор",
        "description": "Алмазний",
        "stock": 0,
        "price": 260,
        "currency": "UAH",
        "attributes": {"Кількість": "5 шт"},
        "isActive": True,
    }


def test_v1_product_detail_shows_an_inactive_product_as_inactive(api_client):
    product = ProductFactory(is_active=False)

    response = api_client.get(f"/api/v1/products/{product.pk}")

    assert response.status_code == 200
    assert response.json()["isActive"] is False


def test_v1_price_is_the_final_price_after_discounts(api_client):
    product = ProductFactory(price=Decimal("200.00"))
    DiscountFactory(products=[product], value=Decimal("25"))

    response = api_client.get(f"/api/v1/products/{product.pk}/price")

    assert response.status_code == 200
    assert response.json() == {"productId": product.pk, "price": 150, "currency": "UAH"}


def test_v1_stock_without_a_stock_row_is_zero(api_client):
    product = ProductFactory()

    response = api_client.get(f"/api/v1/products/{product.pk}/stock")

    assert response.status_code == 200
    assert response.json() == {"productId": product.pk, "available": 0}


@pytest.mark.parametrize("suffix", ["", "/price", "/stock"])
def test_v1_unknown_product_is_a_json_404(api_client, suffix):
    for product_id in (999999, 2**63):
        response = api_client.get(f"/api/v1/products/{product_id}{suffix}")

        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        assert response.json()["statusCode"] == 404
