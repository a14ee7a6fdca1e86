"""`python -m bench.explain --out FILE`: EXPLAIN ANALYZE of every product-list filter on the bench data.

For each filter and sort of `GET /products`, the request goes through the app (test client)
and the statements it actually sent are captured — Django's psycopg cursors bind on the
client, so the captured SQL is exactly what PostgreSQL ran. The statements that read the
products table (the count and the page) are then run again under
`EXPLAIN (ANALYZE, BUFFERS)`, twice, keeping the second (warm cache, as under load), and
timed as the best of 3 runs under `EXPLAIN (ANALYZE, TIMING OFF)`.
Writes a markdown file: a summary table, then every plan.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from urllib.parse import quote

import django

HOST = "127.0.0.1"


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()


def _cases() -> list[tuple[str, str]]:
    """(what, query string) for every filter and sort alone, then combinations and a deep page."""
    from catalog.models import Country, Manufacturer

    gc = Manufacturer.objects.get(slug="gc").pk
    three_m = Manufacturer.objects.get(slug="3m").pk
    ua = Country.objects.get(code="UA").pk
    return [
        ("no filter, default sort (-createdAt)", "limit=20"),
        ("sort=price", "limit=20&sort=price"),
        ("sort=-price", "limit=20&sort=-price"),
        ("sort=title", "limit=20&sort=title"),
        ("sort=-title", "limit=20&sort=-title"),
        ("sort=createdAt", "limit=20&sort=createdAt"),
        ("q=композит (a word of many titles)", f"limit=20&q={quote('композит')}"),
        ("q=BULK-0999 (a SKU fragment)", "limit=20&q=BULK-0999"),
        ("q=xyzzy (no match)", "limit=20&q=xyzzy"),
        ("category=terapiia (a subtree of 5 categories)", "limit=20&category=terapiia"),
        ("category=kompozyty (one leaf)", "limit=20&category=kompozyty"),
        ("manufacturerId (one)", f"limit=20&manufacturerId={gc}"),
        ("manufacturerId (two)", f"limit=20&manufacturerId={gc}&manufacturerId={three_m}"),
        ("countryId", f"limit=20&countryId={ua}"),
        ("tags[]=khit", "limit=20&tags[]=khit"),
        ("priceFrom=100&priceTo=2000", "limit=20&priceFrom=100&priceTo=2000"),
        ("priceFrom=4900 (the top 2 %)", "limit=20&priceFrom=4900"),
        (
            "manufacturerId + priceFrom/priceTo + sort=-price (the load's filtered list)",
            f"limit=20&manufacturerId={gc}&priceFrom=100&priceTo=2000&sort=-price",
        ),
        ("category=terapiia + sort=price", "limit=20&category=terapiia&sort=price"),
        ("tags[]=khit + sort=title", "limit=20&tags[]=khit&sort=title"),
        ("page=500 (OFFSET 9980)", "limit=20&page=500"),
    ]


def _product_statements(statements: list[str]) -> list[tuple[str, str]]:
    """(role, sql) for the statements that scan the products table: the count and the page."""
    picked = []
    for sql in statements:
        head = sql[:200]
        if head.startswith("SELECT COUNT(*)") and '"catalog_product"' in sql:
            picked.append(("count", sql))
        elif re.match(r'SELECT "catalog_product"\."id"', head) and " LIMIT " in sql:
            picked.append(("page", sql))
    return picked


def _explain(sql: str) -> tuple[str, float]:
    """The warm plan with per-node timings, and the statement's time without them.

    Per-node timing reads the clock for every row, which inflates a 100k-row count several
    fold on this VM, so the time reported is the best of 3 runs under TIMING OFF.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        for _ in range(2):  # the second run is the warm one
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        times = []
        for _ in range(3):
            cursor.execute(f"EXPLAIN (ANALYZE, TIMING OFF) {sql}")
            text = "\n".join(row[0] for row in cursor.fetchall())
            match = re.search(r"Execution Time: ([\d.]+) ms", text)
            times.append(float(match.group(1)) if match else 0.0)
    return plan, min(times)


def _main_scans(plan: str) -> str:
    """The scan nodes of a plan, in order, e.g. `Index Only Scan using product_active_price`."""
    scans = []
    for line in plan.splitlines():
        node = line.strip().lstrip("->").strip()
        if "Scan" in node and not node.startswith(("Buffers", "Index Cond", "Filter")):
            name = node.split("  (")[0]
            if name not in scans:
                scans.append(name)
    return "; ".join(scans[:4])


def explain_all() -> str:
    _setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from catalog.caching import listing_changed

    client = Client(HTTP_HOST=HOST)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE is_active) FROM catalog_product")
        products, active = cursor.fetchone()
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    summary = [
        "| filter | queries (total not cached) | count: ms, plan | page: ms, plan |",
        "|---|---:|---|---|",
    ]
    details: list[str] = []
    for what, query in _cases():
        path = f"/products?{query}"
        client.get(path)  # warm
        # A new listing version: the total is counted again, so its statement is captured too.
        listing_changed()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code} {response.content[:200]!r}")
        statements = [q["sql"] for q in captured.captured_queries]
        cells: dict[str, str] = {"count": "—", "page": "—"}
        details += [
            f"## {what}",
            "",
            f"`GET {path}` → {len(statements)} queries, total {response.json()['total']}",
            "",
        ]
        for role, sql in _product_statements(statements):
            plan, ms = _explain(sql)
            cells[role] = f"{ms:.1f} ms: {_main_scans(plan)}"
            details += [
                f"### {role}: {ms:.2f} ms (best of 3, TIMING OFF)",
                "",
                "```sql",
                sql,
                "```",
                "",
                "```",
                plan,
                "```",
                "",
            ]
        summary.append(f"| {what} | {len(statements)} | {cells['count']} | {cells['page']} |")
    header = [
        "# EXPLAIN ANALYZE of the product list, per filter",
        "",
        f"Generated by `make bench` (`bench/explain.py`) on PostgreSQL {version}, {products:,} products "
        f"({active:,} active), after VACUUM ANALYZE. Each statement is the app's own, captured from "
        "`GET /products?...` with the listing total not cached (under load it is: the page alone runs), run twice under `EXPLAIN (ANALYZE, BUFFERS)`; the second (warm) plan is shown. The times "
        "in the table are the best of 3 runs with `TIMING OFF` (per-node clocks inflate big scans).",
        "",
    ]
    return "\n".join([*header, *summary, "", *details])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    args.out.write_text(explain_all(), encoding="utf-8")
    print(f"  EXPLAIN ANALYZE → {args.out}")


if __name__ == "__main__":
    sys.exit(main())
