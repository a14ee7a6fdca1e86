"""Orders: idempotent placement and the state machine. Every write is one locked transaction.

Lock order (shared with inventory, see inventory/services.py): the order row, then its
reservation, then stock rows by product id. Each move here locks the order first.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from catalog.pricing import money, money_number
from catalog.selectors import product_list_for_order
from inventory import services as inventory
from inventory.models import Reservation, ReservationStatus
from inventory.selectors import reservation_live_for_order
from orders.exceptions import (
    IdempotencyConflict,
    InvalidOrderItems,
    InvalidTransition,
    OrderNotFound,
    PriceChanged,
)
from orders.models import CancelReason, Order, OrderEvent, OrderLine, OrderStatus, PaymentMethod
from orders.signals import order_status_changed

# The state machine as data (order-lifecycle.md, "Order states"): every allowed move.
ALLOWED_MOVES: dict[str, frozenset[str]] = {
    OrderStatus.NEW: frozenset({OrderStatus.RESERVED, OrderStatus.CANCELLED}),
    OrderStatus.RESERVED: frozenset({OrderStatus.PAID, OrderStatus.CONFIRMED, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset({OrderStatus.CONFIRMED, OrderStatus.CANCELLED}),
    OrderStatus.CONFIRMED: frozenset({OrderStatus.DONE, OrderStatus.CANCELLED}),
}
# What a customer may still cancel themselves: before staff confirmed it.
CUSTOMER_CANCELLABLE = frozenset({OrderStatus.NEW, OrderStatus.RESERVED, OrderStatus.PAID})


@dataclass(frozen=True)
class OrderItemInput:
    product_id: int
    quantity: int
    options: dict[str, Any] = field(default_factory=dict)
    # What the shopper saw (Storefront); checked against the catalog, never trusted.
    sku: str | None = None
    price: Decimal | None = None


@dataclass(frozen=True)
class DeliveryAddress:
    country: str = ""
    region: str = ""
    city: str = ""
    street: str = ""
    building: str = ""
    apartment: str = ""
    postal_code: str = ""


@dataclass(frozen=True)
class Placement:
    order: Order
    created: bool
    # The lines just written (a replay leaves them to be read from the order).
    lines: list[OrderLine] | None = None


def _idempotency_scope(*, customer: User | None, client_id: str) -> str:
    return f"customer:{customer.pk}" if customer is not None else f"client:{client_id}"


def _fingerprint(payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _validate_options(product_options: dict[str, list], chosen: dict[str, Any]) -> list[str]:
    """A variant must be fully and validly chosen: every option key, from its listed values."""
    problems = []
    for key, value in chosen.items():
        allowed = product_options.get(key)
        if allowed is None:
            problems.append(_("unknown option %(key)s") % {"key": key})
        elif str(value) not in {str(choice) for choice in allowed}:
            problems.append(_("option %(key)s has no value %(value)s") % {"key": key, "value": value})
    for key in product_options:
        if key not in chosen:
            problems.append(_("option %(key)s must be chosen") % {"key": key})
    return problems


def _priced_lines(items: Sequence[OrderItemInput]) -> list[OrderLine]:
    """Check every item against the catalog and build the line snapshots (unsaved)."""
    products = product_list_for_order(product_ids=[item.product_id for item in items])
    problems: list[str] = []
    changed: list[dict[str, Any]] = []
    lines: list[OrderLine] = []
    for index, item in enumerate(items):
        label = f"items[{index}]"
        product = products.get(item.product_id)
        if product is None:
            problems.append(
                _("%(item)s: product %(id)s is unknown or unavailable")
                % {"item": label, "id": item.product_id}
            )
            continue
        if item.sku is not None and item.sku != product.sku:
            problems.append(
                _("%(item)s: sku %(sku)s does not match the product") % {"item": label, "sku": item.sku}
            )
        for problem in _validate_options(product.options or {}, item.options):
            problems.append(f"{label}: {problem}")
        quote = product.price_quote
        if item.price is not None and money(item.price) != quote.price:
            changed.append(
                {
                    "productId": str(product.pk),
                    "sku": product.sku,
                    "title": product.title,
                    "price": money_number(quote.price),
                    "sentPrice": money_number(item.price),
                }
            )
        lines.append(
            OrderLine(
                product_id=product.pk,
                sku=product.sku,
                title=product.title,
                quantity=item.quantity,
                price=quote.price,
                price_original=quote.price_original,
                options=dict(item.options),
                unit=product.unit,
                manufacturer_id_snapshot=product.manufacturer_id,
                country_id_snapshot=product.country_id,
                discounts_applied=quote.discounts_json(),
            )
        )
    if problems:
        raise InvalidOrderItems(problems)
    if changed:
        listing = ", ".join(f"{line['title']} ({line['sku']}): {line['price']}" for line in changed)
        raise PriceChanged(_("Prices have changed: %(items)s") % {"items": listing}, extra={"items": changed})
    return lines


def _event(
    order: Order, *, from_status: str, to_status: str, source: str, actor: User | None, note: str = ""
) -> None:
    OrderEvent.objects.create(
        order=order, from_status=from_status, to_status=to_status, source=source, actor=actor, note=note[:500]
    )


def order_place(
    *,
    items: Sequence[OrderItemInput],
    phone: str,
    client_id: str = "",
    customer: User | None = None,
    name: str = "",
    email: str = "",
    comment: str = "",
    delivery_fee: Decimal = Decimal("0"),
    payment_method: str = PaymentMethod.CASH_ON_DELIVERY,
    address: DeliveryAddress | None = None,
    idempotency_key: str | None = None,
    language: str = "uk",
    source: str = "storefront",
) -> Placement:
    """Price every line from the catalog, reserve all stock and write the order, all or nothing.

    Idempotent by `idempotency_key`, scoped to the customer (or the clientId for guests): the
    same key with the same request returns the first order (created=False); with another
    request, IdempotencyConflict (422). Of concurrent requests with one key, the unique
    constraint lets one insert; the others wait for it and return its order.
    Raises InvalidOrderItems (400), PriceChanged (409), OutOfStock (409).
    """
    address = address or DeliveryAddress()
    key = (idempotency_key or "").strip()
    scope = _idempotency_scope(customer=customer, client_id=client_id) if key else ""
    fingerprint = ""
    if key:
        fingerprint = _fingerprint(
            {
                "items": [
                    [item.product_id, item.quantity, item.options, item.sku, str(item.price)]
                    for item in items
                ],
                "phone": phone,
                "clientId": client_id,
                "name": name,
                "email": email,
                "comment": comment,
                "deliveryFee": str(delivery_fee),
                "paymentMethod": payment_method,
                "address": address.__dict__,
            }
        )
        replay = _idempotent_replay(scope=scope, key=key, fingerprint=fingerprint)
        if replay is not None:
            return Placement(order=replay, created=False)

    lines = _priced_lines(items)
    items_total = money(sum((line.price * line.quantity for line in lines), Decimal("0")))
    delivery_fee = money(Decimal(delivery_fee))
    try:
        with transaction.atomic():
            order = Order.objects.create(
                customer=customer,
                phone=phone,
                email=email or (customer.email if customer and customer.email else ""),
                client_id=client_id,
                name=name,
                comment=comment,
                country=address.country,
                region=address.region,
                city=address.city,
                street=address.street,
                building=address.building,
                apartment=address.apartment,
                postal_code=address.postal_code,
                payment_method=payment_method,
                items_total=items_total,
                delivery_fee=delivery_fee,
                total=items_total + delivery_fee,
                # Placed and reserved in one transaction: nobody ever sees it `new`.
                status=OrderStatus.RESERVED,
                idempotency_scope=scope,
                idempotency_key=key,
                request_fingerprint=fingerprint,
                language=language,
            )
            for line in lines:
                line.order = order
            OrderLine.objects.bulk_create(lines)
            inventory.reservation_create(
                lines=[(line.product_id, line.quantity) for line in lines],
                order=order,
                ttl_seconds=inventory.reservation_ttl_for(payment_method=payment_method),
                order_is_new=True,
            )
            # The history still shows both steps: created, then reserved.
            OrderEvent.objects.bulk_create(
                OrderEvent(
                    order=order, from_status=from_status, to_status=to_status, source=source, actor=customer
                )
                for from_status, to_status in (("", OrderStatus.NEW), (OrderStatus.NEW, OrderStatus.RESERVED))
            )
            order_status_changed.send(
                sender=Order, order=order, from_status=OrderStatus.NEW, to_status=OrderStatus.RESERVED
            )
    except IntegrityError:
        if not key:
            raise
        # Another request with this key inserted first; its transaction has committed by now.
        replay = _idempotent_replay(scope=scope, key=key, fingerprint=fingerprint)
        if replay is None:
            raise
        return Placement(order=replay, created=False)
    return Placement(order=order, created=True, lines=lines)


def _idempotent_replay(*, scope: str, key: str, fingerprint: str) -> Order | None:
    existing = Order.objects.filter(idempotency_scope=scope, idempotency_key=key).first()
    if existing is None:
        return None
    if existing.request_fingerprint != fingerprint:
        raise IdempotencyConflict()
    return existing


def _move(
    order: Order,
    *,
    to_status: str,
    source: str,
    actor: User | None = None,
    note: str = "",
    cancel_reason: str = "",
) -> Order:
    """The one place a status changes: check the table, apply stock side effects, record it.

    The caller holds the order's row lock inside a transaction.
    """
    from_status = order.status
    if to_status not in ALLOWED_MOVES.get(from_status, frozenset()):
        raise InvalidTransition(
            _("The order is %(status)s and cannot become %(target)s")
            % {"status": OrderStatus(from_status).label, "target": OrderStatus(to_status).label},
            extra={"orderStatus": from_status},
        )
    reservation = reservation_live_for_order(order_id=order.pk) if from_status != OrderStatus.NEW else None
    if reservation is not None:
        if to_status == OrderStatus.PAID and reservation.status == ReservationStatus.ACTIVE:
            inventory.reservation_stop_expiry(reservation_id=reservation.pk)
        elif to_status == OrderStatus.CONFIRMED and reservation.status == ReservationStatus.ACTIVE:
            inventory.reservation_confirm(reservation_id=reservation.pk)
        elif to_status == OrderStatus.CANCELLED:
            if reservation.status == ReservationStatus.ACTIVE:
                inventory.reservation_release(reservation_id=reservation.pk)
            else:
                inventory.reservation_return_confirmed(reservation_id=reservation.pk)
    order.status = to_status
    if to_status == OrderStatus.CANCELLED:
        order.cancel_reason = cancel_reason or CancelReason.STAFF
    order.updated_at = timezone.now()
    order.save(update_fields=["status", "cancel_reason", "updated_at"])
    _event(order, from_status=from_status, to_status=to_status, source=source, actor=actor, note=note)
    order_status_changed.send(sender=Order, order=order, from_status=from_status, to_status=to_status)
    return order


def order_lock(*, order_id: int) -> Order:
    """Lock the order row for the rest of the caller's transaction (other apps' moves start here)."""
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise OrderNotFound()
    return order


def order_transition(
    *,
    order_id: int,
    to_status: str,
    source: str,
    actor: User | None = None,
    note: str = "",
    cancel_reason: str = "",
) -> Order:
    """Move an order along the state machine under its row lock; 409 for any other move."""
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None:
            raise OrderNotFound()
        return _move(
            order, to_status=to_status, source=source, actor=actor, note=note, cancel_reason=cancel_reason
        )


def order_confirm(*, order_id: int, actor: User | None = None, note: str = "") -> Order:
    return order_transition(
        order_id=order_id, to_status=OrderStatus.CONFIRMED, source="staff", actor=actor, note=note
    )


def order_mark_done(*, order_id: int, actor: User | None = None, note: str = "") -> Order:
    return order_transition(
        order_id=order_id, to_status=OrderStatus.DONE, source="staff", actor=actor, note=note
    )


def order_cancel(
    *, order_id: int, reason: str, actor: User | None = None, note: str = "", source: str | None = None
) -> Order:
    """Cancel: stock goes back (released, or returned if it had left), then receivers refund."""
    return order_transition(
        order_id=order_id,
        to_status=OrderStatus.CANCELLED,
        source=source or reason,
        actor=actor,
        note=note,
        cancel_reason=reason,
    )


def order_cancel_by_customer(*, order_id: int, customer: User, note: str = "") -> Order:
    """A customer cancels their own order while it is not yet confirmed."""
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id, customer=customer).first()
        if order is None:
            raise OrderNotFound()
        if order.status not in CUSTOMER_CANCELLABLE:
            raise InvalidTransition(
                _("The order is %(status)s and can no longer be cancelled by the customer")
                % {"status": OrderStatus(order.status).label},
                extra={"orderStatus": order.status},
            )
        return _move(
            order,
            to_status=OrderStatus.CANCELLED,
            source="customer",
            actor=customer,
            note=note,
            cancel_reason=CancelReason.CUSTOMER,
        )


def order_mark_paid(*, order_id: int, note: str = "") -> Order:
    """Payment succeeded: the reservation stops expiring (the payments app calls this)."""
    return order_transition(order_id=order_id, to_status=OrderStatus.PAID, source="payment", note=note)


def order_reserve(*, order_id: int, actor: User | None = None) -> Reservation:
    """Make sure the order holds stock: idempotent — an order that has a live reservation returns it."""
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None:
            raise OrderNotFound()
        reservation = reservation_live_for_order(order_id=order.pk)
        if reservation is not None:
            return reservation
        if order.status != OrderStatus.NEW:
            raise InvalidTransition(
                _("The order is %(status)s and cannot be reserved")
                % {"status": OrderStatus(order.status).label},
                extra={"orderStatus": order.status},
            )
        reservation = inventory.reservation_create(
            lines=[(line.product_id, line.quantity) for line in order.lines.all()],
            order=order,
            ttl_seconds=inventory.reservation_ttl_for(payment_method=order.payment_method),
        )
        _move(
            order,
            to_status=OrderStatus.RESERVED,
            source="staff" if actor and actor.is_staff else "customer",
            actor=actor,
        )
    return reservation


def orders_attach_guest(*, user: User, client_id: str | None) -> int:
    """Give a customer the guest orders placed from their browser with their phone."""
    if not client_id or not user.phone:
        return 0
    return Order.objects.filter(customer__isnull=True, phone=user.phone, client_id=client_id).update(
        customer=user, updated_at=timezone.now()
    )


def order_cancel_for_expired_reservation(*, reservation: Reservation) -> None:
    """The reservation ran out before payment: cancel its order (stock is already released)."""
    if reservation.order_id is None:
        return
    order = Order.objects.select_for_update().get(pk=reservation.order_id)
    if order.status in (OrderStatus.NEW, OrderStatus.RESERVED):
        _move(
            order,
            to_status=OrderStatus.CANCELLED,
            source="system",
            note=_("The reservation expired before payment"),
            cancel_reason=CancelReason.RESERVATION_EXPIRED,
        )
