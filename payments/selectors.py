from __future__ import annotations

from accounts.models import User
from payments.exceptions import PaymentNotFound, RefundNotFound
from payments.models import Payment, Refund


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
