from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from catalog import selectors
from catalog.models import DiscountType
from catalog.services import product_prices_refresh
from catalog.tests.factories import (
    CategoryFactory,
    CountryFactory,
    DiscountFactory,
    ManufacturerFactory,
    ProductFactory,
    TagFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("catalog.tests.urls")]

T0 = datetime(2026, 1, 1, tzinfo=UTC)

PRODUCT_FIELDS = {
    "id",
    "slug",
    "sku",
    "title",
    "description",
    "price",
    "priceOriginal",
    "currency",
    "discountsApplied",
    "categoryId",
    "manufacturerId",
    "countryId",
    "tags",
    "options",
    "unit",
    "attributes",
    "images",
    "inStock",
    "available",
}


def _ids(response) -> list[str]:
    return [item["id"] for item in response.json()["items"]]


def _assert_validation_error(response) -> None:
    assert response.status_code == 400
    body = response.json()
    assert body["statusCode"] == 400
    assert body["error"] == "Bad Request"
    assert body["code"] == "validation"
    assert isinstance(body["message"], list)
    assert body["message"]


# --- shape -------------------------------------------------------------------------------------------


def test_product_json_has_the_storefront_fields_with_string_ids_and_number_prices(api_client):
    category = CategoryFactory()
    maker = ManufacturerFactory()
    country = CountryFactory()
    tag = TagFactory(slug="novynka")
    product = ProductFactory(
        category=category,
        manufacturer=maker,
        country=country,
        tags=[tag],
        price=Decimal("350.00"),
        options={"shade": ["A1", "A2"]},
        attributes={"Вага": "4 г"},
        images=["https://example.com/1.png"],
        unit="шприц",
    )
    discount = DiscountFactory(products=[product], type=DiscountType.FIXED, value=Decimal("0.50"))

    response = api_client.get("/products")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "page", "limit", "total"}
    assert (body["page"], body["limit"], body["total"]) == (1, 20, 1)
    item = body["items"][0]
    assert set(item) == PRODUCT_FIELDS
    assert item["id"] == str(product.pk)
    assert item["categoryId"] == str(category.pk)
    assert item["manufacturerId"] == str(maker.pk)
    assert item["countryId"] == str(country.pk)
    assert item["price"] == 349.5
    assert item["priceOriginal"] == 350
    assert isinstance(item["priceOriginal"], int)
    assert item["currency"] == "UAH"
    assert item["discountsApplied"] == [
        {
            "discountId": str(discount.pk),
            "name": discount.name,
            "type": "fixed",
            "value": 0.5,
            "priceBefore": 350,
            "priceAfter": 349.5,
        }
    ]
    assert item["tags"] == ["novynka"]
    assert item["options"] == {"shade": ["A1", "A2"]}
    assert item["attributes"] == {"Вага": "4 г"}
    assert item["images"] == ["https://example.com/1.png"]
    assert item["unit"] == "шприц"


def test_product_without_category_manufacturer_or_country_has_null_ids(api_client):
    ProductFactory()

    item = api_client.get("/products").json()["items"][0]

    assert (item["categoryId"], item["manufacturerId"], item["countryId"]) == (None, None, None)
    assert item["discountsApplied"] == []


def test_inactive_products_are_not_listed(api_client):
    active = ProductFactory()
    ProductFactory(is_active=False)

    response = api_client.get("/products")

    assert _ids(response) == [str(active.pk)]
    assert response.json()["total"] == 1


def test_available_and_in_stock_come_from_inventory(api_client, set_stock):
    stocked = ProductFactory(created_at=T0 + timedelta(days=2))
    sold_out = ProductFactory(created_at=T0 + timedelta(days=1))
    no_row = ProductFactory(created_at=T0)
    set_stock(stocked, 10, 3)
    set_stock(sold_out, 4, 4)

    items = api_client.get("/products").json()["items"]

    assert [(item["id"], item["available"], item["inStock"]) for item in items] == [
        (str(stocked.pk), 7, True),
        (str(sold_out.pk), 0, False),
        (str(no_row.pk), 0, False),
    ]


# --- filters ---------------------------------------------------------------------------------------------


