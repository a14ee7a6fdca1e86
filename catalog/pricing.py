"""The price a shopper pays: which discounts apply to a product, in what order, what they leave.

The rules (order-lifecycle.md, "Prices"):

- A discount applies while it is active and its window is open: `starts_at <= now` (when set)
  and `now < ends_at` (when set; the end is exclusive).
- It targets a product directly, a category (and so every product in that category's subtree,
  found through the product category's `path`), or a manufacturer. A discount that reaches a
  product by several routes applies once.
- Applicable discounts apply in order of `priority` (lower first), then `id`, each to the
  running price: `percent` takes `value`% of the running price off, `fixed` takes `value` off.
  Every step is rounded to 2 places ROUND_HALF_UP and never goes below 0, so the trail's
  `priceBefore`/`priceAfter` chain exactly.

To price many products with a fixed number of queries, load a `DiscountBook` once
(`discount_book_load`, at most 5 queries; `discount_book_current` keeps it in the cache) and
quote every product from it in memory.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from catalog.models import Category, Discount, DiscountType, Product

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal("0.00")


def money(value: Decimal) -> Decimal:
    """Two places, half up: the one rounding rule for every price."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money_number(value: Decimal) -> int | float:
    """A JSON number for a money amount: `350` for 350.00, `349.5` for 349.50."""
    value = money(value)
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def category_ids_from_path(path: str | None) -> list[int]:
    """`/1/4/9/` → [1, 4, 9]: the category and all its ancestors."""
    if not path:
        return []
    return [int(part) for part in path.strip("/").split("/") if part]


@dataclass(frozen=True, slots=True)
class ActiveDiscount:
    id: int
    name: str
    type: str
    value: Decimal
    priority: int

    @property
    def sort_key(self) -> tuple[int, int]:
        return (self.priority, self.id)

    def apply(self, price: Decimal) -> Decimal:
        if self.type == DiscountType.PERCENT:
            reduced = price - price * self.value / HUNDRED
        else:
            reduced = price - self.value
        return max(money(reduced), ZERO)


@dataclass(frozen=True, slots=True)
class AppliedDiscount:
    discount_id: int
    name: str
    type: str
    value: Decimal
    price_before: Decimal
    price_after: Decimal

    def as_json(self) -> dict[str, Any]:
        """The `discountsApplied` item shape of the Storefront API and the order snapshot."""
        return {
            "discountId": str(self.discount_id),
            "name": self.name,
            "type": self.type,
            "value": money_number(self.value),
            "priceBefore": money_number(self.price_before),
            "priceAfter": money_number(self.price_after),
        }


@dataclass(frozen=True, slots=True)
class PriceQuote:
    price: Decimal
    price_original: Decimal
    currency: str
    discounts_applied: tuple[AppliedDiscount, ...] = ()

    def discounts_json(self) -> list[dict[str, Any]]:
        return [applied.as_json() for applied in self.discounts_applied]


def price_apply(
    *, price: Decimal, discounts: Iterable[ActiveDiscount]
) -> tuple[Decimal, list[AppliedDiscount]]:
    """Apply `discounts` in the documented order to a base price; return the price and the trail."""
    running = money(price)
    trail: list[AppliedDiscount] = []
    for discount in sorted(discounts, key=lambda item: item.sort_key):
        after = discount.apply(running)
        trail.append(
            AppliedDiscount(
                discount_id=discount.id,
                name=discount.name,
                type=discount.type,
                value=discount.value,
                price_before=running,
                price_after=after,
            )
        )
        running = after
    return running, trail


def discount_window_q(*, at: datetime) -> Q:
    return (
        Q(is_active=True)
        & (Q(starts_at__isnull=True) | Q(starts_at__lte=at))
        & (Q(ends_at__isnull=True) | Q(ends_at__gt=at))
    )


