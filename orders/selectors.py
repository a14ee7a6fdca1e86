from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from orders.exceptions import OrderNotFound
from orders.models import Order, OrderEvent, OrderLine, OrderStatus

GUEST_HISTORY_LIMIT = 100

# Internal states → the four the Storefront API knows (order-lifecycle.md).
PUBLIC_STATUS = {
    OrderStatus.NEW: "new",
    OrderStatus.RESERVED: "new",
    OrderStatus.PAID: "processing",
    OrderStatus.CONFIRMED: "processing",
    OrderStatus.DONE: "done",
    OrderStatus.CANCELLED: "cancelled",
}


def _with_lines(orders: QuerySet[Order]) -> QuerySet[Order]:
    return orders.prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("id")))


def order_list_for_customer(*, customer: User, status: str | None = None) -> QuerySet[Order]:
    orders = Order.objects.filter(customer=customer)
    if status:
        orders = orders.filter(status=status)
    return _with_lines(orders.order_by("-created_at", "-id"))


def order_list_for_guest(*, phone: str, client_id: str) -> list[Order]:
    """Orders placed from this browser with this phone, newest first (at most 100)."""
    orders = Order.objects.filter(phone=phone, client_id=client_id).order_by("-created_at", "-id")
    return list(_with_lines(orders)[:GUEST_HISTORY_LIMIT])


def order_get_for_user(*, order_id: int, user: User) -> Order:
    """The order if `user` owns it or is staff; otherwise 404 (never reveal that it exists)."""
    orders = Order.objects.filter(pk=order_id)
    if not user.is_staff:
        orders = orders.filter(customer=user)
    order = (
        _with_lines(orders)
        .prefetch_related(Prefetch("events", queryset=OrderEvent.objects.order_by("created_at", "id")))
        .first()
    )
    if order is None:
        raise OrderNotFound()
    return order


def order_get_for_guest(*, order_id: int, phone: str) -> Order:
    """An order by its number and the phone it was placed with (guest lookup); 404 otherwise."""
    order = (
        Order.objects.filter(pk=order_id, phone=phone)
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("id")),
            Prefetch("events", queryset=OrderEvent.objects.order_by("created_at", "id")),
        )
        .first()
    )
    if order is None:
        raise OrderNotFound()
    return order
