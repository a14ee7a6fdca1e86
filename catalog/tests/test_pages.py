"""Home, catalog and product pages: the API's filters and sorts as a GET form, paging, variants."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalog.services import product_prices_refresh
from catalog.tests.factories import (
    CategoryFactory,
    CountryFactory,
    DiscountFactory,
    ManufacturerFactory,
    TagFactory,
)
from orders.tests.factories import stocked_product

pytestmark = pytest.mark.django_db


def listed(response) -> list[str]:
    return [product.sku for product in response.context["products"]]


class TestHome:
    def test_home_shows_new_products_and_top_categories(self, client):
        root = CategoryFactory(slug="root")
        CategoryFactory(slug="child", parent=root)
        product = stocked_product(category=root)

        response = client.get("/")

        assert response.status_code == 200
        assert [category.slug for category in response.context["top_categories"]] == ["root"]
        assert listed(response) == [product.sku]

    def test_an_empty_shop_still_has_a_home_page(self, client):
        assert client.get("/").status_code == 200


class TestCatalog:
    def test_everything_active_newest_first(self, client):
        old, new = stocked_product(sku="OLD"), stocked_product(sku="NEW")
        stocked_product(sku="GONE", is_active=False)

        response = client.get("/catalog/")

        assert listed(response) == ["NEW", "OLD"]
        assert response.context["pager"].total == 2
        assert {old.sku, new.sku} == {"OLD", "NEW"}

    def test_search_category_subtree_manufacturer_country_price_and_tags_filter_like_the_api(self, client):
        parent = CategoryFactory(slug="composites")
        child = CategoryFactory(slug="flow", parent=parent)
        maker, other_maker = ManufacturerFactory(), ManufacturerFactory()
        country = CountryFactory()
        tag = TagFactory(slug="hit")
        match = stocked_product(
            sku="MATCH", title="Композит текучий", category=child, manufacturer=maker, country=country,
            price="150.00", tags=[tag],
        )  # fmt: skip
        stocked_product(
            sku="CHEAP",
            title="Композит",
            category=child,
            manufacturer=maker,
            country=country,
            price="10.00",
            tags=[tag],
        )
        stocked_product(
            sku="OTHER",
            title="Композит",
            category=child,
            manufacturer=other_maker,
            country=country,
            price="150.00",
            tags=[tag],
        )
        stocked_product(
            sku="ELSEWHERE", title="Композит", manufacturer=maker, country=country, price="150.00", tags=[tag]
        )

        response = client.get(
            "/catalog/",
            {
                "q": "композ",
                "category": "composites",
                "manufacturerId": [maker.pk],
                "countryId[]": [country.pk],
                "priceFrom": "100",
                "priceTo": "200",
                "tags": "hit",
            },
        )

        assert listed(response) == [match.sku]
        assert response.context["current_category"] == parent
        assert response.context["selected_manufacturers"] == {str(maker.pk)}

    def test_price_filters_apply_to_the_discounted_price(self, client):
        product = stocked_product(sku="SALE", price="200.00")
        DiscountFactory(value=Decimal("50"), products=[product])
        product_prices_refresh()

        assert listed(client.get("/catalog/", {"priceTo": "100"})) == ["SALE"]

    @pytest.mark.parametrize(
        ("sort", "expected"),
        [
            ("price", ["A", "B", "C"]),
            ("-price", ["C", "B", "A"]),
            ("title", ["A", "B", "C"]),
            ("-title", ["C", "B", "A"]),
        ],
    )
    def test_sorts(self, client, sort, expected):
        stocked_product(sku="B", title="b", price="20.00")
        stocked_product(sku="C", title="c", price="30.00")
        stocked_product(sku="A", title="a", price="10.00")

        assert listed(client.get("/catalog/", {"sort": sort})) == expected

    def test_pages_of_twelve_and_links_keep_the_filters(self, client):
        category = CategoryFactory(slug="gloves")
        for index in range(14):
            stocked_product(sku=f"G{index:02d}", category=category)

        first = client.get("/catalog/", {"category": "gloves", "sort": "title"})
        second = client.get("/catalog/", {"category": "gloves", "sort": "title", "page": 2})

        assert len(first.context["products"]) == 12
        assert len(second.context["products"]) == 2
        content = first.content.decode()
        assert 'href="?category=gloves&amp;sort=title&amp;page=2"' in content

    @pytest.mark.parametrize(
        ("query", "bad"),
        [
            ({"priceFrom": "cheap"}, "priceFrom"),
            ({"priceTo": "-5"}, "priceTo"),
            ({"sort": "random"}, "sort"),
            ({"manufacturerId": "abc"}, "manufacturerId"),
            ({"countryId": "0"}, "countryId"),
            ({"page": "0"}, "page"),
        ],
    )
    def test_a_bad_filter_is_reported_beside_it_and_ignored(self, client, query, bad):
        stocked_product(sku="ANY")

        response = client.get("/catalog/", query)

        assert response.status_code == 200
        assert list(response.context["errors"]) == [bad]
        assert listed(response) == ["ANY"]

    def test_a_page_past_the_end_is_empty_not_an_error(self, client):
        stocked_product()

        response = client.get("/catalog/", {"page": 50})

        assert response.status_code == 200
        assert listed(response) == []

    def test_an_unknown_category_lists_nothing(self, client):
        stocked_product()

        assert listed(client.get("/catalog/", {"category": "nope"})) == []

    def test_the_filter_form_is_a_get_form_with_labels(self, client):
        ManufacturerFactory(name="3M")
        content = client.get("/catalog/").content.decode()

        assert 'id="filters"' in content
        assert 'method="get"' in content
        assert '<label for="f-price-from"' in content


class TestProductPage:
    def test_by_slug_with_price_discounts_stock_and_variant_choice(self, client):
        product = stocked_product(slug="filtek", price="890.00", on_hand=3, options={"shade": ["A1", "A2"]})
        DiscountFactory(name="Знижка 10%", value=Decimal("10"), products=[product])
        product_prices_refresh()

        response = client.get("/catalog/filtek/")

        assert response.status_code == 200
        assert response.context["quote"].price == Decimal("801.00")
        assert response.context["low_stock"] is True
        content = response.content.decode()
        assert 'name="option_shade" value="A1"' in content
        assert "Знижка 10%" in content
        assert "<s" in content

    def test_an_out_of_stock_product_disables_add_to_cart(self, client):
        stocked_product(slug="empty", on_hand=0)

        content = client.get("/catalog/empty/").content.decode()

        assert "disabled" in content

    def test_a_unicode_slug_works(self, client):
        stocked_product(slug="зубна-паста")

        assert client.get("/catalog/зубна-паста/").status_code == 200

    def test_an_inactive_or_unknown_product_is_the_shops_404(self, client):
        stocked_product(slug="old", is_active=False)

        for path in ("/catalog/old/", "/catalog/never-was/"):
            response = client.get(path)
            assert response.status_code == 404
            assert 'class="error-page"' in response.content.decode()

    def test_no_picture_is_loaded_from_another_host(self, client):
        stocked_product(slug="remote", images=["https://placehold.co/600x600/png?text=X"])

        content = client.get("/catalog/remote/").content.decode()

        assert "placehold.co" not in content
