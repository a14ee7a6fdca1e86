"""Favorites: add (idempotent), remove, bulk delete. One statement or one transaction each."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from accounts.models import User
from catalog.exceptions import ProductNotFound
from catalog.models import Product
from favorites.models import Favorite

MAX_DB_ID = 2**63 - 1


def favorite_add(*, user: User, product_id: int) -> tuple[Favorite, bool]:
    """Add a product to the user's favorites: (favorite, created).

    An existing pair is returned as is (created=False). Only an active product can be
    added (ProductNotFound, 404, otherwise).
    """
    if not 0 < product_id <= MAX_DB_ID or not Product.objects.filter(pk=product_id, is_active=True).exists():
        raise ProductNotFound()
    with transaction.atomic():
        # get_or_create recovers from the unique index when two requests add the same pair.
        return Favorite.objects.get_or_create(user=user, product_id=product_id)


def favorite_remove(*, user: User, product_id: int) -> bool:
    """Remove a product from the user's favorites; False when it was not there (still fine)."""
    if not 0 < product_id <= MAX_DB_ID:
        return False
    deleted, _by_model = Favorite.objects.filter(user=user, product_id=product_id).delete()
    return deleted > 0


def favorite_delete_many(*, favorite_ids: Iterable[int]) -> int:
    """Delete favorites by id; returns how many of the ids existed."""
    ids = {int(pk) for pk in favorite_ids if 0 < int(pk) <= MAX_DB_ID}
    if not ids:
        return 0
    deleted, _by_model = Favorite.objects.filter(pk__in=ids).delete()
    return deleted
