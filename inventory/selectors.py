"""Reads of stock and reservations, shaped for the code that uses them."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch

from catalog.models import Product
from inventory.exceptions import OrderNotFound, ReservationNotFound
from inventory.models import LIVE_RESERVATION_STATUSES, Reservation, ReservationLine, Stock
from orders.models import Order


def stock_available_for(*, product_ids: Iterable[int]) -> dict[int, int]:
    """{product_id: available} for every id asked about; 0 where a product has no stock row."""
    ids = set(product_ids)
    available = dict.fromkeys(ids, 0)
    rows = Stock.objects.filter(product_id__in=ids).values_list("product_id", "on_hand", "reserved")
    for product_id, on_hand, reserved in rows:
        available[product_id] = on_hand - reserved
    return available


def stock_list(*, product_ids: Iterable[int]) -> list[Stock]:
    """The stock of each existing product among `product_ids`, by product id.

    A product that was never stocked gets an unsaved `Stock` with zero counters, so callers
    see one shape; ids of products that don't exist are left out. Two queries.
    """
    ids = set(product_ids)
    stocks = {stock.product_id: stock for stock in Stock.objects.filter(product_id__in=ids)}
    existing = Product.objects.filter(pk__in=ids).order_by("pk").values_list("pk", flat=True)
    return [stocks.get(product_id) or Stock(product_id=product_id) for product_id in existing]


def _reservations_with_lines():
    return Reservation.objects.prefetch_related(
        Prefetch("lines", queryset=ReservationLine.objects.order_by("product_id"))
    )


def reservation_get(*, reservation_id: int) -> Reservation:
    """One reservation with its lines (two queries); ReservationNotFound (404) otherwise."""
    reservation = _reservations_with_lines().filter(pk=reservation_id).first()
    if reservation is None:
        raise ReservationNotFound()
    return reservation


def reservation_live_for_order(*, order_id: int) -> Reservation | None:
    """The order's active or confirmed reservation with its lines, if it has one."""
    return _reservations_with_lines().filter(order_id=order_id, status__in=LIVE_RESERVATION_STATUSES).first()


def reservation_order_get(*, order_id: int) -> Order:
    """The order a reservation is requested for; OrderNotFound (404) otherwise."""
    order = Order.objects.filter(pk=order_id).only("pk", "payment_method").first()
    if order is None:
        raise OrderNotFound()
    return order
