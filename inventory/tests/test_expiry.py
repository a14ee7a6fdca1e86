from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from inventory import services
from inventory.models import Reservation, ReservationStatus, Stock
from inventory.signals import reservation_expired
from inventory.tasks import expire_reservations
from inventory.tests.factories import OrderFactory, StockFactory

pytestmark = pytest.mark.django_db

START = "2026-03-01 10:00:00+00:00"


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def received():
    """What `reservation_expired` receivers saw: (reservation id, its status as stored then)."""
    calls = []

    def receiver(sender, reservation, **kwargs):
        calls.append((reservation.pk, Reservation.objects.get(pk=reservation.pk).status))

    reservation_expired.connect(receiver, dispatch_uid="inventory-test-receiver")
    yield calls
    reservation_expired.disconnect(dispatch_uid="inventory-test-receiver")


def reserve(stock, quantity=1, ttl=900, order=None):
    return services.reservation_create(lines=[(stock.product_id, quantity)], order=order, ttl_seconds=ttl)


def test_sweep_expires_only_what_is_due_and_releases_its_stock(clock, received):
    stock = StockFactory(on_hand=10)
    early = reserve(stock, 2, ttl=60)
    late = reserve(stock, 3, ttl=900)
    cash = reserve(stock, 4, ttl=None)

    clock.shift(timedelta(seconds=60))
    assert services.reservations_expire_due() == 1

    statuses = dict(Reservation.objects.values_list("pk", "status"))
    assert statuses == {early.pk: "expired", late.pk: "active", cash.pk: "active"}
    assert Stock.objects.get(pk=stock.pk).reserved == 7
    assert received == [(early.pk, "expired")]


def test_expiring_twice_releases_once(clock, received):
    stock = StockFactory(on_hand=10)
    reservation = reserve(stock, 2)
    clock.shift(timedelta(minutes=20))

    assert services.reservations_expire_due() == 1
    assert services.reservations_expire_due() == 0
    again = services.reservation_expire(reservation_id=reservation.pk)

    assert again.status == ReservationStatus.EXPIRED
    assert Stock.objects.get(pk=stock.pk).reserved == 0
    assert len(received) == 1


def test_sweep_walks_every_batch(clock):
    stock = StockFactory(on_hand=10)
    for _ in range(7):
        reserve(stock, 1)
    clock.shift(timedelta(minutes=20))

    assert services.reservations_expire_due(batch_size=3) == 7

    assert Stock.objects.get(pk=stock.pk).reserved == 0
    assert not Reservation.objects.filter(status=ReservationStatus.ACTIVE).exists()


def test_signal_carries_the_order_to_cancel(clock):
    stock = StockFactory(on_hand=10)
    order = OrderFactory()
    reserve(stock, 2, order=order)
    seen = []

    def receiver(sender, reservation, **kwargs):
        seen.append(reservation.order_id)

    reservation_expired.connect(receiver, dispatch_uid="inventory-test-order")
    try:
        clock.shift(timedelta(minutes=20))
        services.reservations_expire_due()
    finally:
        reservation_expired.disconnect(dispatch_uid="inventory-test-order")

    assert seen == [order.pk]


def test_a_failing_receiver_rolls_its_expiry_back_and_the_sweep_goes_on(clock):
    """Releasing the stock and cancelling the order commit together, or neither does."""
    stock = StockFactory(on_hand=10)
    broken = reserve(stock, 2, order=OrderFactory())
    fine = reserve(stock, 3, order=OrderFactory())

    def receiver(sender, reservation, **kwargs):
        if reservation.pk == broken.pk:
            raise RuntimeError("orders could not cancel")

    reservation_expired.connect(receiver, dispatch_uid="inventory-test-broken")
    try:
        clock.shift(timedelta(minutes=20))
        assert services.reservations_expire_due() == 1
    finally:
        reservation_expired.disconnect(dispatch_uid="inventory-test-broken")

    assert Reservation.objects.get(pk=broken.pk).status == ReservationStatus.ACTIVE
    assert Reservation.objects.get(pk=fine.pk).status == ReservationStatus.EXPIRED
    assert Stock.objects.get(pk=stock.pk).reserved == 2
    # The next run, with the receiver fixed, expires it.
    assert services.reservations_expire_due() == 1
    assert Stock.objects.get(pk=stock.pk).reserved == 0


def test_command_expires_due_reservations_and_says_how_many(clock):
    stock = StockFactory(on_hand=10)
    reserve(stock, 1)
    reserve(stock, 1)
    clock.shift(timedelta(minutes=15))
    out = StringIO()

    call_command("expire_reservations", stdout=out)

    assert out.getvalue().strip() == "expired 2 reservation(s)"
    assert Stock.objects.get(pk=stock.pk).reserved == 0


def test_beat_task_expires_due_reservations(clock):
    stock = StockFactory(on_hand=10)
    reserve(stock, 4)
    clock.shift(timedelta(minutes=15))

    result = expire_reservations.delay()

    assert result.get() == 1
    assert Stock.objects.get(pk=stock.pk).reserved == 0
