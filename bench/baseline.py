"""The raw baseline: the product list (and one product) as one hand-written SQL query + orjson.

This is the floor of this stack — the same gunicorn, Django middleware, PostgreSQL and
data, but no DRF, no serializers, no ORM and no per-row Python beyond building a dict. It
answers the same JSON as `GET /products` / `GET /products/<idOrSlug>` (same filters, sorts,
paging, `total`, live prices with the discounts trail, tags, stock), so the ratio of the
app's requests/s to this one measures what the framework layers cost, not a different
amount of work. `bench.queries` checks the two bodies are equal.

Deliberately thin: parameters are parsed just enough to be safe (bound, never interpolated),
and anything malformed is a plain 400 in the API's error shape.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import orjson
from django.db import connection
from django.http import HttpRequest, HttpResponse, QueryDict

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal("0.00")
MAX_DB_ID = 2**63 - 1

# The public sort names → ORDER BY (each ends with id, as the app's do: stable pages).
SORTS: dict[str, str] = {
    "price": "p.final_price, p.id",
    "-price": "p.final_price DESC, p.id DESC",
    "title": "p.title, p.id",
    "-title": "p.title DESC, p.id DESC",
    "createdAt": "p.created_at, p.id",
    "-createdAt": "p.created_at DESC, p.id DESC",
}
DEFAULT_SORT = "-createdAt"

# Everything a product's JSON needs, for the rows `u` (ids in page order) joined to `p`.
# JSON columns come back as text and go into the body unparsed (orjson.Fragment). The
# discounts that reach a product (directly, through its category's subtree, or its
# manufacturer) come back in application order; the running price is chained in Python.
_PRODUCT_COLUMNS = """
    p.id, p.slug, p.sku, p.title, p.description, p.price, p.currency,
    p.category_id, p.manufacturer_id, p.country_id,
    p.options::text, p.unit, p.attributes::text, p.images::text,
    ARRAY(
        SELECT t.slug FROM catalog_product_tags pt JOIN catalog_tag t ON t.id = pt.tag_id
        WHERE pt.product_id = p.id ORDER BY t.name, t.id
    ) AS tags,
    GREATEST(COALESCE(
        (SELECT sum(s.on_hand - s.reserved) FROM inventory_stock s WHERE s.product_id = p.id), 0
    ), 0) AS available,
    (
        SELECT json_agg(json_build_array(d.id::text, d.name, d.type, d.value::text) ORDER BY d.priority, d.id)::text
        FROM catalog_discount d
        WHERE d.is_active
          AND (d.starts_at IS NULL OR d.starts_at <= now())
          AND (d.ends_at IS NULL OR d.ends_at > now())
          AND (
            EXISTS (SELECT 1 FROM catalog_discount_products dp
                    WHERE dp.discount_id = d.id AND dp.product_id = p.id)
            OR EXISTS (SELECT 1 FROM catalog_discount_categories dc
                       JOIN catalog_category dcc ON dcc.id = dc.category_id
                       WHERE dc.discount_id = d.id AND starts_with(c.path, dcc.path))
            OR EXISTS (SELECT 1 FROM catalog_discount_manufacturers dm
                       WHERE dm.discount_id = d.id AND dm.manufacturer_id = p.manufacturer_id)
          )
    ) AS discounts
