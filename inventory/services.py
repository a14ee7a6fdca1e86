"""Stock and reservations: the only code that writes inventory's tables.

Concurrency rules (each service is one `transaction.atomic()`; PostgreSQL in production):

* Row locks are always taken in one global order, so two transactions can never wait on
  each other in a cycle (no deadlocks):

      the order row  →  the reservation row  →  stock rows by product id ascending

  The orders app locks an order before calling any service here (every order move holds
  the order's row lock), and the services here lock the order first themselves when they
  start from a reservation (the expiry sweep), so the two apps agree on the order.
* Stock rows are locked with one `SELECT ... ORDER BY product_id FOR UPDATE`: PostgreSQL
  locks rows in the sorted order, whatever order the caller listed the products in.
* Counters move with `F()` expressions on the locked rows, conditioned on the invariant
  they must keep; the CHECK constraints on `Stock` are the last line of defence.
* A reservation changes state at most once: the winner of the reservation's row lock
  moves it, everyone after sees the new status. A repeated call that asks for the state
  the reservation is already in returns it unchanged (idempotent: retries and duplicate
  callbacks are harmless); a call asking for a different end state raises
  `InvalidReservationTransition` (409) and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Product
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
from inventory.models import (
    LIVE_RESERVATION_STATUSES,
    Reservation,
    ReservationLine,
    ReservationStatus,
    Stock,
    StockMovement,
    StockMovementKind,
)
from inventory.signals import reservation_expired
from orders.models import Order, PaymentMethod

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

EXPIRE_BATCH_SIZE = 200


@dataclass(frozen=True)
class ReservationItem:
    product_id: int
    quantity: int


# --- policy ---------------------------------------------------------------------------


def reservation_ttl_for(*, payment_method: str) -> int | None:
    """Seconds a new reservation lives: online payments wait `RESERVATION_TTL`; cash on
    delivery holds its stock until staff confirm or cancel the order (order-lifecycle.md)."""
    if payment_method == PaymentMethod.CASH_ON_DELIVERY:
        return None
    return settings.RESERVATION_TTL


# --- helpers ----------------------------------------------------------------------------


def _merge_items(lines: Iterable[ReservationItem | tuple[int, int]]) -> dict[int, int]:
    """{product_id: total quantity}, sorted by product id (the lock order)."""
    merged: dict[int, int] = {}
    for line in lines:
        item = line if isinstance(line, ReservationItem) else ReservationItem(*line)
        if item.quantity < 1:
            raise InvalidQuantity(_("Quantity must be at least 1"))
        merged[item.product_id] = merged.get(item.product_id, 0) + item.quantity
    if not merged:
        raise InvalidQuantity(_("A reservation needs at least one item"))
    return dict(sorted(merged.items()))


def _lock_stocks(product_ids: Iterable[int]) -> dict[int, Stock]:
    """Lock the stock rows of these products in product-id order (see the module docstring)."""
    rows = Stock.objects.select_for_update().filter(product_id__in=list(product_ids)).order_by("product_id")
    return {stock.product_id: stock for stock in rows}


def _lock_order(order_id: int | None) -> None:
    if order_id is not None:
        # Evaluated for the lock alone; the orders app reads the row itself.
        list(Order.objects.select_for_update().filter(pk=order_id).values_list("pk", flat=True))


def _lock_reservation(reservation_id: int) -> Reservation:
    """Lock the reservation's order (if any), then the reservation: the global lock order."""
    found = list(Reservation.objects.filter(pk=reservation_id).values_list("order_id", flat=True))
    if not found:
        raise ReservationNotFound()
    # The order a reservation belongs to never changes, so reading it unlocked is safe.
    _lock_order(found[0])
    return Reservation.objects.select_for_update().get(pk=reservation_id)