def test_q_searches_title_sku_and_description_ignoring_case_in_cyrillic(api_client):
    by_title = ProductFactory(title="Фарба акрилова біла")
    by_sku = ProductFactory(sku="FRB-777")
    by_description = ProductFactory(description="Щільна ФАРБА для стін")
    ProductFactory(title="Шпаклівка", description="Суха суміш")

    assert set(_ids(api_client.get("/products", {"q": "фарба"}))) == {
        str(by_title.pk),
        str(by_description.pk),
    }
    assert _ids(api_client.get("/products", {"q": "frb-7"})) == [str(by_sku.pk)]
    assert _ids(api_client.get("/products", {"q": "АКРИЛ"})) == [str(by_title.pk)]


def test_q_treats_like_wildcards_literally(api_client):
    ProductFactory(title="Знижка 50% на все")
    ProductFactory(title="Знижка 50 грн")

    assert len(_ids(api_client.get("/products", {"q": "50%"}))) == 1


def test_category_filter_by_id_or_slug_includes_all_descendants(api_client):
    root = CategoryFactory(slug="terapiia")
    child = CategoryFactory(parent=root)
    grandchild = CategoryFactory(parent=child)
    other = CategoryFactory()
    in_root = ProductFactory(category=root)
    in_grandchild = ProductFactory(category=grandchild)
    ProductFactory(category=other)
    ProductFactory()

    expected = {str(in_root.pk), str(in_grandchild.pk)}
    assert set(_ids(api_client.get("/products", {"category": str(root.pk)}))) == expected
    assert set(_ids(api_client.get("/products", {"category": "terapiia"}))) == expected
    assert _ids(api_client.get("/products", {"category": str(grandchild.pk)})) == [str(in_grandchild.pk)]


def test_unknown_category_gives_an_empty_page_not_an_error(api_client):
    ProductFactory(category=CategoryFactory())

    response = api_client.get("/products", {"category": "no-such-category"})

    assert response.status_code == 200
    assert response.json() == {"items": [], "page": 1, "limit": 20, "total": 0}


@pytest.mark.parametrize(
    "query",
    [
        "manufacturerId[]={a}&manufacturerId[]={b}",
        "manufacturerId={a}&manufacturerId={b}",
        "manufacturerId[]={a}&manufacturerId={b}",
    ],
)
def test_manufacturer_filter_accepts_both_array_syntaxes(api_client, query):
    first, second, third = ManufacturerFactory(), ManufacturerFactory(), ManufacturerFactory()
    wanted = {ProductFactory(manufacturer=first).pk, ProductFactory(manufacturer=second).pk}
    ProductFactory(manufacturer=third)

    response = api_client.get("/products?" + query.format(a=first.pk, b=second.pk))

    assert response.status_code == 200
    assert set(_ids(response)) == {str(pk) for pk in wanted}


@pytest.mark.parametrize("key", ["countryId[]", "countryId"])
def test_country_filter_accepts_both_array_syntaxes(api_client, key):
    ukraine, poland, germany = CountryFactory(), CountryFactory(), CountryFactory()
    wanted = {ProductFactory(country=ukraine).pk, ProductFactory(country=poland).pk}
    ProductFactory(country=germany)

    response = api_client.get(f"/products?{key}={ukraine.pk}&{key}={poland.pk}")

    assert set(_ids(response)) == {str(pk) for pk in wanted}


@pytest.mark.parametrize("key", ["tags[]", "tags"])
def test_tags_filter_matches_products_with_any_of_the_tags_once(api_client, key):
    new, hit, other = TagFactory(slug="novynka"), TagFactory(slug="khit"), TagFactory(slug="inshe")
    both = ProductFactory(tags=[new, hit])
    one = ProductFactory(tags=[hit])
    ProductFactory(tags=[other])
    ProductFactory()

    response = api_client.get(f"/products?{key}=novynka&{key}=khit")

    assert sorted(_ids(response)) == sorted([str(both.pk), str(one.pk)])
    assert response.json()["total"] == 2


def test_price_filters_apply_to_the_price_after_discounts(api_client):
    cheap_after_discount = ProductFactory(price=Decimal("200.00"))
    ProductFactory(price=Decimal("200.00"))
    mid = ProductFactory(price=Decimal("120.00"))
    DiscountFactory(products=[cheap_after_discount], value=Decimal("50"))
    product_prices_refresh()

    response = api_client.get("/products", {"priceFrom": "100", "priceTo": "150"})

    assert set(_ids(response)) == {str(cheap_after_discount.pk), str(mid.pk)}