@dataclass
class DiscountBook:
    """The discounts active at one moment, indexed by what they target."""

    at: datetime
    by_product: dict[int, list[ActiveDiscount]] = field(default_factory=dict)
    by_category: dict[int, list[ActiveDiscount]] = field(default_factory=dict)
    by_manufacturer: dict[int, list[ActiveDiscount]] = field(default_factory=dict)
    category_paths: dict[int, str] = field(default_factory=dict)
    # Every category's path (categories are few): products are priced from their
    # `category_id` alone, so listings need not join the category table.
    path_of_category: dict[int, str] = field(default_factory=dict)
    discount_ids: tuple[int, ...] = ()
    # The next moment a discount window opens or closes: the book is stale from then on.
    next_change: datetime | None = None

    def discounts_for(
        self, *, product_id: int, category_path: str | None, manufacturer_id: int | None
    ) -> list[ActiveDiscount]:
        found: dict[int, ActiveDiscount] = {}
        for discount in self.by_product.get(product_id, ()):
            found[discount.id] = discount
        for category_id in category_ids_from_path(category_path):
            for discount in self.by_category.get(category_id, ()):
                found[discount.id] = discount
        if manufacturer_id is not None:
            for discount in self.by_manufacturer.get(manufacturer_id, ()):
                found[discount.id] = discount
        return list(found.values())

    def quote(
        self,
        *,
        product_id: int,
        price: Decimal,
        currency: str,
        category_path: str | None,
        manufacturer_id: int | None,
    ) -> PriceQuote:
        discounts = self.discounts_for(
            product_id=product_id, category_path=category_path, manufacturer_id=manufacturer_id
        )
        final, trail = price_apply(price=price, discounts=discounts)
        return PriceQuote(
            price=final, price_original=money(price), currency=currency, discounts_applied=tuple(trail)
        )

    def final_price(
        self, *, product_id: int, price: Decimal, category_path: str | None, manufacturer_id: int | None
    ) -> Decimal:
        discounts = self.discounts_for(
            product_id=product_id, category_path=category_path, manufacturer_id=manufacturer_id
        )
        return price_apply(price=price, discounts=discounts)[0]

    def targets_q(self) -> Q:
        """Products that at least one discount of this book may reach (a superset is fine)."""
        if not self.discount_ids:
            return Q(pk__in=[])
        through = Discount.products.through
        condition = Q(
            Exists(through.objects.filter(product_id=OuterRef("pk"), discount_id__in=self.discount_ids))
        )
        for path in sorted(set(self.category_paths.values())):
            condition |= Q(category__path__startswith=path)
        if self.by_manufacturer:
            condition |= Q(manufacturer_id__in=sorted(self.by_manufacturer))
        return condition


