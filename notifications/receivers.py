"""Order moves → customer notifications (the side-effects table of order-lifecycle.md).

`order_status_changed` is sent inside the transaction of each move, so the outbox rows
commit with the move or not at all; nothing slow happens here (the send is the worker's).
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from notifications.models import NotificationEvent
from notifications.services import notify_event
from orders.models import OrderStatus
from orders.signals import order_status_changed

EVENT_FOR_STATUS = {
    OrderStatus.RESERVED: NotificationEvent.ORDER_CREATED,  # placement: new → reserved
    OrderStatus.PAID: NotificationEvent.ORDER_PAID,
    OrderStatus.CONFIRMED: NotificationEvent.ORDER_CONFIRMED,
    OrderStatus.CANCELLED: NotificationEvent.ORDER_CANCELLED,
}


@receiver(order_status_changed, dispatch_uid="notifications.notify_customer_of_order_moves")
def notify_customer_of_order_moves(sender: Any, *, order: Any, to_status: str, **kwargs: Any) -> None:
    event = EVENT_FOR_STATUS.get(to_status)
    if event is not None:
        notify_event(event=event, order=order)
