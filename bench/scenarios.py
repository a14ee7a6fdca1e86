"""What the bench drives: every scenario once against the app and, where one exists, its baseline.

Paths are templates filled from the fixtures `bench.fixtures` writes (`{gc}` is the id of
manufacturer "gc", ...). The same list feeds the load runs (`bench.load`), the query
counts (`bench.queries`) and the report, so a scenario added here shows up everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

BASELINE_PREFIX = "/bench/baseline"


@dataclass(frozen=True)
class Scenario:
    name: str
    label: str  # the endpoint as the table shows it
    method: str
    path: str  # app path; a template over the fixtures
    mode: str  # how bench/wrk/bench.lua builds each request: plain, list, detail, orders
    # The same request against the raw baseline (`bench.baseline`), when it has this contract.
    baseline: str | None = None
    read: bool = True  # reads carry the p99 < 100 ms target
    product_list: bool = False  # carries the ≤ 4 queries and ≥ 0.5× baseline targets
    auth: bool = False  # sends the bench customer's bearer token

    def app_path(self, fixtures: dict[str, Any]) -> str:
        return self.path.format(**fixtures)

    def baseline_path(self, fixtures: dict[str, Any]) -> str | None:
        return self.baseline.format(**fixtures) if self.baseline else None


def _list(name: str, label: str, query: str) -> Scenario:
    # The list mode adds a random `&page=1..10` to every request: the same pages for app and baseline.
    return Scenario(
        name=name,
        label=label,
        method="GET",
        path=f"/products?{query}",
        baseline=f"{BASELINE_PREFIX}/products?{query}",
        mode="list",
        product_list=True,
    )


SCENARIOS: list[Scenario] = [
    _list("list", "GET /products?limit=20", "limit=20"),
    _list("list_price", "GET /products?limit=20&sort=price", "limit=20&sort=price"),
    _list(
        "list_filtered",
        "GET /products?limit=20&manufacturerId=…&priceFrom=100&priceTo=2000&sort=-price",
        "limit=20&manufacturerId={gc}&priceFrom=100&priceTo=2000&sort=-price",
    ),
    _list("list_category", "GET /products?limit=20&category=terapiia", "limit=20&category=terapiia"),
    _list("list_tags", "GET /products?limit=20&tags[]=khit&sort=title", "limit=20&tags[]=khit&sort=title"),
    _list(
        "list_search",
        "GET /products?limit=20&q=композит",
        "limit=20&q=%D0%BA%D0%BE%D0%BC%D0%BF%D0%BE%D0%B7%D0%B8%D1%82",
    ),
    Scenario(
        name="detail",
        label="GET /products/:slug",
        method="GET",
        path="/products/{slug}",  # for the query count; the detail mode picks a random slug per request
        baseline=f"{BASELINE_PREFIX}/products/{{slug}}",
        mode="detail",
    ),
    Scenario(
        name="me_orders",
        label="GET /me/orders?limit=20",
        method="GET",
        path="/me/orders?limit=20",
        mode="plain",
        auth=True,
    ),
    Scenario(
        name="place_order",
        label="POST /orders (3 lines, idempotency key)",
        method="POST",
        path="/orders",
        mode="orders",
        read=False,
    ),
]

SCENARIOS_BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}
# Rows without a same-contract baseline are compared with the floor of the default list.
FLOOR_SCENARIO = "list"