def _move_stock(
    *,
    reservation: Reservation,
    kind: StockMovementKind,
    on_hand_sign: int,
    reserved_sign: int,
) -> None:
    """Apply every line of the reservation to its locked stock row and record the movement."""
    lines = list(reservation.lines.order_by("product_id"))
    stocks = _lock_stocks(line.product_id for line in lines)
    now = timezone.now()
    movements = []
    for line in lines:
        quantity = line.quantity
        on_hand_delta, reserved_delta = on_hand_sign * quantity, reserved_sign * quantity
        # The filter restates the invariant the move relies on; with the row locked it always
        # matches, and if it ever doesn't we fail loudly instead of corrupting the counters.
        guard = {}
        if reserved_delta < 0:
            guard["reserved__gte"] = -reserved_delta
        if on_hand_delta < 0:
            guard["on_hand__gte"] = -on_hand_delta
        stock = stocks.get(line.product_id)
        updated = 0
        if stock is not None:
            updated = Stock.objects.filter(pk=stock.pk, **guard).update(
                on_hand=F("on_hand") + on_hand_delta, reserved=F("reserved") + reserved_delta, updated_at=now
            )
        if updated != 1:
            raise IntegrityError(
                f"reservation {reservation.pk}: stock of product {line.product_id} "
                f"does not cover {kind} of {quantity}"
            )
        movements.append(
            StockMovement(
                product_id=line.product_id,
                kind=kind,
                delta_on_hand=on_hand_delta,
                delta_reserved=reserved_delta,
                reservation=reservation,
                created_at=now,
            )
        )
    StockMovement.objects.bulk_create(movements)


# --- reservations -----------------------------------------------------------------------


def reservation_create(
    *,
    lines: Sequence[ReservationItem | tuple[int, int]],
    order: Order | None = None,
    ttl_seconds: int | None,
    order_is_new: bool = False,
) -> Reservation:
    """Reserve every line or none. Duplicate products are merged into one line.

    `ttl_seconds` None: the reservation never expires (the caller decides; see
    `reservation_ttl_for`). Raises OutOfStock (409) naming every short line,
    ProductNotFound (404), InvalidQuantity (400), ReservationExists (409) when the order
    already holds a live reservation. Runs inside the caller's transaction when there is
    one (order placement reserves in the transaction that creates the order).
    `order_is_new`: the caller inserted `order` in this very transaction, so nobody else can
    see it, lock it or have reserved for it; the lock, the existence check and the savepoint
    are skipped (a failure here fails the whole placement anyway).
    """
    if ttl_seconds is not None and ttl_seconds <= 0:
        raise ValueError("ttl_seconds must be positive or None")
    requested = _merge_items(lines)

    with transaction.atomic(savepoint=not order_is_new):
        if order is not None and not order_is_new:
            _lock_order(order.pk)
            if order.reservations.filter(status__in=LIVE_RESERVATION_STATUSES).exists():
                raise ReservationExists()

        stocks = _lock_stocks(requested)
        unstocked = [product_id for product_id in requested if product_id not in stocks]
        if unstocked:
            # A stock row exists only for a real product; only the others need looking up.
            known = set(Product.objects.filter(pk__in=unstocked).values_list("pk", flat=True))
            unknown = [product_id for product_id in unstocked if product_id not in known]
            if unknown:
                raise ProductNotFound(
                    _("Unknown products: %(ids)s") % {"ids": ", ".join(map(str, unknown))},
                    extra={"productIds": [str(product_id) for product_id in unknown]},
                )
        short = []
        for product_id, quantity in requested.items():
            stock = stocks.get(product_id)
            # No stock row: the product was never stocked, nothing is available.
            available = stock.available if stock else 0
            if quantity > available:
                short.append({"productId": str(product_id), "requested": quantity, "available": available})
        if short:
            raise OutOfStock(
                _("Not enough stock: %(items)s")
                % {
                    "items": "; ".join(
                        _("product %(productId)s (requested %(requested)d, available %(available)d)") % item
                        for item in short
                    )
                },
                extra={"items": short},
            )

        now = timezone.now()
        _reserve_units(stocks=stocks, requested=requested, now=now)
        reservation = Reservation.objects.create(
            order=order,
            status=ReservationStatus.ACTIVE,
            expires_at=now + timedelta(seconds=ttl_seconds) if ttl_seconds is not None else None,
            created_at=now,
        )
        ReservationLine.objects.bulk_create(
            ReservationLine(reservation=reservation, product_id=product_id, quantity=quantity)
            for product_id, quantity in requested.items()
        )
        StockMovement.objects.bulk_create(
            StockMovement(
                product_id=product_id,
                kind=StockMovementKind.RESERVED,
                delta_reserved=quantity,
                reservation=reservation,
                created_at=now,
            )
            for product_id, quantity in requested.items()
        )
    return reservation


