from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from orders.models import OrderStatus
from orders.signals import order_status_changed
from payments import services


@receiver(order_status_changed, dispatch_uid="payments.refund_cancelled_orders")
def refund_cancelled_orders(sender: Any, *, order: Any, to_status: str, **kwargs: Any) -> None:
    if to_status == OrderStatus.CANCELLED:
        services.refunds_schedule_for_order(order_id=order.pk)
