"""Reactions to other apps' signals (connected in OrdersConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from accounts.signals import customer_identified
from inventory.signals import reservation_expired
from orders import services


@receiver(customer_identified, dispatch_uid="orders.attach_guest_orders")
def attach_guest_orders(sender: Any, *, user: Any, client_id: str | None, **kwargs: Any) -> None:
    services.orders_attach_guest(user=user, client_id=client_id)


@receiver(reservation_expired, dispatch_uid="orders.cancel_on_reservation_expiry")
def cancel_on_reservation_expiry(sender: Any, *, reservation: Any, **kwargs: Any) -> None:
    services.order_cancel_for_expired_reservation(reservation=reservation)