"""

# One statement: the count and the page. The page's ids are picked by the sort's index
# alone (ARRAY(... LIMIT ...)), then the full rows of just those ids are read; the LEFT
# JOIN keeps the count's row when the page is empty.
_LIST_SQL = """
SELECT total.n, {columns}
FROM (SELECT count(*) AS n FROM catalog_product p WHERE {where}) AS total
LEFT JOIN (
    unnest(ARRAY(
        SELECT p.id FROM catalog_product p WHERE {where}
        ORDER BY {order} LIMIT %(limit)s OFFSET %(offset)s
    )) WITH ORDINALITY AS u(id, ordinal)
    JOIN catalog_product p ON p.id = u.id
    LEFT JOIN catalog_category c ON c.id = p.category_id
) ON true
ORDER BY u.ordinal
"""

_DETAIL_SQL = f"""
SELECT {_PRODUCT_COLUMNS}
FROM catalog_product p LEFT JOIN catalog_category c ON c.id = p.category_id
WHERE p.is_active AND (p.slug = %(slug)s OR p.id = %(id)s)
ORDER BY p.id = %(id)s DESC NULLS LAST
LIMIT 1
"""  # noqa: S608 - constant SQL fragments; every value is bound


class BadRequest(ValueError):
    """A query parameter the baseline cannot take; answered with a 400."""


def _error(status: int, error: str, message: str) -> HttpResponse:
    body = {"statusCode": status, "message": message, "error": error, "code": "bench.baseline"}
    return HttpResponse(orjson.dumps(body), status=status, content_type="application/json")


def _money_number(value: Decimal) -> int | float:
    value = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return int(value) if value == value.to_integral_value() else float(value)


def _db_id(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_DB_ID else None


def _values(query: QueryDict, name: str) -> list[str]:
    """`name[]=1&name[]=2` or `name=1&name=2` (or both); empty values mean no filter."""
    return [value for key in (name, f"{name}[]") for value in query.getlist(key) if value != ""]


def _ids(query: QueryDict, name: str) -> list[int]:
    ids = [_db_id(value) for value in _values(query, name)]
    if None in ids or len(ids) > 100:
        raise BadRequest(f"{name} must be ids")
    return [pk for pk in ids if pk is not None]


def _int(query: QueryDict, name: str, default: int, low: int, high: int) -> int:
    raw = query.get(name) or str(default)
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise BadRequest(f"{name} must be an integer from {low} to {high}")
    return int(raw)


def _decimal(query: QueryDict, name: str) -> Decimal | None:
    raw = query.get(name)
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise BadRequest(f"{name} must be a number") from exc
    if not value.is_finite() or value < 0:
        raise BadRequest(f"{name} must be a number ≥ 0")
    return value


def _like_pattern(text: str) -> str:
    """`%text%` with LIKE's wildcards escaped, as Django's icontains builds it."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(query: QueryDict) -> tuple[str, dict[str, Any]]:
    """The listing filters as one WHERE clause and its bound parameters."""
    clauses = ["p.is_active"]
    params: dict[str, Any] = {}
    if q := query.get("q", "").strip():
        if len(q) > 200:
            raise BadRequest("q is too long")
        # The expressions of the trigram indexes (catalog migration 0002), so they apply.
        clauses.append(
            "(UPPER(p.title::text) LIKE UPPER(%(q)s) OR UPPER(p.sku::text) LIKE UPPER(%(q)s)"
            " OR UPPER(p.description::text) LIKE UPPER(%(q)s))"
        )
        params["q"] = _like_pattern(q)
    if category := query.get("category"):
        clauses.append(
            "p.category_id IN (SELECT cc.id FROM catalog_category cc WHERE cc.path LIKE ("
            " SELECT c0.path FROM catalog_category c0 WHERE c0.slug = %(category)s OR c0.id = %(category_id)s"
            " ORDER BY c0.id LIMIT 1) || '%%')"
        )
        params["category"], params["category_id"] = category, _db_id(category)
    if manufacturer_ids := _ids(query, "manufacturerId"):
        clauses.append("p.manufacturer_id = ANY(%(manufacturer_ids)s)")
        params["manufacturer_ids"] = manufacturer_ids
    if country_ids := _ids(query, "countryId"):
        clauses.append("p.country_id = ANY(%(country_ids)s)")
        params["country_ids"] = country_ids
    if tags := _values(query, "tags"):
        clauses.append(
            "EXISTS (SELECT 1 FROM catalog_product_tags pt JOIN catalog_tag t ON t.id = pt.tag_id"
            " WHERE pt.product_id = p.id AND t.slug = ANY(%(tags)s))"
        )
        params["tags"] = tags
    if (price_from := _decimal(query, "priceFrom")) is not None:
        clauses.append("p.final_price >= %(price_from)s")
        params["price_from"] = price_from
    if (price_to := _decimal(query, "priceTo")) is not None:
        clauses.append("p.final_price <= %(price_to)s")
        params["price_to"] = price_to
    return " AND ".join(clauses), params


