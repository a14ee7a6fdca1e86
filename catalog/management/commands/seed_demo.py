"""`manage.py seed_demo [--products N]`: the demo catalog, and optionally N bulk products."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from catalog.demo import demo_catalog_seed, demo_products_bulk_seed


class Command(BaseCommand):
    help = "Create or update the deterministic demo catalog; --products N adds N bulk products."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--products",
            type=int,
            default=0,
            help="Also ensure N bulk products BULK-000001..N exist (fast bulk inserts).",
        )
        parser.add_argument("--batch-size", type=int, default=5000, help="Rows per bulk insert.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        result = demo_catalog_seed()
        self.stdout.write(
            f"demo catalog: {result.categories} categories, {result.manufacturers} manufacturers, "
            f"{result.countries} countries, {result.tags} tags, {result.products} products, "
            f"{result.discounts} discounts"
        )
        if not result.stock_set:
            self.stdout.write("stock: skipped (inventory.services.stock_set is not available)")
        count = options["products"]
        if count > 0:
            created = demo_products_bulk_seed(
                count=count, batch_size=options["batch_size"], progress=self._progress
            )
            self.stdout.write("")
            self.stdout.write(f"bulk products: {created} created, {count - created} already there")
        self.stdout.write(self.style.SUCCESS(f"done in {time.monotonic() - started:.1f}s"))

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // total
        bar = "#" * filled + "-" * (width - filled)
        self.stdout.write(f"\r[{bar}] {done}/{total} ({100 * done // total}%)", ending="")
        self.stdout.flush()
