import pytest

from inventory import selectors, services
from inventory.exceptions import OrderNotFound, ReservationNotFound
from inventory.tests.factories import OrderFactory, ProductFactory, StockFactory

pytestmark = pytest.mark.django_db


def test_available_for_counts_unstocked_products_as_zero():
    stock = StockFactory(on_hand=9, reserved=4)
    unstocked = ProductFactory()

    assert selectors.stock_available_for(product_ids=[stock.product_id, unstocked.pk]) == {
        stock.product_id: 5,
        unstocked.pk: 0,
    }


def test_stock_list_gives_unstocked_products_zero_counters_in_product_order():
    unstocked = ProductFactory()
    stock = StockFactory(on_hand=3)

    stocks = selectors.stock_list(product_ids=[stock.product_id, unstocked.pk, 123_456])

    assert [(s.product_id, s.on_hand, s.reserved, s.available) for s in stocks] == [
        (unstocked.pk, 0, 0, 0),
        (stock.product_id, 3, 0, 3),
    ]


def test_live_reservation_for_order_is_the_active_or_confirmed_one():
    stock = StockFactory(on_hand=5)
    order = OrderFactory()
    old = services.reservation_create(lines=[(stock.product_id, 1)], order=order, ttl_seconds=None)
    services.reservation_release(reservation_id=old.pk)
    assert selectors.reservation_live_for_order(order_id=order.pk) is None

    current = services.reservation_create(lines=[(stock.product_id, 2)], order=order, ttl_seconds=None)
    services.reservation_confirm(reservation_id=current.pk)

    live = selectors.reservation_live_for_order(order_id=order.pk)
    assert live.pk == current.pk
    assert [(line.product_id, line.quantity) for line in live.lines.all()] == [(stock.product_id, 2)]


def test_missing_reservation_and_order_are_not_found():
    with pytest.raises(ReservationNotFound):
        selectors.reservation_get(reservation_id=999)
    with pytest.raises(OrderNotFound):
        selectors.reservation_order_get(order_id=999)