def _reserve_units(*, stocks: dict[int, Stock], requested: dict[int, int], now: datetime) -> None:
    """Raise `reserved` on every locked stock row in one UPDATE, each row guarded by its invariant."""
    guard = Q()
    increment = Case(
        *(When(pk=stocks[product_id].pk, then=Value(quantity)) for product_id, quantity in requested.items()),
        output_field=IntegerField(),
    )
    for product_id, quantity in requested.items():
        guard |= Q(pk=stocks[product_id].pk, on_hand__gte=F("reserved") + quantity)
    updated = Stock.objects.filter(guard).update(reserved=F("reserved") + increment, updated_at=now)
    if updated != len(requested):  # impossible while the rows are locked; never oversell quietly
        raise IntegrityError("stock changed under its lock")


@dataclass(frozen=True)
class _Move:
    source: ReservationStatus
    target: ReservationStatus
    kind: StockMovementKind
    on_hand_sign: int
    reserved_sign: int


# The state machine as data: which status each action starts from, where it ends, and what
# it does to the counters of every line.
_CONFIRM = _Move(ReservationStatus.ACTIVE, ReservationStatus.CONFIRMED, StockMovementKind.CONFIRMED, -1, -1)
_RELEASE = _Move(ReservationStatus.ACTIVE, ReservationStatus.RELEASED, StockMovementKind.RELEASED, 0, -1)
_EXPIRE = _Move(ReservationStatus.ACTIVE, ReservationStatus.EXPIRED, StockMovementKind.EXPIRED, 0, -1)
_RETURN = _Move(ReservationStatus.CONFIRMED, ReservationStatus.RELEASED, StockMovementKind.RETURNED, 1, 0)


def _reservation_transition(
    *, reservation_id: int, move: _Move, now: datetime | None = None
) -> tuple[Reservation, bool]:
    """Move one reservation under its lock. Returns (reservation, whether this call moved it)."""
    with transaction.atomic():
        reservation = _lock_reservation(reservation_id)
        if reservation.status == move.target:
            return reservation, False
        if reservation.status != move.source:
            raise InvalidReservationTransition(
                _("The reservation is %(status)s and cannot become %(target)s")
                % {"status": reservation.get_status_display(), "target": move.target.label},
                extra={"reservationStatus": reservation.status},
            )
        if move is _EXPIRE:
            now = now or timezone.now()
            if reservation.expires_at is None or reservation.expires_at > now:
                raise ReservationNotDue()

        _move_stock(
            reservation=reservation,
            kind=move.kind,
            on_hand_sign=move.on_hand_sign,
            reserved_sign=move.reserved_sign,
        )
        reservation.status = move.target
        reservation.save(update_fields=["status", "updated_at"])
        if move is _EXPIRE:
            # Inside the transaction: the order's cancellation commits with the release.
            reservation_expired.send(sender=Reservation, reservation=reservation)
    return reservation, True


def reservation_confirm(*, reservation_id: int) -> Reservation:
    """active → confirmed: the stock leaves (on_hand −= q, reserved −= q)."""
    return _reservation_transition(reservation_id=reservation_id, move=_CONFIRM)[0]


def reservation_release(*, reservation_id: int) -> Reservation:
    """active → released: the units become available again (reserved −= q)."""
    return _reservation_transition(reservation_id=reservation_id, move=_RELEASE)[0]


def reservation_expire(*, reservation_id: int, now: datetime | None = None) -> Reservation:
    """active and due (expires_at ≤ now) → expired, like a release, then `reservation_expired`.

    Raises ReservationNotDue for an active reservation that isn't due (or never expires):
    e.g. a payment stopped its expiry between the sweep's scan and this call.
    """
    return _reservation_transition(reservation_id=reservation_id, move=_EXPIRE, now=now)[0]


def reservation_return_confirmed(*, reservation_id: int) -> Reservation:
    """confirmed → released, for a cancelled confirmed order: the deducted units go back on hand."""
    return _reservation_transition(reservation_id=reservation_id, move=_RETURN)[0]


