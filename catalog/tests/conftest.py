from collections.abc import Callable

import pytest
from django.apps import apps

from catalog.models import Product


@pytest.fixture
def set_stock() -> Callable[[Product, int, int], None]:
    """Write a product's stock row straight into the inventory table; skip without inventory.

    The catalog only reads `on_hand − reserved`, so the row is written directly rather than
    through inventory's services (whose rules are theirs to test).
    """
    try:
        stock_model = apps.get_model("inventory", "Stock")
    except LookupError:
        pytest.skip("the inventory app has no Stock model yet")

    def write(product: Product, on_hand: int, reserved: int = 0) -> None:
        stock_model.objects.update_or_create(
            product_id=product.pk, defaults={"on_hand": on_hand, "reserved": reserved}
        )

    return write
