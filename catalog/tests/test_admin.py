from decimal import Decimal

import pytest

from catalog.models import Category, Discount, Product
from catalog.services import product_prices_refresh
from catalog.tests.factories import CategoryFactory, DiscountFactory, ManufacturerFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _final(product: Product) -> Decimal:
    return Product.objects.values_list("final_price", flat=True).get(pk=product.pk)


def _product_form(product: Product, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "sku": product.sku,
        "slug": product.slug,
        "title": product.title,
        "description": product.description,
        "price": str(product.price),
        "currency": product.currency,
        "category": product.category_id or "",
        "manufacturer": product.manufacturer_id or "",
        "country": product.country_id or "",
        "options": "{}",
        "unit": product.unit,
        "attributes": "{}",
        "images": "[]",
        "is_active": "on",
        # The read-only stock inline's management form.
        "stock-TOTAL_FORMS": "0",
        "stock-INITIAL_FORMS": "0",
        "stock-MIN_NUM_FORMS": "0",
        "stock-MAX_NUM_FORMS": "1",
    }
    data.update(changes)
    return data


def test_admin_discount_save_recomputes_final_prices(admin_client):
    maker = ManufacturerFactory()
    product = ProductFactory(manufacturer=maker, price=Decimal("200.00"))

    response = admin_client.post(
        "/admin/catalog/discount/add/",
        {
            "name": "Тиждень виробника",
            "type": "percent",
            "value": "10",
            "priority": "0",
            "is_active": "on",
            "manufacturers": [maker.pk],
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Discount.objects.count() == 1
    assert _final(product) == Decimal("180.00")


def test_admin_discount_delete_restores_the_base_price(admin_client):
    product = ProductFactory(price=Decimal("200.00"))
    discount = DiscountFactory(products=[product], value=Decimal("50"))
    product_prices_refresh()
    assert _final(product) == Decimal("100.00")

    response = admin_client.post(f"/admin/catalog/discount/{discount.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert _final(product) == Decimal("200.00")


def test_admin_product_price_edit_recomputes_its_final_price(admin_client):
    category = CategoryFactory()
    product = ProductFactory(category=category, price=Decimal("200.00"))
    DiscountFactory(categories=[category], value=Decimal("10"))

    response = admin_client.post(
        f"/admin/catalog/product/{product.pk}/change/", _product_form(product, price="300.00")
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert _final(product) == Decimal("270.00")


def test_admin_moving_a_category_reprices_its_products(admin_client):
    on_sale = CategoryFactory()
    moved = CategoryFactory()
    product = ProductFactory(category=moved, price=Decimal("100.00"))
    DiscountFactory(categories=[on_sale], value=Decimal("20"))

    response = admin_client.post(
        f"/admin/catalog/category/{moved.pk}/change/",
        {"slug": moved.slug, "name": moved.name, "parent": on_sale.pk, "position": "0", "is_active": "on"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Category.objects.get(pk=moved.pk).path == f"/{on_sale.pk}/{moved.pk}/"
    assert _final(product) == Decimal("80.00")


def test_admin_rejects_moving_a_category_under_its_descendant(admin_client):
    root = CategoryFactory()
    child = CategoryFactory(parent=root)

    response = admin_client.post(
        f"/admin/catalog/category/{root.pk}/change/",
        {"slug": root.slug, "name": root.name, "parent": child.pk, "position": "0", "is_active": "on"},
    )

    assert response.status_code == 200  # the form again, with the error
    assert Category.objects.get(pk=root.pk).parent_id is None


@pytest.mark.parametrize("page", ["product", "discount", "category", "manufacturer", "country", "tag"])
def test_admin_changelists_render(admin_client, page):
    ProductFactory(category=CategoryFactory(), manufacturer=ManufacturerFactory())

    assert admin_client.get(f"/admin/catalog/{page}/").status_code == 200
    assert admin_client.get(f"/admin/catalog/{page}/add/").status_code == 200


def test_adjust_stock_action_records_units_and_reason(admin_client):
    from inventory.models import Stock, StockMovement

    product = ProductFactory()

    response = admin_client.post(
        "/admin/catalog/product/",
        {
            "action": "adjust_selected_stock",
            "_selected_action": [product.pk],
            "delta": "7",
            "reason": "поставка",
        },
        follow=True,
    )

    assert response.status_code == 200
    assert Stock.objects.get(product=product).on_hand == 7
    movement = StockMovement.objects.get(product=product)
    assert (movement.delta_on_hand, movement.reason) == (7, "поставка")
    assert movement.actor.is_superuser
    assert "7" in admin_client.get(f"/admin/catalog/product/{product.pk}/change/").text


def test_adjust_stock_without_a_reason_changes_nothing(admin_client):
    from inventory.models import Stock

    product = ProductFactory()

    admin_client.post(
        "/admin/catalog/product/",
        {"action": "adjust_selected_stock", "_selected_action": [product.pk], "delta": "7", "reason": ""},
    )

    assert not Stock.objects.filter(product=product).exists()


def test_stock_list_adjust_cannot_take_reserved_units(admin_client):
    from inventory.models import Stock
    from inventory.services import reservation_create, stock_set

    product = ProductFactory()
    stock_set(product_id=product.pk, on_hand=5)
    reservation_create(lines=[(product.pk, 4)], ttl_seconds=None)
    stock = Stock.objects.get(product=product)

    response = admin_client.post(
        "/admin/inventory/stock/",
        {"action": "adjust_selected_stock", "_selected_action": [stock.pk], "delta": "-3", "reason": "брак"},
        follow=True,
    )

    assert Stock.objects.get(product=product).on_hand == 5
    assert response.status_code == 200
