"""Payments and refunds.

Shape of every gateway interaction: (1) a short locked transaction records the intent,
(2) the gateway is called with no transaction open, (3) a second locked transaction applies
the answer. Lock order: the order row, then the payment row (the same order-first rule as
orders and inventory), so a callback racing a reservation expiry or a cancel serializes on
the order.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from config.celery import publish
from orders import services as orders
from orders.models import CancelReason, Order, OrderStatus
from payments import selectors
from payments.exceptions import (
    AmountMismatch,
    PaymentNotAllowed,
    PaymentNotFound,
    RefundNotAllowed,
    RefundTooLarge,
)
from payments.gateways import get_gateway
from payments.models import (
    REFUNDABLE_STATUSES,
    Payment,
    PaymentCallback,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundStatus,
)

logger = logging.getLogger(__name__)


def _lock_payment(payment_id: int) -> tuple[Order, Payment]:
    order_id = Payment.objects.filter(pk=payment_id).values_list("order_id", flat=True).first()
    if order_id is None:
        raise PaymentNotFound()
    order = orders.order_lock(order_id=order_id)
    return order, Payment.objects.select_for_update().get(pk=payment_id)


def payment_start(
    *,
    order_id: int,
    method: str | None = None,
    card_token: str | None = None,
    phone: str | None = None,
    amount: Decimal | None = None,
    currency: str | None = None,
) -> Payment:
    """Charge what the order owes through the gateway; return the payment as it now stands.

    The server decides the amount: a client-sent `amount`/`currency` must equal it (400).
    A payment already pending for the order is returned instead of charging twice.
    """
    with transaction.atomic():
        order = orders.order_lock(order_id=order_id)
        method = method or order.payment_method
        if order.status != OrderStatus.RESERVED or method not in PaymentMethod.values:
            raise PaymentNotAllowed(
                _("Order #%(id)s is %(status)s and cannot be paid by %(method)s")
                % {"id": order.pk, "status": order.get_status_display(), "method": method},
                extra={"orderStatus": order.status},
            )
        if (amount is not None and amount != order.total) or (
            currency is not None and currency != order.currency
        ):
            raise AmountMismatch(
                _("The order owes %(amount)s %(currency)s")
                % {"amount": order.total, "currency": order.currency},
                extra={"amount": float(order.total), "currency": order.currency},
            )
        pending = order.payments.filter(status=PaymentStatus.PENDING).first()
        if pending is not None:
            return pending
        gateway = get_gateway()
        payment = Payment.objects.create(
            order=order,
            method=method,
            amount=order.total,
            currency=order.currency,
            gateway=gateway.name,
            phone=(phone or order.phone) if method == PaymentMethod.PHONE else "",
        )

    try:
        result = gateway.charge(
            payment_id=payment.pk,
            amount=payment.amount,
            currency=payment.currency,
            method=method,
            card_token=card_token,
            phone=payment.phone or None,
        )
    except Exception:
        # Unknown outcome (timeout, network): stay pending; the gateway's callback settles it.
        logger.exception("Gateway charge failed for payment %s", payment.pk)
        return payment

    payment = payment_apply_outcome(
        payment_id=payment.pk,
        status=result.status,
        failure_code=result.failure_code,
        failure_message=result.failure_message,
        gateway_reference=result.reference,
        card_last4=result.card_last4,
    )
    if result.callback_expected and gateway.name == "sandbox":
        _sandbox_schedule_callback(payment.pk)
    return payment


def _sandbox_schedule_callback(payment_id: int) -> None:
    transaction.on_commit(lambda: _sandbox_publish_callback(payment_id))


def _sandbox_publish_callback(payment_id: int) -> None:
    from payments.tasks import sandbox_send_callback

    # Unpublished, it is like a real gateway whose callback never comes: the payment stays
    # pending and the reservation's expiry cancels the order.
    publish(
        sandbox_send_callback,
        payment_id,
        what=f"sandbox callback of payment {payment_id}",
        left_for="the reservation expiry",
    )


def payment_apply_outcome(
    *,
    payment_id: int,
    status: str,
    failure_code: str = "",
    failure_message: str = "",
    gateway_reference: str | None = None,
    card_last4: str = "",
    record_callback: bool = False,
) -> Payment:
    """Apply a gateway answer. Idempotent and order-safe:

    - `succeeded` on a pending (or failed) payment: the payment succeeds; the order becomes
      paid if it still waits, otherwise (cancelled meanwhile) the money is refunded — a late
      success never resurrects an order.
    - `failed` on a pending payment: the order is cancelled (`payment_failed`), stock released.
    - anything else (a repeat, a `failed` after `succeeded`, `pending`) changes nothing.
    """
    refund_after_commit = False
    with transaction.atomic():
        order, payment = _lock_payment(payment_id)
        changed = False
        if status == PaymentStatus.SUCCEEDED and payment.status in (
            PaymentStatus.PENDING,
            PaymentStatus.FAILED,
        ):
            payment.status = PaymentStatus.SUCCEEDED
            payment.failure_code = payment.failure_message = ""
            changed = True
            if order.status == OrderStatus.RESERVED:
                orders.order_mark_paid(
                    order_id=order.pk, note=_("Payment #%(id)s succeeded") % {"id": payment.pk}
                )
            else:
                refund_after_commit = True
        elif status == PaymentStatus.FAILED and payment.status == PaymentStatus.PENDING:
            payment.status = PaymentStatus.FAILED
            payment.failure_code = failure_code[:64]
            payment.failure_message = failure_message[:255]
            changed = True
            if order.status == OrderStatus.RESERVED:
                orders.order_cancel(
                    order_id=order.pk,
                    reason=CancelReason.PAYMENT_FAILED,
                    source="payment",
                    note=failure_code,
                )
        if gateway_reference and not payment.gateway_reference:
            payment.gateway_reference = gateway_reference
            changed = True
        if card_last4 and not payment.card_last4:
            payment.card_last4 = card_last4[-4:]
            changed = True
        if changed:
            payment.save()
        if record_callback:
            PaymentCallback.objects.create(
                payment=payment,
                status=status,
                failure_code=failure_code[:64],
                failure_message=failure_message[:255],
                applied=changed,
            )
        if refund_after_commit:
            refunds_schedule_for_order(order_id=order.pk)
    return payment


def payment_callback_apply(
    *,
    payment_id: int,
    status: str,
    failure_code: str = "",
    failure_message: str = "",
    order_id: int | None = None,
) -> Payment:
    """A verified gateway callback (the caller checked the signature)."""
    if order_id is not None and not Payment.objects.filter(pk=payment_id, order_id=order_id).exists():
        raise PaymentNotFound()
    return payment_apply_outcome(
        payment_id=payment_id,
        status=status,
        failure_code=failure_code,
        failure_message=failure_message,
        record_callback=True,
    )


def refund_create(
    *, payment_id: int, amount: Decimal | None = None, reason: str = "", actor: User | None = None
) -> Refund:
    """Refund `amount` (default: all that remains) through the gateway. Σ refunds ≤ paid."""
    with transaction.atomic():
        _order, payment = _lock_payment(payment_id)
        if payment.status not in REFUNDABLE_STATUSES:
            raise RefundNotAllowed()
        remaining = payment.amount - payment.refunded_amount
        amount = remaining if amount is None else amount
        if amount <= 0 or amount > remaining:
            raise RefundTooLarge(
                _("At most %(remaining)s can still be refunded") % {"remaining": remaining},
                extra={"remaining": float(remaining)},
            )
        # Reserve the amount now so concurrent refunds can never add up past the payment.
        payment.refunded_amount += amount
        payment.save(update_fields=["refunded_amount", "updated_at"])
        refund = Refund.objects.create(payment=payment, amount=amount, reason=reason[:255], created_by=actor)

    try:
        result = get_gateway(payment.gateway).refund(
            payment_reference=payment.gateway_reference,
            refund_id=refund.pk,
            amount=amount,
            currency=payment.currency,
        )
    except Exception:
        logger.exception("Gateway refund failed for refund %s", refund.pk)
        result = None

    with transaction.atomic():
        _order, payment = _lock_payment(payment_id)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if result is not None and result.succeeded:
            refund.status = RefundStatus.SUCCEEDED
            refund.gateway_reference = result.reference
            refunded = payment.refunds.filter(status=RefundStatus.SUCCEEDED).exclude(pk=refund.pk).aggregate(
                total=Sum("amount")
            )["total"] or Decimal("0")
            payment.status = (
                PaymentStatus.REFUNDED
                if refunded + refund.amount >= payment.amount
                else PaymentStatus.PARTIALLY_REFUNDED
            )
        else:
            refund.status = RefundStatus.FAILED
            refund.failure_message = (result.failure_message if result else _("The gateway did not answer"))[
                :255
            ]
            payment.refunded_amount -= refund.amount
        refund.save()
        payment.save()
    return refund


def refund_remaining(*, payment_id: int, reason: str) -> Refund | None:
    """Refund whatever is left of a payment; nothing when nothing is left (safe to retry)."""
    payment = Payment.objects.filter(pk=payment_id).first()
    if (
        payment is None
        or payment.status not in REFUNDABLE_STATUSES
        or payment.refunded_amount >= payment.amount
    ):
        return None
    try:
        return refund_create(payment_id=payment_id, reason=reason)
    except (RefundNotAllowed, RefundTooLarge):
        # Another refund took what was left between the check above and the row lock.
        return None


def refunds_schedule_for_order(*, order_id: int) -> int:
    """After commit, refund in full every payment of a cancelled order (in the worker)."""
    payment_ids = list(
        Payment.objects.filter(order_id=order_id, status__in=REFUNDABLE_STATUSES).values_list("pk", flat=True)
    )
    for payment_id in payment_ids:
        transaction.on_commit(lambda payment_id=payment_id: _refund_publish(payment_id))
    return len(payment_ids)


def _refund_publish(payment_id: int) -> None:
    from payments.tasks import refund_payment

    # The cancel has committed and the money is still owed: `refunds_retry_owed` finds the
    # payment by its state, so nothing is lost and the request still succeeds.
    publish(
        refund_payment, payment_id, what=f"refund of payment {payment_id}", left_for="the refunds sweeper"
    )


# A payment whose refund the gateway refused this many times is left to staff.
MAX_FAILED_REFUNDS = 5
OWED_REFUND_GRACE = timedelta(minutes=2)
OWED_REFUND_BATCH = 50


def refunds_retry_owed(*, now: datetime | None = None) -> int:
    """Refund what cancelled orders still hold (beat runs this every 5 minutes).

    The safety net for a refund task that was never published (the broker was down at the
    cancel) or that failed at the gateway: each payment is found by its state, not by a
    message, and refunded through `refund_remaining`, which is safe to run twice. Orders
    cancelled in the last OWED_REFUND_GRACE are left to their own task. Returns how many
    payments it tried.
    """
    now = now or timezone.now()
    payment_ids = selectors.payment_ids_owed_refund(
        cancelled_before=now - OWED_REFUND_GRACE,
        max_failed_refunds=MAX_FAILED_REFUNDS,
        limit=OWED_REFUND_BATCH,
    )
    for payment_id in payment_ids:
        refund_remaining(payment_id=payment_id, reason="order cancelled")
    return len(payment_ids)
