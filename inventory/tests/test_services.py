from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from inventory import services
from inventory.exceptions import (
    InvalidQuantity,
    InvalidReservationTransition,
    OutOfStock,
    ProductNotFound,
    ReservationExists,
    ReservationNotDue,
    ReservationNotFound,
    StockBelowReserved,
)
from inventory.models import Reservation, ReservationStatus, Stock, StockMovement, StockMovementKind
from inventory.services import ReservationItem
from inventory.tests.factories import OrderFactory, ProductFactory, StockFactory

pytestmark = pytest.mark.django_db


def stock_of(product) -> Stock:
    return Stock.objects.get(product=product)


def movements(**filters) -> list[tuple]:
    return list(
        StockMovement.objects.filter(**filters)
        .order_by("id")
        .values_list("product_id", "kind", "delta_on_hand", "delta_reserved")
    )


# --- models -------------------------------------------------------------------------------


def test_available_is_on_hand_minus_reserved():
    assert StockFactory(on_hand=7, reserved=3).available == 4


def test_database_refuses_reserved_above_on_hand():
    stock = StockFactory(on_hand=2, reserved=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Stock.objects.filter(pk=stock.pk).update(reserved=3)


def test_stock_movements_are_append_only():
    movement = StockMovement.objects.create(
        product=ProductFactory(), kind=StockMovementKind.SET, delta_on_hand=1
    )
    movement.reason = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        movement.save()


# --- reservation_create ---------------------------------------------------------------------


def test_reserve_holds_units_and_records_lines_and_movements():
    first, second = StockFactory(on_hand=5), StockFactory(on_hand=3)
    order = OrderFactory()

    reservation = services.reservation_create(
        lines=[(second.product_id, 3), ReservationItem(first.product_id, 2)], order=order, ttl_seconds=None
    )

    assert reservation.status == ReservationStatus.ACTIVE
    assert reservation.order == order
    assert reservation.expires_at is None
    assert list(reservation.lines.values_list("product_id", "quantity")) == [
        (first.product_id, 2),
        (second.product_id, 3),
    ]
    assert (stock_of(first.product).on_hand, stock_of(first.product).reserved) == (5, 2)
    assert (stock_of(second.product).on_hand, stock_of(second.product).reserved) == (3, 3)
    assert movements(reservation=reservation) == [
        (first.product_id, "reserved", 0, 2),
        (second.product_id, "reserved", 0, 3),
    ]


def test_reserve_merges_duplicate_products_into_one_line():
    stock = StockFactory(on_hand=5)

    reservation = services.reservation_create(
        lines=[(stock.product_id, 2), (stock.product_id, 3)], ttl_seconds=None
    )

    assert list(reservation.lines.values_list("product_id", "quantity")) == [(stock.product_id, 5)]
    assert stock_of(stock.product).reserved == 5


def test_reserve_with_ttl_sets_expiry_from_now(time_machine):
    time_machine.move_to("2026-03-01 10:00:00+00:00", tick=False)
    stock = StockFactory()

    reservation = services.reservation_create(lines=[(stock.product_id, 1)], ttl_seconds=900)

    assert reservation.expires_at == timezone.now() + timedelta(seconds=900)


def test_reserve_out_of_stock_names_every_short_line_and_reserves_nothing():
    enough, short, unstocked = StockFactory(on_hand=5), StockFactory(on_hand=2, reserved=1), ProductFactory()

    with pytest.raises(OutOfStock) as caught:
        services.reservation_create(
            lines=[(enough.product_id, 5), (short.product_id, 2), (unstocked.pk, 1)], ttl_seconds=None
        )

    assert caught.value.status_code == 409
    assert caught.value.code == "order.outOfStock"
    assert caught.value.extra == {
        "items": [
            {"productId": str(short.product_id), "requested": 2, "available": 1},
            {"productId": str(unstocked.pk), "requested": 1, "available": 0},
        ]
    }
    assert str(short.product_id) in str(caught.value.message)
    assert stock_of(enough.product).reserved == 0
    assert stock_of(short.product).reserved == 1
    assert not Reservation.objects.exists()
    assert not StockMovement.objects.exists()


def test_reserve_counts_merged_quantity_against_stock():
    stock = StockFactory(on_hand=4)

    with pytest.raises(OutOfStock) as caught:
        services.reservation_create(lines=[(stock.product_id, 3), (stock.product_id, 2)], ttl_seconds=None)

    assert caught.value.extra["items"] == [
        {"productId": str(stock.product_id), "requested": 5, "available": 4}
    ]
    assert stock_of(stock.product).reserved == 0


def test_reserve_unknown_product_is_not_found_and_reserves_nothing():
    stock = StockFactory()

    with pytest.raises(ProductNotFound) as caught:
        services.reservation_create(lines=[(stock.product_id, 1), (999_999, 1)], ttl_seconds=None)

    assert caught.value.extra == {"productIds": ["999999"]}
    assert stock_of(stock.product).reserved == 0


@pytest.mark.parametrize("lines", [[], [(1, 0)], [(1, -2)]])
def test_reserve_needs_at_least_one_positive_quantity(lines):
    with pytest.raises(InvalidQuantity):
        services.reservation_create(lines=lines, ttl_seconds=None)
    assert not Reservation.objects.exists()


def test_order_holds_at_most_one_live_reservation():
    stock = StockFactory(on_hand=5)
    order = OrderFactory()
    services.reservation_create(lines=[(stock.product_id, 1)], order=order, ttl_seconds=None)

    with pytest.raises(ReservationExists):
        services.reservation_create(lines=[(stock.product_id, 1)], order=order, ttl_seconds=None)

    assert stock_of(stock.product).reserved == 1
    assert order.reservations.count() == 1


def test_order_may_reserve_again_after_its_reservation_was_released():
    stock = StockFactory(on_hand=5)
    order = OrderFactory()
    first = services.reservation_create(lines=[(stock.product_id, 1)], order=order, ttl_seconds=None)
    services.reservation_release(reservation_id=first.pk)

    services.reservation_create(lines=[(stock.product_id, 2)], order=order, ttl_seconds=None)

    assert stock_of(stock.product).reserved == 2


def test_reserve_inside_a_failed_outer_transaction_leaves_stock_untouched():
    """Order placement reserves in its own transaction: a later failure undoes the reservation."""
    stock = StockFactory(on_hand=5)

    def place_order_failing_after_the_reservation():
        with transaction.atomic():
            services.reservation_create(lines=[(stock.product_id, 5)], ttl_seconds=None)
            raise RuntimeError("order placement failed after reserving")

    with pytest.raises(RuntimeError):
        place_order_failing_after_the_reservation()

    assert stock_of(stock.product).reserved == 0
    assert not Reservation.objects.exists()


# --- transitions ------------------------------------------------------------------------------


@pytest.fixture
def reserved():
    """Two products, 10 on hand each; an active reservation of 3 + 4 units."""
    first, second = StockFactory(on_hand=10), StockFactory(on_hand=10)
    reservation = services.reservation_create(
        lines=[(first.product_id, 3), (second.product_id, 4)], ttl_seconds=None
    )
    return reservation, first.product, second.product


def counters(*products) -> list[tuple[int, int]]:
    return [(stock_of(product).on_hand, stock_of(product).reserved) for product in products]


def test_confirm_takes_the_units_out_of_stock(reserved):
    reservation, first, second = reserved

    result = services.reservation_confirm(reservation_id=reservation.pk)

    assert result.status == ReservationStatus.CONFIRMED
    assert Reservation.objects.get(pk=reservation.pk).status == ReservationStatus.CONFIRMED
    assert counters(first, second) == [(7, 0), (6, 0)]
    assert movements(kind="confirmed") == [(first.pk, "confirmed", -3, -3), (second.pk, "confirmed", -4, -4)]


def test_release_makes_the_units_available_again(reserved):
    reservation, first, second = reserved

    result = services.reservation_release(reservation_id=reservation.pk)

    assert result.status == ReservationStatus.RELEASED
    assert counters(first, second) == [(10, 0), (10, 0)]
    assert movements(kind="released") == [(first.pk, "released", 0, -3), (second.pk, "released", 0, -4)]


def test_return_confirmed_puts_the_deducted_units_back_on_hand(reserved):
    reservation, first, second = reserved
    services.reservation_confirm(reservation_id=reservation.pk)

    result = services.reservation_return_confirmed(reservation_id=reservation.pk)

    assert result.status == ReservationStatus.RELEASED
    assert counters(first, second) == [(10, 0), (10, 0)]
    assert movements(kind="returned") == [(first.pk, "returned", 3, 0), (second.pk, "returned", 4, 0)]


@pytest.mark.parametrize(
    "action",
    [
        services.reservation_confirm,
        services.reservation_release,
        services.reservation_return_confirmed,
    ],
)
def test_repeating_a_transition_returns_the_reservation_unchanged(reserved, action):
    reservation, first, second = reserved
    if action is services.reservation_return_confirmed:
        services.reservation_confirm(reservation_id=reservation.pk)
    action(reservation_id=reservation.pk)
    before = (counters(first, second), StockMovement.objects.count())

    again = action(reservation_id=reservation.pk)

    assert again.pk == reservation.pk
    assert (counters(first, second), StockMovement.objects.count()) == before


@pytest.mark.parametrize(
    ("first_action", "then", "status"),
    [
        (services.reservation_confirm, services.reservation_release, "confirmed"),
        (services.reservation_release, services.reservation_confirm, "released"),
        (services.reservation_release, services.reservation_expire, "released"),
        (services.reservation_confirm, services.reservation_expire, "confirmed"),
    ],
)
def test_a_transition_from_another_end_state_is_refused_and_changes_nothing(
    reserved, first_action, then, status
):
    reservation, first, second = reserved
    first_action(reservation_id=reservation.pk)
    before = (counters(first, second), StockMovement.objects.count())

    with pytest.raises(InvalidReservationTransition) as caught:
        then(reservation_id=reservation.pk)

    assert caught.value.status_code == 409
    assert caught.value.code == "reservation.invalidTransition"
    assert caught.value.extra == {"reservationStatus": status}
    assert Reservation.objects.get(pk=reservation.pk).status == status
    assert (counters(first, second), StockMovement.objects.count()) == before


def test_return_confirmed_refuses_an_active_reservation(reserved):
    reservation, first, second = reserved

    with pytest.raises(InvalidReservationTransition):
        services.reservation_return_confirmed(reservation_id=reservation.pk)

    assert counters(first, second) == [(10, 3), (10, 4)]


@pytest.mark.parametrize(
    "action",
    [
        services.reservation_confirm,
        services.reservation_release,
        services.reservation_expire,
        services.reservation_return_confirmed,
        services.reservation_stop_expiry,
    ],
)
def test_unknown_reservation_is_not_found(action):
    with pytest.raises(ReservationNotFound):
        action(reservation_id=424242)


# --- expiry -------------------------------------------------------------------------------------


def test_expire_releases_a_due_reservation(time_machine):
    time_machine.move_to("2026-03-01 10:00:00+00:00", tick=False)
    stock = StockFactory(on_hand=5)
    reservation = services.reservation_create(lines=[(stock.product_id, 2)], ttl_seconds=900)

    time_machine.shift(timedelta(seconds=900))
    result = services.reservation_expire(reservation_id=reservation.pk)

    assert result.status == ReservationStatus.EXPIRED
    assert (stock_of(stock.product).on_hand, stock_of(stock.product).reserved) == (5, 0)
    assert movements(kind="expired") == [(stock.product_id, "expired", 0, -2)]


def test_expire_before_the_deadline_is_refused(time_machine):
    time_machine.move_to("2026-03-01 10:00:00+00:00", tick=False)
    stock = StockFactory(on_hand=5)
    reservation = services.reservation_create(lines=[(stock.product_id, 2)], ttl_seconds=900)

    time_machine.shift(timedelta(seconds=899))
    with pytest.raises(ReservationNotDue):
        services.reservation_expire(reservation_id=reservation.pk)

    assert Reservation.objects.get(pk=reservation.pk).status == ReservationStatus.ACTIVE
    assert stock_of(stock.product).reserved == 2


def test_reservation_without_ttl_never_expires():
    stock = StockFactory(on_hand=5)
    reservation = services.reservation_create(lines=[(stock.product_id, 2)], ttl_seconds=None)

    with pytest.raises(ReservationNotDue):
        services.reservation_expire(reservation_id=reservation.pk, now=timezone.now() + timedelta(days=365))

    assert stock_of(stock.product).reserved == 2


def test_stop_expiry_keeps_a_paid_orders_reservation(time_machine):
    time_machine.move_to("2026-03-01 10:00:00+00:00", tick=False)
    stock = StockFactory(on_hand=5)
    reservation = services.reservation_create(lines=[(stock.product_id, 2)], ttl_seconds=900)

    result = services.reservation_stop_expiry(reservation_id=reservation.pk)
    time_machine.shift(timedelta(hours=2))

    assert result.expires_at is None
    assert Reservation.objects.get(pk=reservation.pk).expires_at is None
    assert services.reservations_expire_due() == 0
    assert Reservation.objects.get(pk=reservation.pk).status == ReservationStatus.ACTIVE
    assert stock_of(stock.product).reserved == 2


def test_stop_expiry_after_the_reservation_expired_is_refused(time_machine):
    time_machine.move_to("2026-03-01 10:00:00+00:00", tick=False)
    stock = StockFactory(on_hand=5)
    reservation = services.reservation_create(lines=[(stock.product_id, 2)], ttl_seconds=900)
    time_machine.shift(timedelta(seconds=901))
    services.reservation_expire(reservation_id=reservation.pk)

    with pytest.raises(InvalidReservationTransition):
        services.reservation_stop_expiry(reservation_id=reservation.pk)

    assert Reservation.objects.get(pk=reservation.pk).status == ReservationStatus.EXPIRED


def test_reservation_ttl_is_the_setting_for_online_payment_and_none_for_cash(settings):
    settings.RESERVATION_TTL = 600

    assert services.reservation_ttl_for(payment_method="card") == 600
    assert services.reservation_ttl_for(payment_method="phone") == 600
    assert services.reservation_ttl_for(payment_method="cash_on_delivery") is None


# --- stock_set / stock_adjust ------------------------------------------------------------------


def test_stock_set_creates_the_row_for_an_unstocked_product():
    product = ProductFactory()

    stock = services.stock_set(product_id=product.pk, on_hand=12)

    assert (stock.on_hand, stock.reserved) == (12, 0)
    assert (stock_of(product).on_hand, stock_of(product).reserved) == (12, 0)
    assert movements() == [(product.pk, "set", 12, 0)]


def test_stock_set_overwrites_on_hand_and_records_the_difference():
    stock = StockFactory(on_hand=10, reserved=4)

    services.stock_set(product_id=stock.product_id, on_hand=6)

    assert (stock_of(stock.product).on_hand, stock_of(stock.product).reserved) == (6, 4)
    assert movements() == [(stock.product_id, "set", -4, 0)]


def test_stock_set_refuses_a_count_below_reserved():
    stock = StockFactory(on_hand=10, reserved=4)

    with pytest.raises(StockBelowReserved) as caught:
        services.stock_set(product_id=stock.product_id, on_hand=3)

    assert caught.value.status_code == 409
    assert stock_of(stock.product).on_hand == 10
    assert not StockMovement.objects.exists()


def test_stock_set_unknown_product_is_not_found():
    with pytest.raises(ProductNotFound):
        services.stock_set(product_id=777_777, on_hand=1)
    assert not Stock.objects.exists()


def test_stock_set_refuses_negative_counts():
    product = ProductFactory()
    with pytest.raises(InvalidQuantity):
        services.stock_set(product_id=product.pk, on_hand=-1)
    assert not Stock.objects.exists()


def test_stock_adjust_records_the_reason_and_who_made_it(django_user_model):
    staff = django_user_model.objects.create_user(email="keeper@example.com", password=None, is_staff=True)
    stock = StockFactory(on_hand=10, reserved=2)

    services.stock_adjust(product_id=stock.product_id, delta=-3, reason=" damaged in transit ", actor=staff)

    assert stock_of(stock.product).on_hand == 7
    movement = StockMovement.objects.get()
    assert (movement.kind, movement.delta_on_hand, movement.reason, movement.actor) == (
        "adjusted",
        -3,
        "damaged in transit",
        staff,
    )


def test_stock_adjust_cannot_take_away_reserved_units():
    stock = StockFactory(on_hand=10, reserved=8)

    with pytest.raises(StockBelowReserved):
        services.stock_adjust(product_id=stock.product_id, delta=-3, reason="lost")

    assert stock_of(stock.product).on_hand == 10


@pytest.mark.parametrize(("delta", "reason"), [(0, "nothing"), (5, ""), (5, "   ")])
def test_stock_adjust_needs_a_change_and_a_reason(delta, reason):
    stock = StockFactory(on_hand=10)

    with pytest.raises(InvalidQuantity):
        services.stock_adjust(product_id=stock.product_id, delta=delta, reason=reason)

    assert stock_of(stock.product).on_hand == 10
