from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from catalog.models import DiscountType, Product
from catalog.pricing import ActiveDiscount, money_number, price_apply, product_quotes
from catalog.tests.factories import CategoryFactory, DiscountFactory, ManufacturerFactory, ProductFactory

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _quote(product: Product):
    return product_quotes(products=[product])[product.pk]


def _discount(id_: int, type_: str, value: str, priority: int = 0) -> ActiveDiscount:
    return ActiveDiscount(id=id_, name=f"d{id_}", type=type_, value=Decimal(value), priority=priority)


# --- the arithmetic -------------------------------------------------------------------------


def test_percent_discount_takes_its_share_off():
    price, trail = price_apply(price=Decimal("350.00"), discounts=[_discount(1, "percent", "10")])

    assert price == Decimal("315.00")
    assert [(step.price_before, step.price_after) for step in trail] == [
        (Decimal("350.00"), Decimal("315.00"))
    ]


def test_fixed_discount_takes_its_amount_off():
    price, _ = price_apply(price=Decimal("350.00"), discounts=[_discount(1, "fixed", "0.50")])

    assert price == Decimal("349.50")


def test_discounts_apply_by_priority_then_id_each_to_the_running_price():
    discounts = [
        _discount(3, "fixed", "50", priority=2),
        _discount(2, "percent", "10", priority=1),
        _discount(1, "percent", "50", priority=2),
    ]

    price, trail = price_apply(price=Decimal("200.00"), discounts=discounts)

    # 200 −10% = 180 (priority 1); then priority 2 by id: −50% = 90, −50 = 40.
    assert [step.discount_id for step in trail] == [2, 1, 3]
    assert [step.price_after for step in trail] == [Decimal("180.00"), Decimal("90.00"), Decimal("40.00")]
    assert price == Decimal("40.00")


def test_price_never_goes_below_zero():
    price, trail = price_apply(
        price=Decimal("100.00"),
        discounts=[_discount(1, "fixed", "150", priority=1), _discount(2, "percent", "10", priority=2)],
    )

    assert price == Decimal("0.00")
    assert [step.price_after for step in trail] == [Decimal("0.00"), Decimal("0.00")]


def test_each_step_rounds_half_up_to_two_places():
    # 10.05 × 50% = 5.025: half up gives 5.03 (banker's rounding would give 5.02).
    price, trail = price_apply(price=Decimal("10.05"), discounts=[_discount(1, "percent", "50")])

    assert price == Decimal("5.03")
    assert trail[0].price_after == Decimal("5.03")


def test_money_number_is_an_int_when_whole_and_a_float_otherwise():
    assert money_number(Decimal("350.00")) == 350
    assert isinstance(money_number(Decimal("350.00")), int)
    assert money_number(Decimal("349.50")) == 349.5
    assert isinstance(money_number(Decimal("349.50")), float)


# --- which discounts reach a product ----------------------------------------------------------------


@pytest.mark.django_db
def test_category_discount_reaches_products_of_descendant_categories_only():
    root = CategoryFactory()
    child = CategoryFactory(parent=root)
    grandchild = CategoryFactory(parent=child)
    sibling = CategoryFactory(parent=root)
    inside = ProductFactory(category=grandchild, price=Decimal("200.00"))
    outside = ProductFactory(category=sibling, price=Decimal("200.00"))
    DiscountFactory(categories=[child], type=DiscountType.PERCENT, value=Decimal("25"))

    assert _quote(inside).price == Decimal("150.00")
    assert _quote(outside).price == Decimal("200.00")


@pytest.mark.django_db
def test_manufacturer_and_product_discounts_apply():
    maker = ManufacturerFactory()
    product = ProductFactory(manufacturer=maker, price=Decimal("100.00"))
    by_maker = DiscountFactory(manufacturers=[maker], value=Decimal("10"), priority=1)
    direct = DiscountFactory(products=[product], type=DiscountType.FIXED, value=Decimal("5"), priority=2)

    quote = _quote(product)

    assert quote.price == Decimal("85.00")
    assert quote.price_original == Decimal("100.00")
    assert quote.discounts_json() == [
        {
            "discountId": str(by_maker.pk),
            "name": by_maker.name,
            "type": "percent",
            "value": 10,
            "priceBefore": 100,
            "priceAfter": 90,
        },
        {
            "discountId": str(direct.pk),
            "name": direct.name,
            "type": "fixed",
            "value": 5,
            "priceBefore": 90,
            "priceAfter": 85,
        },
    ]


@pytest.mark.django_db
def test_discount_reaching_a_product_by_several_routes_applies_once():
    category = CategoryFactory()
    maker = ManufacturerFactory()
    product = ProductFactory(category=category, manufacturer=maker, price=Decimal("100.00"))
    DiscountFactory(products=[product], categories=[category], manufacturers=[maker], value=Decimal("10"))

    quote = _quote(product)

    assert quote.price == Decimal("90.00")
    assert len(quote.discounts_applied) == 1


