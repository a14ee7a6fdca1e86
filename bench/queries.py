"""`python -m bench.queries --state DIR --md FILE`: SQL queries per request, per endpoint.

Each scenario's request goes through Django's test client (all middleware, the bench
URLconf) against the bench database, once to warm (caches, lazy imports: the load sees the
steady state), then once inside `CaptureQueriesContext`. List endpoints are counted at
`limit=20` and at `limit=100` on a later page — a count that grows with the page size is
an N+1. The baseline's requests are counted too, and for every scenario that has one, the
app's and the baseline's JSON bodies must be equal (the floor does the same work).

Counted: every statement Django logs — BEGIN/COMMIT of `atomic()` blocks and savepoints
included (each is a round trip). Not counted: the `SELECT 1` that CONN_HEALTH_CHECKS sends
before the first query of each request under gunicorn (the test client skips it) — one extra
round trip for every endpoint and the baseline alike. Times are Django's, to the millisecond.

Writes DIR/queries.json for the report and a markdown listing of every statement to --md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import django

from bench.scenarios import SCENARIOS, Scenario

HOST = "127.0.0.1"
SQL_PREVIEW = 220


@dataclass
class Counted:
    label: str
    status: int
    queries: int
    db_ms: float
    statements: list[dict[str, Any]] = field(default_factory=list)


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()


def _requests(
    scenario: Scenario, fixtures: dict[str, Any], items: list[str]
) -> list[tuple[str, dict[str, Any]]]:
    """(label, request kwargs) for the app side of a scenario."""
    path = scenario.app_path(fixtures)
    if scenario.product_list:
        return [
            (f"{path}&page=1", {"path": f"{path}&page=1"}),
            ("limit=100, page 3", {"path": path.replace("limit=20", "limit=100") + "&page=3"}),
        ]
    if scenario.auth:
        auth = {"HTTP_AUTHORIZATION": f"Bearer {fixtures['token']}"}
        return [
            (path, {"path": path, **auth}),
            ("limit=100", {"path": path.replace("limit=20", "limit=100"), **auth}),
        ]
    if scenario.method == "POST":
        body = '{"phone":"+380971112233","clientId":"bench-queries","items":[' + ",".join(items[:3]) + "]}"
        key = f"bench-queries-{time.time_ns()}"
        post = {"path": path, "data": body, "content_type": "application/json", "HTTP_X_IDEMPOTENCY_KEY": key}
        return [("new order (3 lines)", post), ("same X-Idempotency-Key again (replay)", post)]
    return [(path, {"path": path})]


def _count(client: Any, method: str, kwargs: dict[str, Any], *, warm: bool) -> tuple[Counted, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call = client.post if method == "POST" else client.get
    if warm:
        call(**kwargs)
    with CaptureQueriesContext(connection) as captured:
        response = call(**kwargs)
    statements = [
        {"ms": round(float(q["time"]) * 1000, 2), "sql": q["sql"]} for q in captured.captured_queries
    ]
    counted = Counted(
        label="",
        status=response.status_code,
        queries=len(statements),
        db_ms=round(sum(s["ms"] for s in statements), 2),
        statements=statements,
    )
    return counted, response


def _baseline_kwargs(
    scenario: Scenario, fixtures: dict[str, Any], app_kwargs: dict[str, Any]
) -> dict[str, Any]:
    baseline = scenario.baseline_path(fixtures) or ""
    app = scenario.app_path(fixtures)
    return {"path": app_kwargs["path"].replace(app.split("?")[0], baseline.split("?")[0], 1)}


def count_all(state_dir: Path) -> dict[str, Any]:
    _setup_django()
    from django.test import Client, override_settings

    fixtures = json.loads((state_dir / "fixtures.json").read_text(encoding="utf-8"))
    items = [
        line for line in (state_dir / "order_items.jsonl").read_text(encoding="utf-8").splitlines() if line
    ]
    client = Client(HTTP_HOST=HOST)
    out: dict[str, Any] = {}
    with override_settings(ROOT_URLCONF="bench.urls"):
        for scenario in SCENARIOS:
            app_rows: list[Counted] = []
            baseline_rows: list[Counted] = []
            same_body: bool | None = None
            for index, (label, kwargs) in enumerate(_requests(scenario, fixtures, items)):
                # The replay must find the order the first POST made: no warm-up request for POSTs.
                counted, response = _count(client, scenario.method, kwargs, warm=scenario.method == "GET")
                counted.label = label
                app_rows.append(counted)
                if scenario.baseline:
                    base, base_response = _count(
                        client, "GET", _baseline_kwargs(scenario, fixtures, kwargs), warm=True
                    )
                    base.label = label
                    baseline_rows.append(base)
                    equal = response.status_code == base_response.status_code and (
                        json.loads(response.content) == json.loads(base_response.content)
                    )
                    same_body = equal if same_body is None else same_body and equal
                if index == 0 and counted.status >= 400:
                    raise RuntimeError(f"{scenario.name}: {counted.status} {response.content[:300]!r}")
            out[scenario.name] = {
                "label": scenario.label,
                "app": [asdict(row) for row in app_rows],
                "baseline": [asdict(row) for row in baseline_rows],
                "same_body": same_body,
            }
            counts = ", ".join(f"{row.queries}" for row in app_rows)
            base_counts = ", ".join(f"{row.queries}" for row in baseline_rows) or "-"
            print(
                f"  {scenario.name:<14} app queries {counts:<8} baseline {base_counts:<6} same body: {same_body}"
            )
    return out


def markdown(counts: dict[str, Any]) -> str:
    lines = [
        "# SQL per request",
        "",
        "Generated by `make bench` (`bench/queries.py`): every statement Django sent for one warm",
        "request of each endpoint (test client, bench database of 100k products), with its time.",
        "Not listed: the per-request `SELECT 1` of CONN_HEALTH_CHECKS under gunicorn. Times are",
        "Django's, rounded to the millisecond.",
        "",
    ]
    for name, entry in counts.items():
        lines += [f"## {entry['label']} (`{name}`)", ""]
        if entry["same_body"] is not None:
            lines += [f"Same JSON as the baseline: **{'yes' if entry['same_body'] else 'NO'}**", ""]
        for side in ("app", "baseline"):
            for row in entry[side]:
                lines += [
                    f"**{side}** — {row['label']}: HTTP {row['status']}, **{row['queries']} queries**, "
                    f"{row['db_ms']} ms in the database",
                    "",
                ]
                if side == "app":
                    lines += [
                        f"{i}. `{s['ms']} ms` `{_preview(s['sql'])}`"
                        for i, s in enumerate(row["statements"], 1)
                    ]
                    lines.append("")
    return "\n".join(lines)


def _preview(sql: str) -> str:
    flat = " ".join(sql.split()).replace("`", "'")
    return flat if len(flat) <= SQL_PREVIEW else flat[:SQL_PREVIEW] + " …"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", type=Path, required=True)
    parser.add_argument("--md", type=Path, help="write the statement listing here")
    args = parser.parse_args(argv)
    counts = count_all(args.state)
    (args.state / "queries.json").write_text(
        json.dumps(counts, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    if args.md:
        args.md.write_text(markdown(counts), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
