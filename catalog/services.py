"""Catalog writes: keeping the stored final prices in step with the discounts."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Case, F, Q, Value, When

from catalog.caching import listing_changed
from catalog.models import Product
from catalog.pricing import discount_book_load

logger = logging.getLogger(__name__)

REFRESH_CHUNK = 5000
REFRESH_WRITE_BATCH = 1000  # rows per UPDATE


def product_prices_refresh(*, product_ids: Iterable[int] | None = None, at: datetime | None = None) -> int:
    """Recompute `Product.final_price`; write only rows whose value changed. Returns that count.

    With `product_ids` only those products are priced. Without, every product whose stored
    final price can be stale: those some active discount reaches, plus those whose final
    price differs from the base price (a discount that ended, was deleted or retargeted, or a
    base price edited behind the service's back). Any other product's final price must equal
    its base price already, so the periodic run touches only the discounted part of the catalog.
    A run that races a discount edit may store the old discount's price; the next run (beat,
    every minute) corrects it.
    """
    ids = sorted(set(product_ids)) if product_ids is not None else None
    if ids is not None and not ids:
        return 0
    book = discount_book_load(at=at, product_ids=ids)
    products = Product.objects.all()
    if ids is not None:
        products = products.filter(pk__in=ids)
    else:
        products = products.filter(book.targets_q() | ~Q(final_price=F("price")))
    rows = products.order_by("pk").values_list(
        "pk", "price", "final_price", "category__path", "manufacturer_id"
    )
    written = 0
    last_pk = 0
    # Keyset chunks rather than one open cursor: nothing stays open while a batch is written.
    while chunk := list(rows.filter(pk__gt=last_pk)[:REFRESH_CHUNK]):
        changed: list[tuple[int, Decimal, Decimal]] = []
        for pk, price, stored, category_path, manufacturer_id in chunk:
            final = book.final_price(
                product_id=pk, price=price, category_path=category_path, manufacturer_id=manufacturer_id
            )
            if final != stored:
                changed.append((pk, price, final))
        for start in range(0, len(changed), REFRESH_WRITE_BATCH):
            written += _final_prices_write(changed[start : start + REFRESH_WRITE_BATCH])
        last_pk = chunk[-1][0]
    if written:
        logger.info("catalog: refreshed %s final price(s)", written)
        listing_changed()  # price filters count differently now
    return written


def _final_prices_write(changes: list[tuple[int, Decimal, Decimal]]) -> int:
    """Write new final prices: [(id, base price as read, new final price)].

    A row whose base price moved since it was read keeps its value: the edit that moved it
    refreshes it, so a slower concurrent run never writes a stale price over a fresh one.
    """
    if connection.vendor == "postgresql":
        # One UPDATE joined to three arrays: far cheaper than a CASE with a branch per row.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Product._meta.db_table} AS product SET final_price = fresh.final_price "  # noqa: S608 - table name from the model, values bound
                "FROM unnest(%s::bigint[], %s::numeric[], %s::numeric[]) AS fresh(id, price, final_price) "
                "WHERE product.id = fresh.id AND product.price = fresh.price",
                [
                    [pk for pk, _, _ in changes],
                    [price for _, price, _ in changes],
                    [final for _, _, final in changes],
                ],
            )
            return cursor.rowcount
    with transaction.atomic():
        return Product.objects.filter(pk__in=[pk for pk, _, _ in changes]).update(
            final_price=Case(
                *[When(pk=pk, price=price, then=Value(final)) for pk, price, final in changes],
                default=F("final_price"),
            )
        )