def test_price_bounds_are_inclusive(api_client):
    product = ProductFactory(price=Decimal("99.99"))

    assert _ids(api_client.get("/products", {"priceFrom": "99.99", "priceTo": "99.99"})) == [str(product.pk)]


def test_price_from_above_price_to_returns_an_empty_page(api_client):
    ProductFactory(price=Decimal("100.00"))

    response = api_client.get("/products", {"priceFrom": "200", "priceTo": "100"})

    assert response.status_code == 200
    assert response.json()["total"] == 0


def test_empty_filter_values_mean_no_filter(api_client):
    ProductFactory()

    response = api_client.get("/products?q=&category=&manufacturerId=&tags[]=")

    assert response.status_code == 200
    assert response.json()["total"] == 1


# --- sorting and paging ----------------------------------------------------------------------------------


@pytest.fixture
def sortable():
    """Three products whose price, title and age orders all differ."""
    a = ProductFactory(title="Бор", price=Decimal("300.00"), created_at=T0 + timedelta(days=1))
    b = ProductFactory(title="Адгезив", price=Decimal("100.00"), created_at=T0 + timedelta(days=3))
    c = ProductFactory(title="Гель", price=Decimal("200.00"), created_at=T0 + timedelta(days=2))
    return a, b, c


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("price", "bca"),
        ("-price", "acb"),
        ("title", "bac"),
        ("-title", "cab"),
        ("createdAt", "acb"),
        ("-createdAt", "bca"),
    ],
)
def test_sort_orders_by_the_named_field(api_client, sortable, sort, order):
    by_name = dict(zip("abc", sortable, strict=True))

    response = api_client.get("/products", {"sort": sort})

    assert _ids(response) == [str(by_name[letter].pk) for letter in order]


def test_price_sort_uses_the_discounted_price(api_client):
    dear = ProductFactory(price=Decimal("300.00"))
    cheap = ProductFactory(price=Decimal("200.00"))
    DiscountFactory(products=[dear], value=Decimal("50"))
    product_prices_refresh()

    assert _ids(api_client.get("/products", {"sort": "price"})) == [str(dear.pk), str(cheap.pk)]


def test_default_order_is_newest_first_with_ties_by_id(api_client):
    old = ProductFactory(created_at=T0)
    tie_first = ProductFactory(created_at=T0 + timedelta(days=1))
    tie_second = ProductFactory(created_at=T0 + timedelta(days=1))

    assert _ids(api_client.get("/products")) == [str(tie_second.pk), str(tie_first.pk), str(old.pk)]


def test_pages_split_the_list_without_overlap(api_client):
    products = [ProductFactory(created_at=T0 + timedelta(minutes=i)) for i in range(5)]
    newest_first = [str(p.pk) for p in reversed(products)]

    first = api_client.get("/products", {"page": 1, "limit": 2}).json()
    third = api_client.get("/products", {"page": 3, "limit": 2}).json()
    beyond = api_client.get("/products", {"page": 99, "limit": 2}).json()

    assert [i["id"] for i in first["items"]] == newest_first[:2]
    assert [i["id"] for i in third["items"]] == newest_first[4:]
    assert (third["page"], third["limit"], third["total"]) == (3, 2, 5)
    assert beyond["items"] == []
    assert beyond["total"] == 5


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=101",
        "limit=abc",
        "page=0",
        "page=abc",
        "sort=cheapest",
        "manufacturerId[]=abc",
        "manufacturerId=1&manufacturerId=x",
        "countryId[]=-1",
        "priceFrom=-1",
        "priceTo=abc",
        "manufacturerId=99999999999999999999999",
    ],
)
def test_invalid_query_values_answer_400_in_the_error_format(api_client, query):
    response = api_client.get(f"/products?{query}")

    _assert_validation_error(response)


def test_limit_error_names_the_parameter(api_client):
    body = api_client.get("/products?limit=101").json()

    assert "limit" in body["fields"]
    assert any("limit" in message for message in body["message"])


