from __future__ import annotations

from datetime import datetime

from django.db.models import Count, F, Q

from accounts.models import User
from orders.models import OrderStatus
from payments.exceptions import PaymentNotFound, RefundNotFound
from payments.models import REFUNDABLE_STATUSES, Payment, Refund, RefundStatus


def payment_get_for_user(*, payment_id: int, user: User) -> Payment:
    payments = Payment.objects.select_related("order")
    if not user.is_staff:
        payments = payments.filter(order__customer=user)
    payment = payments.filter(pk=payment_id).first()
    if payment is None:
        raise PaymentNotFound()
    return payment


def refund_get_for_user(*, refund_id: int, user: User) -> Refund:
    refunds = Refund.objects.select_related("payment")
    if not user.is_staff:
        refunds = refunds.filter(payment__order__customer=user)
    refund = refunds.filter(pk=refund_id).first()
    if refund is None:
        raise RefundNotFound()
    return refund


def payment_latest_for_order(*, order_id: int) -> Payment | None:
    """The order's most recent payment attempt (the one that decides its state), if any."""
    return Payment.objects.filter(order_id=order_id).order_by("-created_at", "-id").first()


def payment_ids_owed_refund(*, cancelled_before: datetime, max_failed_refunds: int, limit: int) -> list[int]:
    """Paid payments of orders cancelled before `cancelled_before` that still hold money.

    A refund in flight has already reserved its amount in `refunded_amount`, so it never
    shows here; payments whose refunds failed `max_failed_refunds` times are left to staff.
    """
    return list(
        Payment.objects.filter(
            order__status=OrderStatus.CANCELLED,
            order__updated_at__lt=cancelled_before,
            status__in=REFUNDABLE_STATUSES,
            refunded_amount__lt=F("amount"),
        )
        .annotate(failed_refunds=Count("refunds", filter=Q(refunds__status=RefundStatus.FAILED)))
        .filter(failed_refunds__lt=max_failed_refunds)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
