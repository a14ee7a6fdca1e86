"""What the catalog keeps in the cache besides the discount book: listing totals, categories.

An exact `count(*)` over a 100k-product catalog is most of a listing's database time
(bench/EXPLAIN.md), and the same filter sets are counted over and over. Totals are cached
per filter set under a catalog version that moves on every product write (signals, the
price refresh, the bulk seeder), so a change shows in the very next listing; the TTL is only
a safety net for writes that bypass all of those (raw SQL).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

LISTING_VERSION_KEY = "catalog:listing:version"
LISTING_TOTAL_SECONDS = 60


def _listing_version() -> str:
    version = cache.get(LISTING_VERSION_KEY)
    if version is None:
        cache.add(LISTING_VERSION_KEY, str(time.time_ns()), timeout=None)
        version = cache.get(LISTING_VERSION_KEY)
    return str(version)


def listing_changed() -> None:
    """Products, their tags, prices or the category tree changed: forget cached totals."""
    cache.set(LISTING_VERSION_KEY, str(time.time_ns()), timeout=None)


def listing_total(*, filter_key: str, count: Callable[[], int]) -> int:
    """The cached total for this filter set, or `count()` (then cached)."""
    digest = hashlib.sha256(f"{_listing_version()}|{filter_key}".encode()).hexdigest()[:40]
    key = f"catalog:listing:total:{digest}"
    total = cache.get(key)
    if total is None:
        total = count()
        cache.set(key, total, timeout=LISTING_TOTAL_SECONDS)
    return total


# The category tree is read by every category-filtered listing and every page (the menu), and
# changes a few times a month: the whole table is cached and dropped on any category write.
CATEGORIES_KEY = "catalog:categories"
CATEGORIES_SECONDS = 60


def categories_cached(*, load: Callable[[], list[Any]]) -> list[Any]:
    """Every category (from the cache, else `load()`, then cached)."""
    categories = cache.get(CATEGORIES_KEY)
    if categories is None:
        categories = load()
        cache.set(CATEGORIES_KEY, categories, timeout=CATEGORIES_SECONDS)
    return categories


def categories_changed() -> None:
    cache.delete(CATEGORIES_KEY)
