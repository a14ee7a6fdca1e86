"""`python -m bench.report --state DIR --out bench/results.md`: the markdown table of a bench run.

Reads DIR/load.json (bench.load) and DIR/queries.json (bench.queries), adds the machine and
the software it ran on, checks the issue's targets, prints the result and writes it to --out.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import django

from bench.scenarios import FLOOR_SCENARIO, SCENARIOS, SCENARIOS_BY_NAME

P99_TARGET_MS = 100.0
LIST_RATIO_TARGET = 0.5
LIST_QUERIES_TARGET = 4
ORDERS_RPS_TARGET = 200.0
NOISY_PCT = 10.0
PG_SETTINGS = ("shared_buffers", "effective_cache_size", "work_mem", "random_page_cost", "max_connections")


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()


def _command_output(command: list[str]) -> str:
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (completed.stdout or completed.stderr).strip()


def machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in _command_output(["lscpu"]).splitlines()
            if line.startswith("Model name")
        ),
        platform.processor() or "unknown",
    )
    mem_kb = next(
        (
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    return {
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "memory": f"{mem_kb / 1024 / 1024:.0f} GiB",
        "kernel": platform.release(),
        "python": platform.python_version(),
        # "wrk debian/4.1.0-3+b2 [epoll] Copyright ..." → "wrk debian/4.1.0-3+b2"
        "wrk": " ".join(_command_output(["wrk", "-v"]).split()[:2]) or "wrk ?",
    }


def software() -> dict[str, str]:
    import gunicorn
    import redis
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
        pg_settings = []
        for name in PG_SETTINGS:
            cursor.execute(f"SHOW {name}")
            pg_settings.append(f"{name}={cursor.fetchone()[0]}")
    redis_version = "?"
    if getattr(settings, "REDIS_URL", None):
        redis_version = redis.Redis.from_url(settings.REDIS_URL).info("server").get("redis_version", "?")
    return {
        "django": django.get_version(),
        "postgresql": pg_version.split()[0],
        "pg_settings": ", ".join(pg_settings),
        "redis": redis_version,
        "gunicorn": gunicorn.__version__,
    }


def catalog_size() -> tuple[int, int]:
    from catalog.models import Product

    return Product.objects.count(), Product.objects.filter(is_active=True).count()


def orders_created(run_id: str) -> int:
    """Orders the measured POST /orders run placed (bench.lua's clientId carries the run id)."""
    from orders.models import Order

    return Order.objects.filter(client_id__startswith=f"bench-{run_id}-").count()


def _idle_rps(row: dict[str, Any], cpus: int) -> str:
    total = sum((row.get("cpu_ms") or {}).values())
    return f"{cpus * 1000 / total:.0f}" if total > 0 else "?"


def _cpu_total(row: dict[str, Any]) -> float:
    return sum((row.get("cpu_ms") or {}).values())


def _other_load(row: dict[str, Any]) -> str:
    value = row.get("other_load_pct")
    if value is None:
        return "?"
    return f"{value:.0f} %" + (" ⚠" if value > NOISY_PCT else "")


def _errors(row: dict[str, Any]) -> int:
    return row["non_2xx"] + sum(count for kind, count in row["errors"].items() if kind != "status")


def _queries_cell(entry: dict[str, Any] | None, side: str) -> str:
    if not entry or not entry[side]:
        return "—"
    counts = [row["queries"] for row in entry[side]]
    if len(counts) == 1:
        return str(counts[0])
    labels = [row["label"] for row in entry[side]]
    if "replay" in labels[-1]:
        return f"{counts[0]} (replay: {counts[1]})"
    return (
        f"{counts[0]} (limit=100: {counts[1]})" if len(set(counts)) > 1 else f"{counts[0]} (limit=100: same)"
    )


def build(state_dir: Path, *, seed_seconds: float | None, workers: int | None) -> str:
    _setup_django()
    load = json.loads((state_dir / "load.json").read_text(encoding="utf-8"))
    queries_path = state_dir / "queries.json"
    queries = json.loads(queries_path.read_text(encoding="utf-8")) if queries_path.exists() else {}
    rows = load["results"]
    by_key = {(row["scenario"], row["target"]): row for row in rows}
    info = machine() | software()
    products, active = catalog_size()
    first = rows[0] if rows else {"duration_s": 0, "connections": 0}

    lines = [
        "# Bench results",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `make bench` (`scripts/bench.sh`).",
        "",
        f"- **Machine**: {info['cpus']} CPUs ({info['cpu']}), {info['memory']} RAM, Linux {info['kernel']}; "
        "load generator, gunicorn, PostgreSQL and Redis all share these cores.",
        f"- **Software**: Python {info['python']}, Django {info['django']}, gunicorn {info['gunicorn']} "
        f"(sync, {workers or '?'} workers = nproc), PostgreSQL {info['postgresql']} ({info['pg_settings']}, "
        f"fsync off), Redis {info['redis']}, {info['wrk']}.",
        f"- **Data**: {products:,} products ({active:,} active); `seed_demo --products 100000` took "
        f"{seed_seconds:.0f} s."
        if seed_seconds is not None
        else f"- **Data**: {products:,} products ({active:,} active).",
        f"- **Load**: wrk, 1 thread, {first['connections']} connections, {first['duration_s']:.0f} s per run after a "
        "warm-up; app and baseline back to back in the same run. Lists walk pages 1–10 at random; "
        "the detail reads random active products; orders are 3 random stocked products each with a unique "
        "X-Idempotency-Key. No Celery worker runs (placement enqueues its notifications to Redis).",
        "- **CPU ms / request**: CPU time of gunicorn (web) and PostgreSQL (db) per request during the run, "
        "from /proc; it holds when the box is shared. **Idle-box req/s** = "
        f"{info['cpus']} × 1000 / (web + db + Redis + wrk CPU ms per request): the rate these cores sustain "
        "with nothing else running. **Other load**: the share of the CPU that processes outside the bench "
        f"used during the run (another session's test suite on the same cores); above {NOISY_PCT:.0f} % "
        "(⚠) the measured req/s and latencies are depressed by it and the CPU columns are the ones to compare.",
        "",
        "| endpoint | served by | req/s | p50 ms | p95 ms | p99 ms | CPU ms / request: web + db | idle-box req/s "
        "| SQL queries / request | × baseline req/s | errors | other load |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    floor = by_key.get((FLOOR_SCENARIO, "baseline"))
    for scenario in SCENARIOS:
        app = by_key.get((scenario.name, "app"))
        if app is None:
            continue
        baseline = by_key.get((scenario.name, "baseline"))
        entry = queries.get(scenario.name)
        if baseline:
            ratio = f"{app['rps'] / baseline['rps']:.2f}×" if baseline["rps"] else "—"
        elif floor:
            ratio = f"{app['rps'] / floor['rps']:.2f}× of list floor" if floor["rps"] else "—"
        else:
            ratio = "—"
        for row, served, queries_cell, ratio_cell in (
            (app, "app", _queries_cell(entry, "app"), ratio),
            (baseline, "baseline", _queries_cell(entry, "baseline"), "1.00×"),
        ):
            if row is None:
                continue
            latency = row["latency_ms"]
            cpu_ms = row.get("cpu_ms") or {}
            lines.append(
                f"| {scenario.label if served == 'app' else '〃'} | {served} | {row['rps']:.0f} | "
                f"{latency['p50']:.0f} | {latency['p95']:.0f} | {latency['p99']:.0f} | "
                f"{cpu_ms.get('web', 0):.1f} + {cpu_ms.get('db', 0):.1f} | {_idle_rps(row, int(info['cpus']))} | "
                f"{queries_cell} | {ratio_cell} | {_errors(row)} | {_other_load(row)} |"
            )
    lines += ["", *targets(rows, by_key, queries, load["run_id"]), ""]
    same = [name for name, entry in queries.items() if entry.get("same_body") is False]
    lines.append(
        "The baseline answered the same JSON as the app for every scenario it serves."
        if not same
        else f"**The baseline's JSON differed from the app's for: {', '.join(same)}** (see bench/QUERIES.md)."
    )
    lines += [
        "",
        "Details: SQL per request in `bench/QUERIES.md`, EXPLAIN ANALYZE per list filter in "
        "`bench/EXPLAIN.md`, profiles in `bench/profiles/`; analysis in `bench/README.md`.",
        "",
    ]
    return "\n".join(lines)


def targets(
    rows: list[dict[str, Any]],
    by_key: dict[tuple[str, str], dict[str, Any]],
    queries: dict[str, Any],
    run_id: str,
) -> list[str]:
    """The issue's targets, each with the measured value and a verdict."""
    out = ["| target | measured | met |", "|---|---|:---:|"]

    def verdict(ok: bool) -> str:
        return "✅" if ok else "❌"

    for scenario in SCENARIOS:
        if not scenario.product_list or (scenario.name, "app") not in by_key:
            continue
        app, baseline = by_key[(scenario.name, "app")], by_key.get((scenario.name, "baseline"))
        if baseline and baseline["rps"]:
            ratio = app["rps"] / baseline["rps"]
            # The same ratio from CPU cost per request: what an idle box would show.
            cpu_ratio = _cpu_total(baseline) / _cpu_total(app) if _cpu_total(app) else 0.0
            out.append(
                f"| `{scenario.name}` ≥ {LIST_RATIO_TARGET}× baseline req/s | measured {ratio:.2f}× "
                f"({app['rps']:.0f} vs {baseline['rps']:.0f} req/s); by CPU cost {cpu_ratio:.2f}× | "
                f"{verdict(ratio >= LIST_RATIO_TARGET and cpu_ratio >= LIST_RATIO_TARGET)} |"
            )
        if scenario.name in queries:
            worst = max(row["queries"] for row in queries[scenario.name]["app"])
            out.append(
                f"| `{scenario.name}` ≤ {LIST_QUERIES_TARGET} queries whatever limit | {worst} | "
                f"{verdict(worst <= LIST_QUERIES_TARGET)} |"
            )
    orders = by_key.get(("place_order", "app"))
    if orders:
        created = orders_created(run_id)
        statuses = ", ".join(f"{code}: {count}" for code, count in orders["statuses"].items())
        ok = orders["rps"] >= ORDERS_RPS_TARGET and _errors(orders) == 0
        out.append(
            f"| POST /orders ≥ {ORDERS_RPS_TARGET:.0f} orders/s, zero errors | {orders['rps']:.0f} orders/s "
            f"(idle box: {_idle_rps(orders, os.cpu_count() or 1)}), "
            f"{_errors(orders)} errors ({statuses}; {created} orders in the database, those in flight "
            f"when wrk stopped included) | {verdict(ok)} |"
        )
    for row in rows:
        scenario = SCENARIOS_BY_NAME[row["scenario"]]
        if row["target"] == "app" and scenario.read:
            p99 = row["latency_ms"]["p99"]
            out.append(
                f"| `{scenario.name}` p99 < {P99_TARGET_MS:.0f} ms at {row['connections']} clients | "
                f"{p99:.0f} ms | {verdict(p99 < P99_TARGET_MS)} |"
            )
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed-seconds", type=float)
    parser.add_argument("--workers", type=int)
    args = parser.parse_args(argv)
    text = build(args.state, seed_seconds=args.seed_seconds, workers=args.workers)
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    sys.exit(main())
