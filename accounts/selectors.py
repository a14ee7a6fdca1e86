from __future__ import annotations

from django.db.models import QuerySet

from accounts.exceptions import AddressNotFound, UserNotFound
from accounts.models import Address, User


def address_list_for_user(*, user: User) -> QuerySet[Address]:
    return Address.objects.filter(user=user).order_by("-is_default", "id")


def default_address_id(*, user: User) -> int | None:
    return Address.objects.filter(user=user, is_default=True).values_list("id", flat=True).first()


def user_get_active(*, user_id: int) -> User | None:
    return User.objects.filter(pk=user_id, is_active=True, is_deleted=False).first()


def address_get_for_user(*, user: User, address_id: int) -> Address:
    address = Address.objects.filter(user=user, pk=address_id).first()
    if address is None:
        raise AddressNotFound()
    return address


def customer_list() -> QuerySet[User]:
    """Customers as the back office sees them: not staff, not soft-deleted, oldest first.

    Ascending ids keep `offset` pages stable while new customers register.
    """
    return User.objects.filter(is_staff=False, is_deleted=False).order_by("id")


def customer_get(*, customer_id: int) -> User:
    customer = customer_list().filter(pk=customer_id).first()
    if customer is None:
        raise UserNotFound()
    return customer
