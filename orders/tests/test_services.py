"""The order state machine: exactly the allowed moves, each with its stock side effect and event."""

from __future__ import annotations

from itertools import product as cartesian

import pytest
from django.core.management import call_command

from inventory.models import Reservation, ReservationStatus, Stock
from orders import services
from orders.exceptions import InvalidTransition
from orders.models import CancelReason, Order, OrderStatus, PaymentMethod
from orders.signals import order_status_changed
from orders.tests.factories import stocked_product

pytestmark = pytest.mark.django_db

S = OrderStatus
ALLOWED = {
    (S.NEW, S.RESERVED),
    (S.RESERVED, S.PAID),
    (S.RESERVED, S.CONFIRMED),
    (S.PAID, S.CONFIRMED),
    (S.CONFIRMED, S.DONE),
    (S.NEW, S.CANCELLED),
    (S.RESERVED, S.CANCELLED),
    (S.PAID, S.CANCELLED),
    (S.CONFIRMED, S.CANCELLED),
}


def place(product, *, quantity: int = 2, method: str = PaymentMethod.CASH_ON_DELIVERY) -> Order:
    return services.order_place(
        items=[services.OrderItemInput(product_id=product.pk, quantity=quantity)],
        phone="+380971112233",
        client_id="c1",
        payment_method=method,
    ).order


def stock(product) -> tuple[int, int]:
    row = Stock.objects.get(product=product)
    return row.on_hand, row.reserved


def test_the_table_of_allowed_moves_is_exactly_the_spec():
    table = {(source, target) for source, targets in services.ALLOWED_MOVES.items() for target in targets}

    assert table == ALLOWED


@pytest.mark.parametrize(("source", "target"), sorted(set(cartesian(S.values, S.values)) - ALLOWED))
def test_every_other_move_is_409_and_changes_nothing(source, target):
    product = stocked_product(on_hand=5)
    order = place(product)
    Order.objects.filter(pk=order.pk).update(status=source)
    events_before = order.events.count()

    with pytest.raises(InvalidTransition) as error:
        services.order_transition(order_id=order.pk, to_status=target, source="test")

    assert error.value.status_code == 409
    assert error.value.code == "order.invalidTransition"
    assert Order.objects.get(pk=order.pk).status == source
    assert order.events.count() == events_before


def test_confirming_a_cash_order_deducts_the_stock():
    product = stocked_product(on_hand=5)
    order = place(product)

    services.order_confirm(order_id=order.pk)

    assert stock(product) == (3, 0)
    assert Reservation.objects.get(order=order).status == ReservationStatus.CONFIRMED
    assert order.events.last().to_status == S.CONFIRMED


def test_cancelling_a_reserved_order_releases_the_stock():
    product = stocked_product(on_hand=5)
    order = place(product)

    services.order_cancel(order_id=order.pk, reason=CancelReason.STAFF, note="клієнт передумав")

    order.refresh_from_db()
    assert (order.status, order.cancel_reason) == (S.CANCELLED, CancelReason.STAFF)
    assert stock(product) == (5, 0)
    assert order.events.last().note == "клієнт передумав"


def test_cancelling_a_confirmed_order_returns_the_stock_on_hand():
    product = stocked_product(on_hand=5)
    order = place(product)
    services.order_confirm(order_id=order.pk)

    services.order_cancel(order_id=order.pk, reason=CancelReason.STAFF)

    assert stock(product) == (5, 0)


def test_done_after_confirmed_and_nothing_after_done():
    product = stocked_product(on_hand=5)
    order = place(product)
    services.order_confirm(order_id=order.pk)

    services.order_mark_done(order_id=order.pk)

    with pytest.raises(InvalidTransition):
        services.order_cancel(order_id=order.pk, reason=CancelReason.STAFF)
    assert [(e.from_status, e.to_status) for e in Order.objects.get(pk=order.pk).events.all()] == [
        ("", S.NEW),
        (S.NEW, S.RESERVED),
        (S.RESERVED, S.CONFIRMED),
        (S.CONFIRMED, S.DONE),
    ]


def test_paying_stops_the_reservation_expiry(time_machine):
    time_machine.move_to("2026-03-01 10:00:00+00:00", tick=False)
    product = stocked_product(on_hand=5)
    order = place(product, method=PaymentMethod.CARD)

    services.order_mark_paid(order_id=order.pk)
    time_machine.move_to("2026-03-01 11:00:00+00:00", tick=False)
    call_command("expire_reservations", verbosity=0)

    assert Order.objects.get(pk=order.pk).status == S.PAID
    assert Reservation.objects.get(order=order).expires_at is None
    assert stock(product) == (5, 2)


def test_an_expired_reservation_cancels_its_unpaid_order(time_machine, settings):
    settings.RESERVATION_TTL = 900
    time_machine.move_to("2026-03-01 10:00:00+00:00", tick=False)
    product = stocked_product(on_hand=5)
    online = place(product, method=PaymentMethod.CARD)
    cash = place(product, method=PaymentMethod.CASH_ON_DELIVERY)

    time_machine.move_to("2026-03-01 10:15:01+00:00", tick=False)
    call_command("expire_reservations", verbosity=0)

    online.refresh_from_db()
    assert (online.status, online.cancel_reason) == (S.CANCELLED, CancelReason.RESERVATION_EXPIRED)
    assert online.events.last().source == "system"
    assert Order.objects.get(pk=cash.pk).status == S.RESERVED
    assert stock(product) == (5, 2)


def test_customer_can_cancel_until_confirmed_only():
    from accounts.tests.factories import UserFactory

    customer = UserFactory()
    product = stocked_product(on_hand=5)
    order = place(product)
    Order.objects.filter(pk=order.pk).update(customer=customer)
    services.order_confirm(order_id=order.pk)

    with pytest.raises(InvalidTransition):
        services.order_cancel_by_customer(order_id=order.pk, customer=customer)
    assert Order.objects.get(pk=order.pk).status == S.CONFIRMED


def test_every_move_is_announced_inside_the_transaction():
    seen = []

    def receiver(sender, order, from_status, to_status, **kwargs):
        seen.append((from_status, to_status))

    order_status_changed.connect(receiver)
    try:
        product = stocked_product(on_hand=5)
        order = place(product)
        services.order_cancel(order_id=order.pk, reason=CancelReason.CUSTOMER)
    finally:
        order_status_changed.disconnect(receiver)

    assert seen == [(S.NEW, S.RESERVED), (S.RESERVED, S.CANCELLED)]


def test_order_lines_are_snapshots_that_catalog_edits_never_change():
    product = stocked_product(on_hand=5, price="100.00")
    order = place(product, quantity=1)

    product.title = "Нова назва"
    product.price = 999
    product.save()

    line = Order.objects.get(pk=order.pk).lines.get()
    assert (line.title, line.price) != ("Нова назва", 999)
