"""Races on a real PostgreSQL with real threads: no overselling, one order per idempotency key."""

from __future__ import annotations

from collections import Counter

import pytest

from conftest import run_in_threads
from inventory.exceptions import OutOfStock
from inventory.models import Stock
from orders import services
from orders.models import Order
from orders.tests.factories import stocked_product

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("postgres_only"),
]


@pytest.mark.parametrize("buyers", [50, 100])
def test_parallel_orders_for_the_last_ten_units_sell_exactly_ten(buyers):
    product = stocked_product(on_hand=10)

    def place(index: int):
        return services.order_place(
            items=[services.OrderItemInput(product_id=product.pk, quantity=1)],
            phone="+380971112233",
            client_id=f"browser-{index}",
        ).order.pk

    results = run_in_threads(buyers, place)

    outcomes = Counter(type(result).__name__ for result in results)
    assert outcomes == {"int": 10, "OutOfStock": buyers - 10}
    assert all(isinstance(r, int | OutOfStock) for r in results)
    stock = Stock.objects.get(product=product)
    assert (stock.on_hand, stock.reserved) == (10, 10)
    assert Order.objects.count() == 10


def test_twenty_parallel_requests_with_one_idempotency_key_make_one_order():
    product = stocked_product(on_hand=100)

    def place(index: int):
        return services.order_place(
            items=[services.OrderItemInput(product_id=product.pk, quantity=2)],
            phone="+380971112233",
            client_id="one-browser",
            idempotency_key="double-click",
        ).order.pk

    results = run_in_threads(20, place)

    assert all(isinstance(result, int) for result in results), results
    assert len(set(results)) == 1
    assert Order.objects.count() == 1
    assert Stock.objects.get(product=product).reserved == 2


def test_parallel_multi_line_orders_in_opposite_orders_never_deadlock():
    first, second = stocked_product(on_hand=15), stocked_product(on_hand=15)

    def place(index: int):
        pair = (first, second) if index % 2 else (second, first)
        return services.order_place(
            items=[services.OrderItemInput(product_id=p.pk, quantity=1) for p in pair],
            phone="+380971112233",
            client_id=f"browser-{index}",
        ).order.pk

    results = run_in_threads(20, place)

    assert Counter(type(result).__name__ for result in results) == {"int": 15, "OutOfStock": 5}
    assert Stock.objects.get(product=first).reserved == Stock.objects.get(product=second).reserved == 15