@pytest.mark.django_db
def test_inactive_discount_does_not_apply():
    product = ProductFactory(price=Decimal("100.00"))
    DiscountFactory(products=[product], is_active=False)

    assert _quote(product).price == Decimal("100.00")


@pytest.mark.django_db
def test_discount_applies_only_inside_its_window_with_an_exclusive_end(time_machine):
    product = ProductFactory(price=Decimal("100.00"))
    DiscountFactory(products=[product], starts_at=NOW, ends_at=NOW + timedelta(hours=1))

    time_machine.move_to(NOW - timedelta(seconds=1), tick=False)
    assert _quote(product).price == Decimal("100.00")
    time_machine.move_to(NOW, tick=False)
    assert _quote(product).price == Decimal("90.00")
    time_machine.move_to(NOW + timedelta(minutes=59), tick=False)
    assert _quote(product).price == Decimal("90.00")
    time_machine.move_to(NOW + timedelta(hours=1), tick=False)
    assert _quote(product).price == Decimal("100.00")


@pytest.mark.django_db
def test_open_ended_windows_apply_from_start_or_until_end(time_machine):
    product = ProductFactory(price=Decimal("100.00"))
    DiscountFactory(products=[product], starts_at=NOW, value=Decimal("10"))
    DiscountFactory(products=[product], ends_at=NOW, type=DiscountType.FIXED, value=Decimal("1"))

    time_machine.move_to(NOW - timedelta(days=30), tick=False)
    assert _quote(product).price == Decimal("99.00")
    time_machine.move_to(NOW + timedelta(days=30), tick=False)
    assert _quote(product).price == Decimal("90.00")


@pytest.mark.django_db
def test_pricing_many_products_takes_a_fixed_number_of_queries(django_assert_max_num_queries):
    category = CategoryFactory()
    maker = ManufacturerFactory()
    products = [ProductFactory(category=category, manufacturer=maker) for _ in range(30)]
    DiscountFactory(categories=[category])
    DiscountFactory(manufacturers=[maker])
    DiscountFactory(products=products[:10])
    loaded = list(Product.objects.filter(pk__in=[p.pk for p in products]))

    # Discounts, their product, category and manufacturer links, the category paths.
    with django_assert_max_num_queries(5):
        quotes = product_quotes(products=loaded)

    assert len(quotes) == 30
    assert quotes[products[0].pk].price == Decimal("72.90")
    assert quotes[products[20].pk].price == Decimal("81.00")


# --- the cached discount book ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_discount_reaches_the_very_next_listing(api_client):
    product = ProductFactory(price=Decimal("100.00"))
    assert api_client.get(f"/products/{product.pk}").json()["price"] == 100

    DiscountFactory(products=[product], value=Decimal("10"))

    assert api_client.get(f"/products/{product.pk}").json()["price"] == 90


@pytest.mark.django_db
def test_editing_or_deleting_a_discount_drops_the_cached_book(api_client):
    product = ProductFactory(price=Decimal("100.00"))
    discount = DiscountFactory(products=[product], value=Decimal("10"))
    assert api_client.get(f"/products/{product.pk}").json()["price"] == 90

    discount.value = Decimal("25")
    discount.save()
    assert api_client.get(f"/products/{product.pk}").json()["price"] == 75

    discount.products.remove(product)
    assert api_client.get(f"/products/{product.pk}").json()["price"] == 100


@pytest.mark.django_db
def test_moving_a_category_under_a_discounted_one_reprices_at_once(api_client):
    on_sale, other = CategoryFactory(), CategoryFactory()
    product = ProductFactory(category=other, price=Decimal("100.00"))
    DiscountFactory(categories=[on_sale], value=Decimal("20"))
    assert api_client.get(f"/products/{product.pk}").json()["price"] == 100

    other.parent = on_sale
    other.save()

    assert api_client.get(f"/products/{product.pk}").json()["price"] == 80


@pytest.mark.django_db
def test_the_cached_book_goes_stale_exactly_when_a_window_opens(api_client, time_machine):
    time_machine.move_to(datetime(2026, 3, 1, 10, 0, tzinfo=UTC), tick=False)
    product = ProductFactory(price=Decimal("100.00"))
    DiscountFactory(
        products=[product], value=Decimal("50"), starts_at=datetime(2026, 3, 1, 10, 0, 30, tzinfo=UTC)
    )
    assert api_client.get(f"/products/{product.pk}").json()["price"] == 100

    time_machine.move_to(datetime(2026, 3, 1, 10, 0, 30, tzinfo=UTC), tick=False)

    assert api_client.get(f"/products/{product.pk}").json()["price"] == 50