def reservation_stop_expiry(*, reservation_id: int) -> Reservation:
    """Keep an active reservation until confirmed or released (the order was paid).

    Raises InvalidReservationTransition when it is no longer active — e.g. it expired just
    before the payment arrived; the orders app then refunds instead of resurrecting.
    """
    with transaction.atomic():
        reservation = _lock_reservation(reservation_id)
        if reservation.status != ReservationStatus.ACTIVE:
            raise InvalidReservationTransition(
                _("The reservation is %(status)s and no longer holds stock")
                % {"status": reservation.get_status_display()},
                extra={"reservationStatus": reservation.status},
            )
        if reservation.expires_at is not None:
            reservation.expires_at = None
            reservation.save(update_fields=["expires_at", "updated_at"])
    return reservation


def reservations_expire_due(*, now: datetime | None = None, batch_size: int = EXPIRE_BATCH_SIZE) -> int:
    """Expire every active reservation due at `now`; returns how many this call expired.

    Each reservation is expired in its own transaction, so one failure (say, a receiver of
    `reservation_expired` raising) is logged and skipped without holding back the rest;
    the next run retries it. Runs from several workers at once are safe: a reservation
    another run expired first is skipped and not counted.
    """
    now = now or timezone.now()
    due = Reservation.objects.filter(status=ReservationStatus.ACTIVE, expires_at__lte=now).order_by("pk")
    expired = 0
    last_id = 0
    while True:
        batch = list(due.filter(pk__gt=last_id).values_list("pk", flat=True)[:batch_size])
        if not batch:
            return expired
        last_id = batch[-1]
        for reservation_id in batch:
            try:
                _, moved = _reservation_transition(reservation_id=reservation_id, move=_EXPIRE, now=now)
            except (InvalidReservationTransition, ReservationNotDue):
                # Confirmed, released or paid (expiry stopped) since the scan: nothing to do.
                continue
            except Exception:
                logger.exception("Could not expire reservation %s", reservation_id)
                continue
            expired += moved


# --- stock ---------------------------------------------------------------------------------


def _stock_lock_or_create(*, product_id: int) -> Stock:
    if not Product.objects.filter(pk=product_id).exists():
        raise ProductNotFound()
    # get_or_create retries the locked get when a concurrent call inserted the row first.
    stock, _created = Stock.objects.select_for_update().get_or_create(product_id=product_id)
    return stock


def stock_set(*, product_id: int, on_hand: int, reason: str = "", actor: User | None = None) -> Stock:
    """Create the product's stock row or set its on-hand count (a stocktake).

    Refuses (StockBelowReserved, 409) a count below what is reserved right now.
    """
    if on_hand < 0:
        raise InvalidQuantity(_("Stock on hand cannot be negative"))
    with transaction.atomic():
        stock = _stock_lock_or_create(product_id=product_id)
        if on_hand < stock.reserved:
            raise StockBelowReserved(extra={"reserved": stock.reserved})
        delta = on_hand - stock.on_hand
        if delta:
            Stock.objects.filter(pk=stock.pk).update(on_hand=F("on_hand") + delta, updated_at=timezone.now())
            StockMovement.objects.create(
                product_id=product_id,
                kind=StockMovementKind.SET,
                delta_on_hand=delta,
                reason=reason,
                actor=actor,
            )
            stock.refresh_from_db()
    return stock


def stock_adjust(*, product_id: int, delta: int, reason: str, actor: User | None = None) -> Stock:
    """Add (received) or remove (damaged, lost) units, with a reason, recorded.

    Refuses (StockBelowReserved) to take away units that reservations hold.
    """
    if delta == 0:
        raise InvalidQuantity(_("An adjustment must change the stock"))
    if not reason.strip():
        raise InvalidQuantity(_("An adjustment needs a reason"))
    with transaction.atomic():
        stock = _stock_lock_or_create(product_id=product_id)
        if stock.on_hand + delta < stock.reserved:
            raise StockBelowReserved(extra={"reserved": stock.reserved, "onHand": stock.on_hand})
        Stock.objects.filter(pk=stock.pk).update(on_hand=F("on_hand") + delta, updated_at=timezone.now())
        StockMovement.objects.create(
            product_id=product_id,
            kind=StockMovementKind.ADJUSTED,
            delta_on_hand=delta,
            reason=reason.strip(),
            actor=actor,
        )
        stock.refresh_from_db()
    return stock
