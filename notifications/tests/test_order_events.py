"""Order moves notify the customer in the same transaction as the move (through orders' signal)."""

from __future__ import annotations

import pytest
from django.core import mail

from notifications.models import Notification, NotificationStatus
from notifications.tests.factories import OrderFactory, UserFactory
from orders import services as orders
from orders.exceptions import InvalidTransition
from orders.models import CancelReason, OrderStatus

pytestmark = pytest.mark.django_db


def test_a_paid_order_notifies_by_email_and_sms_after_the_move_commits(
    sms_outbox, django_capture_on_commit_callbacks
):
    customer = UserFactory(language="en")
    order = OrderFactory(customer=customer, email="olena@example.com", phone="+380671234567")

    with django_capture_on_commit_callbacks(execute=True):
        orders.order_mark_paid(order_id=order.pk)

    rows = Notification.objects.filter(order=order)
    assert sorted(rows.values_list("event", "channel", "status")) == [
        ("order_paid", "email", NotificationStatus.SENT),
        ("order_paid", "sms", NotificationStatus.SENT),
    ]
    assert mail.outbox[0].subject == f"Order #{order.pk} is paid"
    assert sms_outbox[0].to == "+380671234567"
    assert f"/profile/orders/{order.pk}" in sms_outbox[0].text


def test_a_cancelled_order_says_why(sms_outbox, django_capture_on_commit_callbacks):
    order = OrderFactory(email="", customer=UserFactory(email=None))

    with django_capture_on_commit_callbacks(execute=True):
        orders.order_cancel(order_id=order.pk, reason=CancelReason.PAYMENT_FAILED)

    row = Notification.objects.get(order=order)
    assert (row.event, row.channel, row.variables["cancel_reason"]) == (
        "order_cancelled",
        "sms",
        "payment_failed",
    )
    assert len(sms_outbox) == 1


def test_a_refused_move_writes_no_notification(django_capture_on_commit_callbacks):
    order = OrderFactory(status=OrderStatus.DONE)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidTransition):
        orders.order_mark_paid(order_id=order.pk)

    assert not Notification.objects.exists()


def test_moves_without_a_customer_message_send_nothing():
    order = OrderFactory(status=OrderStatus.CONFIRMED)

    orders.order_mark_done(order_id=order.pk)

    assert not Notification.objects.exists()