def test_listing_runs_the_same_number_of_queries_for_5_or_50_items(api_client, django_assert_max_num_queries):
    category = CategoryFactory(parent=CategoryFactory())
    maker, country = ManufacturerFactory(), CountryFactory()
    tags = [TagFactory(), TagFactory()]
    products = [
        ProductFactory(category=category, manufacturer=maker, country=country, tags=tags) for _ in range(60)
    ]
    DiscountFactory(categories=[category.parent])
    DiscountFactory(manufacturers=[maker], type=DiscountType.FIXED, value=Decimal("1"))
    DiscountFactory(products=products[::2], priority=5)
    product_prices_refresh()

    # The first listing loads the discount book (discounts + their 3 kinds of targets) into the cache.
    with django_assert_max_num_queries(8):
        api_client.get("/products", {"limit": 1})

    # Then: count, category lookup, page, tags — whatever the page size.
    with django_assert_max_num_queries(4):
        response = api_client.get("/products", {"limit": 5, "category": category.parent.slug, "q": "Товар"})
    assert len(response.json()["items"]) == 5
    with django_assert_max_num_queries(4):
        response = api_client.get("/products", {"limit": 50, "category": category.parent.slug, "q": "Товар"})
    assert len(response.json()["items"]) == 50


@pytest.mark.parametrize("sort", ["-createdAt", "price", "-price", "title"])
def test_deep_pages_found_by_id_first_continue_the_shallow_ones_exactly(
    api_client, monkeypatch, sort, django_assert_max_num_queries
):
    tag = TagFactory()
    for index in range(13):
        # Equal prices and titles in pairs: the id tie-break must hold on both paths.
        ProductFactory(price=Decimal(100 + index // 2), title=f"Товар {index // 2:02}", tags=[tag])
    everything = [
        item["id"] for item in api_client.get("/products", {"sort": sort, "limit": 100}).json()["items"]
    ]
    monkeypatch.setattr(selectors, "DEEP_PAGE_OFFSET", 4)  # pages from the third on go by id first

    pages = [
        api_client.get("/products", {"sort": sort, "limit": 2, "page": page}).json() for page in range(1, 8)
    ]

    assert [item["id"] for page in pages for item in page["items"]] == everything
    assert pages[4]["items"][0]["tags"] == [tag.slug]
    assert all(page["total"] == 13 for page in pages)
    with django_assert_max_num_queries(2 if connection.vendor == "postgresql" else 3):  # ids, rows (+ tags)
        api_client.get("/products", {"sort": sort, "limit": 2, "page": 5})


# --- one product ------------------------------------------------------------------------------------------


def test_product_by_id_and_by_slug_return_the_same_product(api_client):
    product = ProductFactory(slug="kompozyt-a2")

    by_id = api_client.get(f"/products/{product.pk}")
    by_slug = api_client.get("/products/kompozyt-a2")

    assert by_id.status_code == by_slug.status_code == 200
    assert by_id.json() == by_slug.json()
    assert set(by_id.json()) == PRODUCT_FIELDS
    assert by_id.json()["id"] == str(product.pk)


def test_product_by_unicode_slug_is_found(api_client):
    product = ProductFactory(slug="фарба-біла")

    response = api_client.get("/products/фарба-біла")

    assert response.status_code == 200
    assert response.json()["id"] == str(product.pk)


def test_an_id_wins_over_a_slug_that_looks_like_an_id(api_client):
    target = ProductFactory()
    ProductFactory(slug=str(target.pk))

    assert api_client.get(f"/products/{target.pk}").json()["id"] == str(target.pk)


def test_inactive_product_is_a_json_404(api_client):
    product = ProductFactory(is_active=False, slug="hidden")

    for path in (
        f"/products/{product.pk}",
        "/products/hidden",
        "/products/999999",
        "/products/nope",
        "/products/²",
        f"/products/{2**64}",
    ):
        response = api_client.get(path)
        assert response.status_code == 404
        body = response.json()
        assert body["statusCode"] == 404
        assert body["error"] == "Not Found"
        assert body["code"] == "not_found"
        assert isinstance(body["message"], str)


def test_product_detail_carries_the_live_discount_trail(api_client):
    product = ProductFactory(price=Decimal("10.05"))
    DiscountFactory(products=[product], value=Decimal("50"))

    body = api_client.get(f"/products/{product.pk}").json()

    assert body["price"] == 5.03
    assert body["priceOriginal"] == 10.05
    assert body["discountsApplied"][0]["priceAfter"] == 5.03


# --- reference lists ----------------------------------------------------------------------------------------


def test_categories_lists_active_categories_with_parent_ids(api_client):
    root = CategoryFactory(slug="root", name="Корінь", position=1)
    child = CategoryFactory(slug="child", name="Дитина", parent=root, position=2)
    CategoryFactory(slug="hidden", is_active=False)

    response = api_client.get("/categories")

    assert response.status_code == 200
    assert response.json() == [
        {"id": str(root.pk), "slug": "root", "name": "Корінь", "parentId": None, "position": 1},
        {"id": str(child.pk), "slug": "child", "name": "Дитина", "parentId": str(root.pk), "position": 2},
    ]


def test_the_category_tree_is_cached_and_every_category_write_shows_at_once(
    api_client, django_assert_num_queries
):
    dental = CategoryFactory(slug="dental", position=1)
    fillings = CategoryFactory(slug="fillings", parent=dental, position=2)
    ProductFactory(category=fillings)
    assert [c["slug"] for c in api_client.get("/categories").json()] == ["dental", "fillings"]

    with django_assert_num_queries(0):
        assert api_client.get("/categories").status_code == 200

    implants = CategoryFactory(slug="implants", parent=dental, position=3)
    ProductFactory(category=implants)
    assert [c["slug"] for c in api_client.get("/categories").json()] == ["dental", "fillings", "implants"]
    assert api_client.get("/products", {"category": "dental"}).json()["total"] == 2

    fillings.parent = None
    fillings.save()
    assert api_client.get("/products", {"category": "dental"}).json()["total"] == 1
    assert api_client.get("/products", {"category": "fillings"}).json()["total"] == 1

    implants.is_active = False
    implants.save()
    assert [c["slug"] for c in api_client.get("/categories").json()] == ["dental", "fillings"]

    fillings.delete()
    assert [c["slug"] for c in api_client.get("/categories").json()] == ["dental"]
    assert api_client.get("/products", {"category": "fillings"}).json()["total"] == 0


def test_manufacturers_lists_active_manufacturers(api_client):
    maker = ManufacturerFactory(slug="gc", name="GC")
    ManufacturerFactory(is_active=False)

    response = api_client.get("/manufacturers")

    assert response.status_code == 200
    assert response.json() == [{"id": str(maker.pk), "slug": "gc", "name": "GC"}]


def test_countries_lists_active_countries(api_client):
    ukraine = CountryFactory(code="UA", name="Україна")
    CountryFactory(code="XX", is_active=False)

    response = api_client.get("/countries")

    assert response.status_code == 200
    assert response.json() == [{"id": str(ukraine.pk), "code": "UA", "name": "Україна"}]


def test_catalog_ignores_a_stale_bearer_token(api_client):
    ProductFactory()
    api_client.credentials(HTTP_AUTHORIZATION="Bearer expired.or.garbage")

    assert api_client.get("/products").status_code == 200


# --- cached listing totals --------------------------------------------------------------------------------


def test_a_repeated_listing_reuses_its_total_and_a_new_product_shows_at_once(
    api_client, django_assert_num_queries
):
    ProductFactory()
    assert api_client.get("/products").json()["total"] == 1

    # The total comes from the cache: the page alone (tags ride in its rows on PostgreSQL).
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
        assert api_client.get("/products", {"sort": "price"}).json()["total"] == 1

    ProductFactory()
    assert api_client.get("/products").json()["total"] == 2


def test_totals_follow_tags_deactivation_and_price_refresh(api_client):
    tag = TagFactory()
    product = ProductFactory(price=Decimal("100.00"))
    assert api_client.get("/products", {"tags[]": tag.slug}).json()["total"] == 0
    assert api_client.get("/products", {"priceTo": "90"}).json()["total"] == 0

    product.tags.add(tag)
    assert api_client.get("/products", {"tags[]": tag.slug}).json()["total"] == 1

    DiscountFactory(products=[product], value=Decimal("20"))
    product_prices_refresh()
    assert api_client.get("/products", {"priceTo": "90"}).json()["total"] == 1

    product.is_active = False
    product.save()
    assert api_client.get("/products").json()["total"] == 0
