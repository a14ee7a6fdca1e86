"""`python -m bench.fixtures STATE_DIR`: what the load needs, after `seed_demo --products N`.

Writes into STATE_DIR:

- `fixtures.json` — the values the scenario paths are filled with (`bench.scenarios`) and
  the bench customer's bearer token;
- `order_items.jsonl` — one Storefront order item per line (a stocked demo product, priced
  by `GET /products/<id>` exactly as the SPA would read it, options chosen), for wrk;
- `slugs.txt` — active bulk product slugs for `GET /products/:slug`.

And in the database: stock high enough that `POST /orders` never runs out (bulk products
have no stock rows, so orders use the demo products), a customer with orders for
`GET /me/orders`, then `VACUUM ANALYZE` — the steady state autovacuum reaches in production
(fresh bulk inserts leave the visibility map empty, which makes every count a heap scan).

Idempotent: run it again and it changes nothing but the token.
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path
from typing import Any

import django

BENCH_STOCK = 1_000_000  # units per stocked demo product: ≫ what a bench run can order
CUSTOMER_EMAIL = "bench@storefront.local"
CUSTOMER_PHONE = "+380501112233"
CUSTOMER_ORDERS = 30  # more than one page of /me/orders?limit=20
SLUG_SAMPLE = 5000
HOST = "127.0.0.1"  # in ALLOWED_HOSTS of the bench's production settings


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()


def stock_raise() -> list[int]:
    """Give every active demo product plenty of stock; return their ids."""
    from catalog.models import Product
    from inventory.services import stock_set

    ids = list(
        Product.objects.filter(sku__startswith="DEMO-", is_active=True)
        .order_by("id")
        .values_list("id", flat=True)
    )
    for product_id in ids:
        stock_set(product_id=product_id, on_hand=BENCH_STOCK, reason="bench")
    return ids


def customer_with_orders(product_ids: list[int]) -> Any:
    """The bench customer, with CUSTOMER_ORDERS orders of 1–3 lines (idempotency keys: re-runs replay)."""
    import secrets

    from accounts.models import User
    from accounts.services import user_register
    from catalog.models import Product
    from orders.services import OrderItemInput, order_place

    user = User.objects.filter(email=CUSTOMER_EMAIL).first() or user_register(
        password=secrets.token_urlsafe(24), email=CUSTOMER_EMAIL, phone=CUSTOMER_PHONE, first_name="Bench"
    )
    options = dict(Product.objects.filter(pk__in=product_ids).values_list("id", "options"))
    rng = random.Random(CUSTOMER_ORDERS)  # noqa: S311 - fixture data, not security
    for number in range(CUSTOMER_ORDERS):
        chosen = rng.sample(product_ids, rng.randint(1, 3))
        order_place(
            items=[
                OrderItemInput(product_id=pk, quantity=1, options=_first_options(options[pk] or {}))
                for pk in chosen
            ],
            phone=CUSTOMER_PHONE,
            client_id="bench-setup",
            customer=user,
            idempotency_key=f"bench-setup-{number}",
        )
    return user


def _first_options(options: dict[str, list[Any]]) -> dict[str, Any]:
    """A fully chosen variant: the first value of every option (placement requires all of them)."""
    return {key: values[0] for key, values in options.items() if values}


def order_items(product_ids: list[int]) -> list[str]:
    """One JSON item per stocked product, from `GET /products/<id>` (prices must match: else 409)."""
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    items = []
    for product_id in product_ids:
        response = client.get(f"/products/{product_id}")
        if response.status_code != 200:
            raise RuntimeError(
                f"GET /products/{product_id}: {response.status_code} {response.content[:200]!r}"
            )
        product = response.json()
        item = {
            "productId": product["id"],
            "sku": product["sku"],
            "quantity": 1,
            "price": product["price"],
            "title": product["title"],
            "options": _first_options(product["options"]),
        }
        items.append(json.dumps(item, ensure_ascii=False, separators=(",", ":")))
    return items


def bulk_slugs() -> list[str]:
    from catalog.models import Product

    slugs = list(
        Product.objects.filter(sku__startswith="BULK-", is_active=True).values_list("slug", flat=True)
    )
    if not slugs:
        raise RuntimeError("no bulk products: run `manage.py seed_demo --products N` first")
    rng = random.Random(SLUG_SAMPLE)  # noqa: S311 - fixture data, not security
    return rng.sample(slugs, min(SLUG_SAMPLE, len(slugs)))


def main(state_dir: Path) -> None:
    _setup_django()
    from django.db import connection

    from accounts.services import tokens_issue
    from catalog.models import Manufacturer

    product_ids = stock_raise()
    if len(product_ids) < 3:
        raise RuntimeError("the demo catalog is missing: run `manage.py seed_demo` first")
    user = customer_with_orders(product_ids)
    items = order_items(product_ids)
    slugs = bulk_slugs()
    fixtures = {
        "gc": Manufacturer.objects.get(slug="gc").pk,
        "slug": slugs[0],
        "token": tokens_issue(user=user).access_token,
        "stocked_products": len(product_ids),
    }
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / "order_items.jsonl").write_text("\n".join(items) + "\n", encoding="utf-8")
    (state_dir / "slugs.txt").write_text("\n".join(slugs) + "\n", encoding="utf-8")
    (state_dir / "fixtures.json").write_text(json.dumps(fixtures, indent=2), encoding="utf-8")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    print(
        f"fixtures: {len(product_ids)} stocked products, customer #{user.pk} with {CUSTOMER_ORDERS} orders, "
        f"{len(slugs)} slugs, VACUUM ANALYZE done"
    )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m bench.fixtures STATE_DIR")
    main(Path(sys.argv[1]))
