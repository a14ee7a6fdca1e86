from __future__ import annotations

from decimal import Decimal

from catalog.models import Product
from catalog.tests.factories import ProductFactory
from inventory.services import stock_set


def stocked_product(*, on_hand: int = 10, price: str = "100.00", **fields: object) -> Product:
    """An active product with stock on hand."""
    product = ProductFactory(price=Decimal(price), **fields)
    stock_set(product_id=product.pk, on_hand=on_hand)
    return product


def storefront_item(product: Product, *, quantity: int = 1, price: object = None, **extra: object) -> dict:
    """An `items[]` entry as the SPA sends it (string ids, the price the shopper saw)."""
    return {
        "productId": str(product.pk),
        "sku": product.sku,
        "quantity": quantity,
        "price": float(product.price if price is None else price),
        "title": product.title,
        **extra,
    }