def _discounts_trail(price: Decimal, discounts_json: str | None) -> tuple[Decimal, list[dict[str, Any]]]:
    """Chain the discounts over the base price, with catalog.pricing's rounding rule."""
    running = price.quantize(CENT, rounding=ROUND_HALF_UP)
    if not discounts_json:
        return running, []
    trail = []
    for discount_id, name, kind, value_text in orjson.loads(discounts_json):
        value = Decimal(value_text)
        reduced = running - running * value / HUNDRED if kind == "percent" else running - value
        after = max(reduced.quantize(CENT, rounding=ROUND_HALF_UP), ZERO)
        trail.append(
            {
                "discountId": discount_id,
                "name": name,
                "type": kind,
                "value": _money_number(value),
                "priceBefore": _money_number(running),
                "priceAfter": _money_number(after),
            }
        )
        running = after
    return running, trail


def _product(row: tuple[Any, ...]) -> dict[str, Any]:
    (pk, slug, sku, title, description, price, currency, category_id, manufacturer_id, country_id,
     options, unit, attributes, images, tags, available, discounts) = row  # fmt: skip
    final, trail = _discounts_trail(price, discounts)
    return {
        "id": str(pk),
        "slug": slug,
        "sku": sku,
        "title": title,
        "description": description,
        "price": _money_number(final),
        "priceOriginal": _money_number(price),
        "currency": currency,
        "discountsApplied": trail,
        "categoryId": None if category_id is None else str(category_id),
        "manufacturerId": None if manufacturer_id is None else str(manufacturer_id),
        "countryId": None if country_id is None else str(country_id),
        "tags": tags,
        "options": orjson.Fragment(options),
        "unit": unit,
        "attributes": orjson.Fragment(attributes),
        "images": orjson.Fragment(images),
        "inStock": available > 0,
        "available": available,
    }


def _json_view(handler: Callable[..., tuple[int, Any]]) -> Callable[..., HttpResponse]:
    """Run `handler` → (status, body) and encode with orjson; a BadRequest becomes a 400."""

    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            status, body = handler(request, *args, **kwargs)
        except BadRequest as exc:
            return _error(400, "Bad Request", str(exc))
        if status == 404:
            return _error(404, "Not Found", "Product not found")
        return HttpResponse(orjson.dumps(body), status=status, content_type="application/json")

    view.__name__ = handler.__name__
    return view


@_json_view
def product_list(request: HttpRequest) -> tuple[int, Any]:
    """`GET /bench/baseline/products`: the `/products` contract in one query."""
    query = request.GET
    page = _int(query, "page", 1, 1, 10**9)
    limit = _int(query, "limit", 20, 1, 100)
    sort = query.get("sort") or DEFAULT_SORT
    if sort not in SORTS:
        raise BadRequest(f"sort must be one of {', '.join(SORTS)}")
    where, params = _where(query)
    sql = _LIST_SQL.format(columns=_PRODUCT_COLUMNS, where=where, order=SORTS[sort])
    params |= {"limit": limit, "offset": (page - 1) * limit}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    total = rows[0][0]
    # With an empty page the LEFT JOIN leaves one row of NULLs beside the count.
    items = [_product(row[1:]) for row in rows if row[1] is not None]
    return 200, {"items": items, "page": page, "limit": limit, "total": total}


@_json_view
def product_detail(request: HttpRequest, id_or_slug: str) -> tuple[int, Any]:
    """`GET /bench/baseline/products/<idOrSlug>`: one active product; an id wins over a slug."""
    with connection.cursor() as cursor:
        cursor.execute(_DETAIL_SQL, {"slug": id_or_slug, "id": _db_id(id_or_slug)})
        row = cursor.fetchone()
    if row is None:
        return 404, None
    return 200, _product(row)
