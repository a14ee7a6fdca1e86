"""Payment races on a real PostgreSQL: a callback vs. the reservation expiry, a cancel vs. a payment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import run_in_threads
from inventory.models import Stock
from inventory.services import reservations_expire_due
from orders import services as orders
from orders.models import CancelReason, OrderStatus, PaymentMethod
from orders.tests.factories import stocked_product
from payments import services
from payments.models import Payment, PaymentStatus, Refund

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("postgres_only"),
]


def pending_payment():
    product = stocked_product(on_hand=5)
    order = orders.order_place(
        items=[orders.OrderItemInput(product_id=product.pk, quantity=2)],
        phone="+380971112233",
        client_id="c",
        payment_method=PaymentMethod.CARD,
    ).order
    payment = services.payment_start(order_id=order.pk, card_token="sandbox_pending")
    return product, order, payment


@pytest.mark.parametrize("round_", range(5))
def test_payment_success_racing_the_reservation_expiry_ends_consistent(settings, round_):
    settings.RESERVATION_TTL = 1
    product, order, payment = pending_payment()
    later = timezone.now() + timedelta(seconds=5)

    def work(index: int):
        if index == 0:
            return services.payment_callback_apply(payment_id=payment.pk, status="succeeded").status
        return reservations_expire_due(now=later)

    results = run_in_threads(2, work)

    assert not any(isinstance(result, Exception) for result in results), results
    order.refresh_from_db()
    payment.refresh_from_db()
    stock = Stock.objects.get(product=product)
    if order.status == OrderStatus.PAID:
        # The payment won: the expiry found nothing due; stock stays held for the order.
        assert stock.reserved == 2
        assert not Refund.objects.exists()
    else:
        # The expiry won: the order is cancelled, stock back, and the late success refunded.
        assert (order.status, order.cancel_reason) == (
            OrderStatus.CANCELLED,
            CancelReason.RESERVATION_EXPIRED,
        )
        assert stock.reserved == 0
        assert payment.status == PaymentStatus.REFUNDED


@pytest.mark.parametrize("round_", range(5))
def test_customer_cancel_racing_a_payment_success_never_leaves_money_taken_for_a_cancelled_order(round_):
    product, order, payment = pending_payment()

    def work(index: int):
        if index == 0:
            return services.payment_callback_apply(payment_id=payment.pk, status="succeeded").status
        return orders.order_cancel(order_id=order.pk, reason=CancelReason.CUSTOMER).status

    results = run_in_threads(2, work)

    assert not any(isinstance(result, Exception) for result in results), results
    order.refresh_from_db()
    payment = Payment.objects.get(pk=payment.pk)
    assert order.status == OrderStatus.CANCELLED
    assert payment.status == PaymentStatus.REFUNDED
    assert Stock.objects.get(product=product).reserved == 0
