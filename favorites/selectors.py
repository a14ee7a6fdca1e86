"""Favorites reads: a customer's page with priced products, the staff listing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from accounts.models import User
from catalog.models import Product
from catalog.selectors import product_list_by_ids
from favorites.models import Favorite


@dataclass(frozen=True)
class FavoriteItem:
    """A favorite with its product priced for display (`price_quote`, `available`)."""

    product: Product
    created_at: datetime


@dataclass(frozen=True)
class FavoritePage:
    items: list[FavoriteItem]
    page: int
    limit: int
    total: int


def _for_customer(*, user: User) -> QuerySet[Favorite]:
    # Favorites of products taken off sale are hidden (not deleted): they come back if the
    # product does, and page/total always agree with the items shown.
    return Favorite.objects.filter(user=user, product__is_active=True)


def favorite_page_for_user(*, user: User, page: int, limit: int, with_names: bool = False) -> FavoritePage:
    """Newest first. A fixed number of queries whatever `limit` is."""
    favorites = _for_customer(user=user)
    total = favorites.count()
    offset = (page - 1) * limit
    if offset >= total:
        return FavoritePage(items=[], page=page, limit=limit, total=total)
    rows = list(
        favorites.order_by("-created_at", "-id").values_list("product_id", "created_at")[
            offset : offset + limit
        ]
    )
    products = product_list_by_ids(
        product_ids=[product_id for product_id, _created in rows], with_names=with_names
    )
    items = [
        FavoriteItem(product=products[product_id], created_at=created_at)
        for product_id, created_at in rows
        if product_id in products  # deactivated between the two queries
    ]
    return FavoritePage(items=items, page=page, limit=limit, total=total)


def favorite_item_get(*, favorite: Favorite) -> FavoriteItem:
    products = product_list_by_ids(product_ids=[favorite.product_id], active_only=False)
    return FavoriteItem(product=products[favorite.product_id], created_at=favorite.created_at)


def favorite_list() -> QuerySet[Favorite]:
    """Every favorite, oldest first (stable `offset` pages), for the staff filters."""
    return Favorite.objects.order_by("id")


def favorite_product_ids(*, user: User, product_ids: Iterable[int]) -> set[int]:
    """Which of these products are among the user's favorites: one query for a page of cards."""
    ids = [int(product_id) for product_id in product_ids]
    if not ids:
        return set()
    return set(Favorite.objects.filter(user=user, product_id__in=ids).values_list("product_id", flat=True))
