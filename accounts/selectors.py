from __future__ import annotations

from django.db.models import QuerySet

from accounts.exceptions import AddressNotFound
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
