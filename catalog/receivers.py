"""Keep the catalog's caches honest: the discount book, the listing totals, the category tree.

Each is dropped at once and again when the writing transaction commits: a request that read
the old rows between the two would otherwise put them back in the cache until they expire.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from catalog.caching import categories_changed, listing_changed
from catalog.models import Category, Discount, Product
from catalog.pricing import discount_book_invalidate


@receiver(post_save, sender=Discount, dispatch_uid="catalog.book.discount_saved")
@receiver(post_delete, sender=Discount, dispatch_uid="catalog.book.discount_deleted")
@receiver(post_save, sender=Category, dispatch_uid="catalog.book.category_saved")
@receiver(post_delete, sender=Category, dispatch_uid="catalog.book.category_deleted")
def _discounts_or_tree_changed(sender: Any, **kwargs: Any) -> None:
    _now_and_on_commit(discount_book_invalidate)


@receiver(m2m_changed, sender=Discount.products.through, dispatch_uid="catalog.book.discount_products")
@receiver(m2m_changed, sender=Discount.categories.through, dispatch_uid="catalog.book.discount_categories")
@receiver(m2m_changed, sender=Discount.manufacturers.through, dispatch_uid="catalog.book.discount_makers")
def _discount_targets_changed(sender: Any, action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        _now_and_on_commit(discount_book_invalidate)


@receiver(post_save, sender=Product, dispatch_uid="catalog.listing.product_saved")
@receiver(post_delete, sender=Product, dispatch_uid="catalog.listing.product_deleted")
@receiver(post_save, sender=Category, dispatch_uid="catalog.listing.category_saved")
@receiver(post_delete, sender=Category, dispatch_uid="catalog.listing.category_deleted")
def _listing_rows_changed(sender: Any, **kwargs: Any) -> None:
    _now_and_on_commit(listing_changed)


@receiver(m2m_changed, sender=Product.tags.through, dispatch_uid="catalog.listing.product_tags")
def _product_tags_changed(sender: Any, action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        _now_and_on_commit(listing_changed)


@receiver(post_save, sender=Category, dispatch_uid="catalog.categories.saved")
@receiver(post_delete, sender=Category, dispatch_uid="catalog.categories.deleted")
def _categories_changed(sender: Any, **kwargs: Any) -> None:
    _now_and_on_commit(categories_changed)


def _now_and_on_commit(forget: Callable[[], None]) -> None:
    forget()
    transaction.on_commit(forget)
