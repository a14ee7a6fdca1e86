"""Catalog reads: product listings with filters and sorts, single products, reference lists.

Every product these return carries three extras the surfaces render:
`available` (an annotation: units on hand minus reserved, 0 without stock data),
`tag_slugs` (its tags' slugs, by name) and `price_quote` (a `catalog.pricing.PriceQuote`:
live final price and the discounts trail). `with_names=True` also joins the manufacturer and
country (the pages print their names; the APIs print ids only). Listings run a fixed number
of queries whatever the page size: on PostgreSQL one, plus the total when it is not cached.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import (
    CharField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.db.models.lookups import Contains

from catalog.apps import SQLITE_CASEFOLD
from catalog.caching import categories_cached, listing_total
from catalog.exceptions import ProductNotFound
from catalog.models import Category, Country, Manufacturer, Product, Tag
from catalog.pricing import product_quotes

# The public sort names and their orderings; each ends with id so pages never overlap.
PRODUCT_SORTS: dict[str, tuple[str, str]] = {
    "price": ("final_price", "id"),
    "-price": ("-final_price", "-id"),
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
    "createdAt": ("created_at", "id"),
    "-createdAt": ("-created_at", "-id"),
}
PRODUCT_DEFAULT_SORT = "-createdAt"
MAX_DB_ID = 2**63 - 1


@dataclass(frozen=True)
class ProductFilters:
    q: str = ""
    category: str | None = None
    manufacturer_ids: tuple[int, ...] = ()
    country_ids: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()
    price_from: Decimal | None = None
    price_to: Decimal | None = None
    sort: str = PRODUCT_DEFAULT_SORT


@dataclass(frozen=True)
class ProductPage:
    items: list[Product]
    page: int
    limit: int
    total: int


# From this many skipped rows on, a page is found by id first (see product_list).
DEEP_PAGE_OFFSET = 200


def product_list(*, filters: ProductFilters, page: int, limit: int, with_names: bool = False) -> ProductPage:
    """One page of active products: the total (cached per filter set), page rows, tags."""
    conditions = _listing_conditions(filters)
    if conditions is None:
        return ProductPage(items=[], page=page, limit=limit, total=0)
    products = Product.objects.filter(*conditions, is_active=True)
    # The sort never changes the total; everything else in the filters does.
    filter_key = repr(dataclasses.replace(filters, sort=""))
    total = listing_total(filter_key=filter_key, count=products.count)
    offset = (page - 1) * limit
    # Checked before the page query: an absurd `page` never reaches the database as an OFFSET.
    if offset >= total:
        return ProductPage(items=[], page=page, limit=limit, total=total)
    ordering = PRODUCT_SORTS[filters.sort]
    displayed = _displayed(with_names=with_names)
    if offset < DEEP_PAGE_OFFSET:
        page_rows = displayed.filter(*conditions, is_active=True).order_by(*ordering)[offset : offset + limit]
    else:
        # OFFSET makes PostgreSQL build every skipped row in full (stock join, tags array);
        # the page's ids come from the sort's index alone, then only those rows are built.
        page_ids = list(products.order_by(*ordering).values_list("pk", flat=True)[offset : offset + limit])
        page_rows = displayed.filter(pk__in=page_ids, is_active=True).order_by(*ordering)
    items = _finish_display(list(page_rows))
    return ProductPage(items=items, page=page, limit=limit, total=total)


def product_get_active(*, id_or_slug: str, with_names: bool = False) -> Product:
    """An active product by id (digits) or slug; ProductNotFound otherwise."""
    lookup = Q(slug=id_or_slug)
    if (pk := _as_db_id(id_or_slug)) is not None:
        lookup |= Q(pk=pk)
    candidates = list(_displayed(with_names=with_names).filter(lookup, is_active=True))
    # An id wins over a slug that happens to look like one.
    candidates.sort(key=lambda product: str(product.pk) != id_or_slug)
    if not candidates:
        raise ProductNotFound()
    return _finish_display(candidates[:1])[0]


def product_get(*, product_id: int) -> Product:
    """A product by id, active or not (the v1 API shows `isActive`); ProductNotFound otherwise."""
    if not 0 < product_id <= MAX_DB_ID:
        raise ProductNotFound()
    found = list(_displayed().filter(pk=product_id))
    if not found:
        raise ProductNotFound()
    return _finish_display(found)[0]


def product_available_get(*, product_id: int) -> int:
    """Units available to order of one product, active or not; ProductNotFound if it does not exist."""
    if not 0 < product_id <= MAX_DB_ID:
        raise ProductNotFound()
    row = (
        Product.objects.filter(pk=product_id)
        .annotate(available=_available_expression())
        .values_list("available", flat=True)
        .first()
    )
    if row is None:
        raise ProductNotFound()
    return row


def product_list_by_ids(
    *, product_ids: Iterable[int], active_only: bool = True, with_names: bool = False
) -> dict[int, Product]:
    """Priced products by id (for carts, orders, favorites): {id: product}, missing ids left out."""
    ids = sorted({int(pk) for pk in product_ids if 0 < int(pk) <= MAX_DB_ID})
    if not ids:
        return {}
    products = _displayed(with_names=with_names).filter(pk__in=ids)
    if active_only:
        products = products.filter(is_active=True)
    items = _finish_display(list(products))
    return {product.pk: product for product in items}


# What an order line copies from its product, and what pricing reads.
_ORDER_LINE_COLUMNS = (
    "sku", "title", "options", "unit", "price", "currency", "category_id", "manufacturer_id", "country_id"
)  # fmt: skip


def product_list_for_order(*, product_ids: Iterable[int]) -> dict[int, Product]:
    """Active products priced for order lines: {id: product}, missing ids left out.

    Only the columns a line snapshots: no stock (the reservation checks it under its locks)
    and no tags, so placement reads its products in one narrow query.
    """
    ids = sorted({int(pk) for pk in product_ids if 0 < int(pk) <= MAX_DB_ID})
    if not ids:
        return {}
    items = list(Product.objects.filter(pk__in=ids, is_active=True).only(*_ORDER_LINE_COLUMNS))
    _attach_quotes(items)
    return {product.pk: product for product in items}


def category_list_active() -> list[Category]:
    """Active categories by position, then name (from the cached tree: no query when warm)."""
    return [category for category in _categories() if category.is_active]


def _categories() -> list[Category]:
    return categories_cached(load=lambda: list(Category.objects.order_by("position", "name", "id")))


def tag_list() -> QuerySet[Tag]:
    return Tag.objects.order_by("name", "id")


def manufacturer_list_active() -> QuerySet[Manufacturer]:
    return Manufacturer.objects.filter(is_active=True).order_by("name", "id")


def country_list_active() -> QuerySet[Country]:
    return Country.objects.filter(is_active=True).order_by("name", "id")


# --- building blocks -------------------------------------------------------------------------


def _listing_conditions(filters: ProductFilters) -> list[Q] | None:
    """The listing filters as conditions; None when the answer is known to be empty (unknown category)."""
    conditions: list[Q] = []
    if filters.q:
        conditions.append(_search_q(filters.q))
    if filters.category:
        category_ids = _category_subtree_ids(filters.category)
        if not category_ids:
            return None
        # A literal id list (categories are few) lets PostgreSQL use the partial
        # (category_id) WHERE is_active index for both the count and the page.
        conditions.append(Q(category_id__in=category_ids))
    if filters.manufacturer_ids:
        conditions.append(Q(manufacturer_id__in=filters.manufacturer_ids))
    if filters.country_ids:
        conditions.append(Q(country_id__in=filters.country_ids))
    if filters.tags:
        # A product with any of the tags; EXISTS keeps one row per product without DISTINCT.
        tagged = Product.tags.through.objects.filter(product_id=OuterRef("pk"), tag__slug__in=filters.tags)
        conditions.append(Q(Exists(tagged)))
    if filters.price_from is not None:
        conditions.append(Q(final_price__gte=filters.price_from))
    if filters.price_to is not None:
        conditions.append(Q(final_price__lte=filters.price_to))
    return conditions


def _category_subtree_ids(id_or_slug: str) -> list[int]:
    """The category (by id or slug) and all below it, from the cached tree; [] if there is none."""
    pk = _as_db_id(id_or_slug)
    categories = _categories()
    roots = [category for category in categories if category.slug == id_or_slug or category.pk == pk]
    if not roots:
        return []
    root_path = min(roots, key=lambda category: category.pk).path
    return sorted(category.pk for category in categories if category.path.startswith(root_path))


def _as_db_id(text: str) -> int | None:
    """`"42"` → 42; None for anything that is not a plain ASCII number a bigint column can hold."""
    if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_DB_ID:
        return int(text)
    return None


def _search_q(text: str) -> Q:
    """A case-insensitive substring match on title, SKU and description.

    PostgreSQL: `icontains` (UPPER(col) LIKE UPPER('%q%')), served by the pg_trgm GIN
    indexes of migration 0002 — substring matching finds partial words and SKU fragments,
    which full-text search with the `simple` configuration (PostgreSQL ships no Ukrainian
    one) would not. SQLite: the same match through a Unicode casefold function, because
    SQLite's LIKE ignores case for ASCII letters only.
    """
    if connection.vendor == "sqlite":
        needle = text.casefold()
        return (
            Q(Contains(_casefold("title"), needle))
            | Q(Contains(_casefold("sku"), needle))
            | Q(Contains(_casefold("description"), needle))
        )
    return Q(title__icontains=text) | Q(sku__icontains=text) | Q(description__icontains=text)


def _casefold(field_name: str) -> Func:
    return Func(F(field_name), function=SQLITE_CASEFOLD, output_field=CharField())


def _displayed(*, with_names: bool = False) -> QuerySet[Product]:
    """Products with the columns every surface shows, `available` and (on PostgreSQL) `tag_slugs`.

    Tags come back as an array in the same row rather than a prefetch: no second query and
    no Tag instances. Category paths for pricing come from the cached discount book, so the
    category is not joined either.
    """
    return _displayed_base(connection.vendor, with_names)


@functools.cache
def _displayed_base(vendor: str, with_names: bool) -> QuerySet[Product]:
    # Built once per process and never evaluated itself: every caller filters a clone.
    # Resolving these annotations cost a fifth of a product detail request (bench/README.md).
    products = Product.objects.annotate(available=_available_expression())
    if vendor == "postgresql":
        slugs = Tag.objects.filter(products=OuterRef("pk")).order_by("name", "id").values("slug")
        products = products.annotate(tag_slugs=ArraySubquery(slugs))
    if with_names:
        products = products.select_related("manufacturer", "country")
    return products


def _finish_display(products: list[Product]) -> list[Product]:
    """Attach what the row could not carry: price quotes, and tag slugs off PostgreSQL."""
    if products and connection.vendor != "postgresql":
        slugs_of: dict[int, list[str]] = {product.pk: [] for product in products}
        links = (
            Product.tags.through.objects.filter(product_id__in=list(slugs_of))
            .order_by("tag__name", "tag__id")
            .values_list("product_id", "tag__slug")
        )
        for product_id, slug in links:
            slugs_of[product_id].append(slug)
        for product in products:
            product.tag_slugs = slugs_of[product.pk]
    _attach_quotes(products)
    return products


def _attach_quotes(products: list[Product]) -> None:
    quotes = product_quotes(products=products)
    for product in products:
        product.price_quote = quotes[product.pk]


def _available_expression() -> Greatest | Value:
    """Units available to sell (on hand − reserved), from the inventory app when it is installed.

    Stock is one row per product (a one-to-one), so this is a LEFT JOIN, not a subquery.
    """
    try:
        apps.get_model("inventory", "Stock")
    except LookupError:
        return Value(0, output_field=IntegerField())
    unreserved = F("stock__on_hand") - F("stock__reserved")
    # Never negative, even if a bad write left more reserved than on hand; 0 without a row.
    return Greatest(Coalesce(unreserved, Value(0)), Value(0), output_field=IntegerField())
