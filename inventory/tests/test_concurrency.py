"""No overselling and no double release under real concurrency: real PostgreSQL, real threads.

Each thread has its own database connection (Django's connections are per thread), opens
it before the start line, waits at a barrier so all of them hit the database together,
and closes it at the end. Skipped on SQLite, which has no row locks.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from inventory import services
from inventory.exceptions import InvalidReservationTransition, OutOfStock, ReservationNotDue
from inventory.models import Reservation, ReservationLine, ReservationStatus, Stock, StockMovement
from inventory.signals import reservation_expired
from inventory.tests.factories import OrderFactory, ProductFactory, StockFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(calls: list[Callable[[], object]]) -> list[object]:
    """Run every call in its own thread, all released at once; each result or raised exception."""
    barrier = threading.Barrier(len(calls), timeout=30)
    results: list[object] = [None] * len(calls)

    def worker(index: int, call: Callable[[], object]) -> None:
        try:
            connection.ensure_connection()
            barrier.wait()
            results[index] = call()
        except BaseException as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung: a lock was never released"
    return results


def kinds(results: list[object]) -> Counter:
    return Counter(type(result).__name__ for result in results)


def test_fifty_parallel_reservations_for_ten_units_sell_exactly_ten():
    stock = StockFactory(on_hand=10)

    results = run_together(
        [
            lambda: services.reservation_create(lines=[(stock.product_id, 1)], ttl_seconds=900)
            for _ in range(50)
        ]
    )

    assert kinds(results) == {"Reservation": 10, "OutOfStock": 40}
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved, stock.available) == (10, 10, 0)
    assert Reservation.objects.count() == 10
    assert sum(ReservationLine.objects.values_list("quantity", flat=True)) == 10
    refused = [result for result in results if isinstance(result, OutOfStock)]
    assert all(
        result.extra["items"] == [{"productId": str(stock.product_id), "requested": 1, "available": 0}]
        for result in refused
    )


def test_multi_line_reservations_in_opposite_orders_never_deadlock_and_stay_all_or_nothing():
    first, second, third = (StockFactory(on_hand=20) for _ in range(3))
    forward = [(first.product_id, 1), (second.product_id, 1), (third.product_id, 1)]
    backward = list(reversed(forward))

    results = run_together(
        [
            (
                lambda lines=(forward if i % 2 else backward): services.reservation_create(
                    lines=lines, ttl_seconds=None
                )
            )
            for i in range(30)
        ]
    )

    # A deadlock would surface as an OperationalError ("deadlock detected") in some thread.
    assert kinds(results) == {"Reservation": 20, "OutOfStock": 10}
    assert list(Stock.objects.order_by("product_id").values_list("reserved", flat=True)) == [20, 20, 20]


# With an order, the order's row lock already serialises the callers; without one, the
# reservation's own row lock must.
@pytest.mark.parametrize("with_order", [True, False], ids=["order", "no-order"])
def test_release_expire_and_confirm_racing_change_the_reservation_once(with_order):
    expired_signals = []

    def on_expired(sender, reservation, **kwargs):
        expired_signals.append(reservation.pk)

    reservation_expired.connect(on_expired, dispatch_uid="inventory-race")
    later = timezone.now() + timedelta(hours=1)
    outcomes = Counter()
    try:
        for _ in range(8):
            first, second = StockFactory(on_hand=10), StockFactory(on_hand=10)
            reservation = services.reservation_create(
                lines=[(first.product_id, 3), (second.product_id, 2)],
                order=OrderFactory() if with_order else None,
                ttl_seconds=60,
            )
            actions = {
                "confirmed": lambda pk=reservation.pk: services.reservation_confirm(reservation_id=pk),
                "released": lambda pk=reservation.pk: services.reservation_release(reservation_id=pk),
                "expired": lambda pk=reservation.pk: services.reservation_expire(
                    reservation_id=pk, now=later
                ),
            }
            names = [name for name in actions for _ in range(4)]

            results = run_together([actions[name] for name in names])

            reservation.refresh_from_db()
            final = reservation.status
            outcomes[final] += 1
            for name, result in zip(names, results, strict=True):
                if name == final:  # the winner and its idempotent repeats
                    assert isinstance(result, Reservation)
                    assert result.status == final
                else:
                    assert isinstance(result, InvalidReservationTransition), result
            # One state change: one movement per line besides the reserving ones.
            moved = StockMovement.objects.filter(reservation=reservation).exclude(kind="reserved")
            assert sorted(moved.values_list("product_id", "kind")) == [
                (first.product_id, final),
                (second.product_id, final),
            ]
            first.refresh_from_db()
            second.refresh_from_db()
            assert (first.reserved, second.reserved) == (0, 0)
            if final == ReservationStatus.CONFIRMED:
                assert (first.on_hand, second.on_hand) == (7, 8)
            else:
                assert (first.on_hand, second.on_hand) == (10, 10)
            assert expired_signals.count(reservation.pk) == (1 if final == ReservationStatus.EXPIRED else 0)
    finally:
        reservation_expired.disconnect(dispatch_uid="inventory-race")
    assert sum(outcomes.values()) == 8


def test_payment_racing_expiry_either_keeps_or_expires_the_reservation_never_both():
    later = timezone.now() + timedelta(hours=1)
    for _ in range(8):
        stock = StockFactory(on_hand=5)
        reservation = services.reservation_create(lines=[(stock.product_id, 5)], ttl_seconds=60)

        stop, expire = run_together(
            [
                lambda pk=reservation.pk: services.reservation_stop_expiry(reservation_id=pk),
                lambda pk=reservation.pk: services.reservation_expire(reservation_id=pk, now=later),
            ]
        )

        reservation.refresh_from_db()
        stock.refresh_from_db()
        if reservation.status == ReservationStatus.EXPIRED:
            assert isinstance(stop, InvalidReservationTransition)
            assert isinstance(expire, Reservation)
            assert stock.reserved == 0
        else:
            assert reservation.status == ReservationStatus.ACTIVE
            assert reservation.expires_at is None
            assert isinstance(stop, Reservation)
            assert isinstance(expire, ReservationNotDue)
            assert stock.reserved == 5


def test_parallel_expiry_sweeps_expire_each_reservation_once():
    stock = StockFactory(on_hand=30)
    for _ in range(30):
        services.reservation_create(lines=[(stock.product_id, 1)], ttl_seconds=60)
    later = timezone.now() + timedelta(hours=1)

    counts = run_together(
        [lambda: services.reservations_expire_due(now=later, batch_size=7) for _ in range(4)]
    )

    assert all(isinstance(count, int) for count in counts), counts
    assert sum(counts) == 30
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved) == (30, 0)
    assert StockMovement.objects.filter(kind="expired").count() == 30


def test_parallel_stock_set_on_an_unstocked_product_creates_one_row():
    product = ProductFactory()

    results = run_together(
        [lambda n=n: services.stock_set(product_id=product.pk, on_hand=n) for n in range(1, 11)]
    )

    assert kinds(results) == {"Stock": 10}
    stock = Stock.objects.get(product=product)
    # Every set moved from the value before it: the recorded deltas add up to the final count.
    assert (
        sum(StockMovement.objects.filter(product=product).values_list("delta_on_hand", flat=True))
        == stock.on_hand
    )