def discount_book_load(
    *, at: datetime | None = None, product_ids: Sequence[int] | None = None
) -> DiscountBook:
    """Active discounts, their targets and the category paths in at most 5 queries.

    `product_ids` narrows the product links loaded (a page of a listing); None loads them all
    (a full price refresh). Category and manufacturer links are always loaded: there are few.
    """
    at = at or timezone.now()
    book = DiscountBook(at=at)
    # Active and not yet ended: the ones in force now, plus those that start later (which
    # only tell when this book goes stale).
    rows = Discount.objects.filter(
        Q(is_active=True) & (Q(ends_at__isnull=True) | Q(ends_at__gt=at))
    ).values_list("id", "name", "type", "value", "priority", "starts_at", "ends_at")
    discounts: dict[int, ActiveDiscount] = {}
    changes: list[datetime] = []
    for pk, name, kind, value, priority, starts_at, ends_at in rows:
        if starts_at is not None and starts_at > at:
            changes.append(starts_at)
            continue
        discounts[pk] = ActiveDiscount(id=pk, name=name, type=kind, value=value, priority=priority)
        if ends_at is not None:
            changes.append(ends_at)
    book.next_change = min(changes) if changes else None
    if not discounts:
        return book
    book.discount_ids = tuple(sorted(discounts))

    by_product: dict[int, list[ActiveDiscount]] = defaultdict(list)
    product_links = Discount.products.through.objects.filter(discount_id__in=book.discount_ids)
    if product_ids is not None:
        product_links = product_links.filter(product_id__in=list(product_ids))
    for discount_id, product_id in product_links.values_list("discount_id", "product_id"):
        by_product[product_id].append(discounts[discount_id])

    by_category: dict[int, list[ActiveDiscount]] = defaultdict(list)
    category_links = Discount.categories.through.objects.filter(discount_id__in=book.discount_ids)
    for discount_id, category_id, path in category_links.values_list(
        "discount_id", "category_id", "category__path"
    ):
        by_category[category_id].append(discounts[discount_id])
        book.category_paths[category_id] = path

    by_manufacturer: dict[int, list[ActiveDiscount]] = defaultdict(list)
    manufacturer_links = Discount.manufacturers.through.objects.filter(discount_id__in=book.discount_ids)
    for discount_id, manufacturer_id in manufacturer_links.values_list("discount_id", "manufacturer_id"):
        by_manufacturer[manufacturer_id].append(discounts[discount_id])

    book.path_of_category = dict(Category.objects.values_list("id", "path"))
    book.by_product = dict(by_product)
    book.by_category = dict(by_category)
    book.by_manufacturer = dict(by_manufacturer)
    return book


# The active discounts change rarely and are read on every listing: keep the whole book in
# the cache. It is dropped (the version key moves) whenever a discount, its targets or the
# category tree change (catalog/receivers.py), and expires by itself at the next moment a
# discount window opens or closes, and after BOOK_CACHE_SECONDS at the latest. Each process
# also keeps the book of the current version in memory, so a request reads only the small
# version key from the shared cache, not the whole pickled book.
BOOK_CACHE_SECONDS = 60
BOOK_VERSION_KEY = "catalog:discount-book:version"
_books_in_process: dict[str, tuple[DiscountBook, datetime]] = {}


def discount_book_current() -> DiscountBook:
    """The book in force now: from this process's memory or the cache when still valid, else loaded."""
    now = timezone.now()
    version = cache.get(BOOK_VERSION_KEY)
    if version is None:
        cache.add(BOOK_VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(BOOK_VERSION_KEY)
    key = f"catalog:discount-book:{version}"
    held = _books_in_process.get(key)
    if held is not None and now < held[1]:
        return held[0]
    cached = cache.get(key)
    if cached is not None and now < cached[1]:
        book, valid_until = cached
    else:
        book = discount_book_load(at=now)
        valid_until = now + timedelta(seconds=BOOK_CACHE_SECONDS)
        if book.next_change is not None:
            valid_until = min(valid_until, book.next_change)
        cache.set(key, (book, valid_until), timeout=BOOK_CACHE_SECONDS)
    # Only the newest version is worth holding.
    _books_in_process.clear()
    _books_in_process[key] = (book, valid_until)
    return book


def discount_book_invalidate() -> None:
    """Forget the cached book (after any change to discounts, their targets, or categories)."""
    cache.set(BOOK_VERSION_KEY, uuid.uuid4().hex, timeout=None)


def product_quotes(*, products: Sequence[Product], at: datetime | None = None) -> dict[int, PriceQuote]:
    """Price products (any number) from their `price`, `category_id` and `manufacturer_id`.

    No query when the current book is cached; `at` (another moment) loads a book for it.
    """
    if not products:
        return {}
    if at is None:
        book = discount_book_current()
    else:
        book = discount_book_load(at=at, product_ids=[product.pk for product in products])
    paths = book.path_of_category
    return {
        product.pk: book.quote(
            product_id=product.pk,
            price=product.price,
            currency=product.currency,
            category_path=paths.get(product.category_id) if product.category_id else None,
            manufacturer_id=product.manufacturer_id,
        )
        for product in products
    }
