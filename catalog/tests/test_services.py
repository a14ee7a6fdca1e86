from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from catalog.models import Category, DiscountType, Product
from catalog.services import _final_prices_write, product_prices_refresh
from catalog.tasks import refresh_prices
from catalog.tests.factories import CategoryFactory, DiscountFactory, ManufacturerFactory, ProductFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _final(product: Product) -> Decimal:
    return Product.objects.values_list("final_price", flat=True).get(pk=product.pk)


# --- final price refresh --------------------------------------------------------------------


def test_new_product_starts_at_its_base_price():
    product = ProductFactory(price=Decimal("123.45"))

    assert _final(product) == Decimal("123.45")


def test_refresh_stores_discounted_prices_and_counts_only_changed_rows():
    category = CategoryFactory()
    discounted = ProductFactory(category=category, price=Decimal("200.00"))
    untouched = ProductFactory(price=Decimal("200.00"))
    DiscountFactory(categories=[category], value=Decimal("15"))

    assert product_prices_refresh() == 1
    assert _final(discounted) == Decimal("170.00")
    assert _final(untouched) == Decimal("200.00")
    assert product_prices_refresh() == 0


def test_refresh_restores_the_base_price_when_a_discount_is_switched_off():
    product = ProductFactory(price=Decimal("200.00"))
    discount = DiscountFactory(products=[product], type=DiscountType.FIXED, value=Decimal("20"))
    product_prices_refresh()
    assert _final(product) == Decimal("180.00")

    discount.is_active = False
    discount.save()
    product_prices_refresh()

    assert _final(product) == Decimal("200.00")


def test_refresh_catches_a_base_price_changed_without_the_service():
    product = ProductFactory(price=Decimal("200.00"))
    Product.objects.filter(pk=product.pk).update(price=Decimal("250.00"))

    product_prices_refresh()

    assert _final(product) == Decimal("250.00")


def test_refresh_with_product_ids_prices_only_those_products():
    maker = ManufacturerFactory()
    first = ProductFactory(manufacturer=maker)
    second = ProductFactory(manufacturer=maker)
    DiscountFactory(manufacturers=[maker], value=Decimal("50"))

    product_prices_refresh(product_ids=[first.pk])

    assert _final(first) == Decimal("50.00")
    assert _final(second) == Decimal("100.00")


def test_price_write_skips_a_row_whose_base_price_moved_since_it_was_read():
    product = ProductFactory(price=Decimal("100.00"))
    Product.objects.filter(pk=product.pk).update(price=Decimal("300.00"), final_price=Decimal("300.00"))

    # A slow refresh read price 100 and computed 90; the row has moved on to 300 since.
    _final_prices_write([(product.pk, Decimal("100.00"), Decimal("90.00"))])

    assert _final(product) == Decimal("300.00")


def test_refresh_task_follows_discount_windows_with_the_clock(time_machine):
    product = ProductFactory(price=Decimal("100.00"))
    DiscountFactory(products=[product], starts_at=NOW, ends_at=NOW + timedelta(hours=2))

    time_machine.move_to(NOW - timedelta(minutes=1), tick=False)
    refresh_prices.delay()
    assert _final(product) == Decimal("100.00")

    time_machine.move_to(NOW + timedelta(minutes=1), tick=False)
    refresh_prices.delay()
    assert _final(product) == Decimal("90.00")

    time_machine.move_to(NOW + timedelta(hours=2), tick=False)
    refresh_prices.delay()
    assert _final(product) == Decimal("100.00")


# --- category paths ----------------------------------------------------------------------------


def test_category_path_lists_its_ancestors_and_itself():
    root = CategoryFactory()
    child = CategoryFactory(parent=root)
    grandchild = CategoryFactory(parent=child)

    assert root.path == f"/{root.pk}/"
    assert Category.objects.get(pk=grandchild.pk).path == f"/{root.pk}/{child.pk}/{grandchild.pk}/"


def test_moving_a_category_moves_the_paths_of_its_whole_subtree():
    old_root, new_root = CategoryFactory(), CategoryFactory()
    moved = CategoryFactory(parent=old_root)
    below = CategoryFactory(parent=moved)
    deepest = CategoryFactory(parent=below)

    moved.parent = new_root
    moved.save()

    paths = dict(Category.objects.values_list("pk", "path"))
    assert paths[moved.pk] == f"/{new_root.pk}/{moved.pk}/"
    assert paths[below.pk] == f"/{new_root.pk}/{moved.pk}/{below.pk}/"
    assert paths[deepest.pk] == f"/{new_root.pk}/{moved.pk}/{below.pk}/{deepest.pk}/"
    assert paths[old_root.pk] == f"/{old_root.pk}/"


def test_moving_a_category_to_the_root_shortens_the_subtree_paths():
    root = CategoryFactory()
    moved = CategoryFactory(parent=root)
    below = CategoryFactory(parent=moved)

    moved.parent = None
    moved.save()

    assert Category.objects.get(pk=below.pk).path == f"/{moved.pk}/{below.pk}/"


def test_a_category_cannot_move_under_its_own_descendant():
    root = CategoryFactory()
    child = CategoryFactory(parent=root)

    root.parent = child
    with pytest.raises(ValidationError):
        root.full_clean()
    with pytest.raises(ValidationError):
        root.save()

    assert Category.objects.get(pk=root.pk).parent_id is None


@pytest.mark.postgres
def test_postgres_has_trigram_indexes_for_product_search():
    if connection.vendor != "postgresql":
        pytest.skip("needs a real PostgreSQL server (DATABASE_URL=postgres://...)")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
            [Product._meta.db_table, "%gin_trgm_ops%"],
        )
        indexes = dict(cursor.fetchall())

    assert set(indexes) == {"product_title_trgm", "product_sku_trgm", "product_description_trgm"}
