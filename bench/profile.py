"""`python -m bench.profile --state DIR --out DIR [--base-url URL --gunicorn-pid PID]`: the hot paths.

Two views of the same requests:

- pyinstrument, in process: N requests per scenario through Django's test client (the real
  middleware, views, serializers and queries; no HTTP server). Wall-clock, so time waiting
  on PostgreSQL shows up under the psycopg frames that waited. Writes `<name>.pyinstrument.txt`:
  the call tree (frames ≥ 1 %) and the top functions by self time.
- py-spy, in the server: with --gunicorn-pid, samples every gunicorn worker (100 Hz) while wrk loads
  the app (`--subprocesses --idle`: time blocked on the database counts too), and writes
  `<name>.py-spy.txt`: top functions by self and by inclusive samples, and the share of
  time in the database driver, DRF, Django's handler/middleware and the app's own code.

Both run outside the measured load, so they never slow the numbers in the table.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import django

from bench.load import wrk
from bench.scenarios import SCENARIOS_BY_NAME

HOST = "127.0.0.1"
# Scenario → requests profiled in process (enough samples for a stable picture, a few seconds each).
IN_PROCESS = {"list": 150, "list_category": 60, "detail": 300, "me_orders": 200, "place_order": 150}
UNDER_LOAD = ("list", "place_order")
TOP = 30
# Leaf frames where a worker waits on a socket (the database, Redis, the next connection), not on CPU.
BLOCKING = (
    "Connection.wait (psycopg",
    "_execute_send (psycopg",
    "wait_for_signals",
    "accept (gunicorn",
    "select (selectors.py",
    "_read_from_socket (redis",
    "send_packed_command (redis",
    "write (gunicorn/util.py",
)

# Where a sample's time goes, by the first matching frame from the leaf up (py-spy view).
BUCKETS: list[tuple[str, tuple[str, ...]]] = [
    ("PostgreSQL (psycopg: waiting + driver)", ("psycopg/",)),
    ("Redis / Celery publish", ("redis/", "kombu/", "celery/")),
    ("JSON encoding (DRF renderer)", ("rest_framework/renderers.py", "json/encoder.py")),
    ("Django ORM (SQL compile, model init)", ("django/db/",)),
    ("DRF (request, parsers, serializers, fields)", ("rest_framework/",)),
    (
        "app code (accounts, catalog, orders, inventory, notifications, ...)",
        ("/accounts/", "/catalog/", "/orders/", "/inventory/", "/notifications/", "/payments/", "/config/"),
    ),
    ("Django handler, middleware, urls, i18n", ("django/",)),
    ("gunicorn (accept, parse, write)", ("gunicorn/",)),
]


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()


def _request_makers(state_dir: Path, fixtures: dict[str, Any]) -> dict[str, Callable[[Any, int], Any]]:
    """Scenario → a function (client, i) that makes its i-th request, like bench.lua does."""
    items = [
        line for line in (state_dir / "order_items.jsonl").read_text(encoding="utf-8").splitlines() if line
    ]
    slugs = (state_dir / "slugs.txt").read_text(encoding="utf-8").split()
    rng = random.Random(7)  # noqa: S311 - load shape, not security
    auth = {"HTTP_AUTHORIZATION": f"Bearer {fixtures['token']}"}

    def listing(name: str) -> Callable[[Any, int], Any]:
        path = SCENARIOS_BY_NAME[name].app_path(fixtures)
        return lambda client, i: client.get(f"{path}&page={rng.randint(1, 10)}")

    def place_order(client: Any, i: int) -> Any:
        lines = ",".join(rng.sample(items, 3))
        body = f'{{"phone":"+380971112233","clientId":"bench-profile","items":[{lines}]}}'
        key = f"bench-profile-{os.getpid()}-{rng.random()}-{i}"
        return client.post("/orders", body, content_type="application/json", HTTP_X_IDEMPOTENCY_KEY=key)

    return {
        "list": listing("list"),
        "list_category": listing("list_category"),
        "detail": lambda client, i: client.get(f"/products/{rng.choice(slugs)}"),
        "me_orders": lambda client, i: client.get("/me/orders?limit=20", **auth),
        "place_order": place_order,
    }


def in_process(state_dir: Path, out_dir: Path) -> None:
    _setup_django()
    from django.test import Client
    from pyinstrument import Profiler

    fixtures = json.loads((state_dir / "fixtures.json").read_text(encoding="utf-8"))
    makers = _request_makers(state_dir, fixtures)
    client = Client(HTTP_HOST=HOST)
    for name, count in IN_PROCESS.items():
        make = makers[name]
        for i in range(5):  # warm: imports, lazy caches, the connection
            _check(make(client, i), name)
        started = time.perf_counter()
        for i in range(count):
            _check(make(client, i), name)
        plain_ms = (time.perf_counter() - started) * 1000 / count
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for i in range(count):
            _check(make(client, i), name)
        session = profiler.stop()
        per_request_ms = session.duration * 1000 / count
        header = (
            f"# pyinstrument, in process (Django test client, no HTTP server): {name}, {count} requests, "
            f"{plain_ms:.1f} ms wall per request unprofiled, {per_request_ms:.1f} ms under the profiler\n\n"
        )
        tree = profiler.output_text(unicode=True, color=False, processor_options={"filter_threshold": 0.01})
        flat = profiler.output_text(unicode=True, color=False, flat=True, flat_time="self")
        flat_top = "\n".join(flat.splitlines()[: TOP + 8])
        text = f"{header}## Call tree (frames ≥ 1 %)\n\n{tree}\n## Top functions by self time\n\n{flat_top}\n"
        (out_dir / f"{name}.pyinstrument.txt").write_text(text, encoding="utf-8")
        print(
            f"  pyinstrument {name}: {plain_ms:.1f} ms/request ({per_request_ms:.1f} profiled)"
            f" → {out_dir / (name + '.pyinstrument.txt')}"
        )


def _check(response: Any, name: str) -> None:
    if response.status_code >= 400:
        raise RuntimeError(f"{name}: {response.status_code} {response.content[:300]!r}")


def _frame_label(frame: str) -> str:
    """py-spy's `func (path/to/file.py:12)` → `func (pkg/file.py:12)`: site-packages and the repo stripped."""
    for marker in ("site-packages/", "/work/main/", os.getcwd() + "/"):
        if marker in frame:
            head, _, tail = frame.partition("(")
            return head + "(" + tail.split(marker, 1)[-1]
    return frame


def summarize_collapsed(raw_path: Path, title: str) -> str:
    """Top self / inclusive functions and time buckets from py-spy's collapsed stacks."""
    self_counts: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    buckets: Counter[str] = Counter()
    on_cpu: Counter[str] = Counter()
    total = 0
    for line in raw_path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [frame for frame in stack.split(";") if frame]
        # py-spy puts "process 123:..." / thread frames first with --subprocesses: skip non-code frames.
        code = [frame for frame in frames if "(" in frame and ".py" in frame]
        # Workers only: the arbiter (master) just sleeps in wait_for_signals.
        if not any("Worker.init_process" in frame for frame in code):
            continue
        total += count
        self_counts[_frame_label(code[-1])] += count
        for frame in set(code):
            inclusive[_frame_label(frame)] += count
        buckets[_bucket(code)] += count
        if not any(wait in _frame_label(code[-1]) for wait in BLOCKING):
            on_cpu[_bucket(code)] += count
    if not total:
        return f"# {title}\n\nno samples\n"
    lines = [
        f"# {title}",
        "",
        f"{total} samples of the gunicorn workers at 100 Hz (time blocked on I/O included)",
        "",
    ]
    lines += ["## Where the time goes (leaf-most matching frame)", "", "| share | bucket |", "|---:|---|"]
    lines += [f"| {100 * n / total:5.1f} % | {bucket} |" for bucket, n in buckets.most_common()]
    cpu_total = sum(on_cpu.values())
    lines += [
        "",
        f"## The workers' own CPU: {100 * cpu_total / total:.0f} % of samples are not blocked on a socket",
        "",
        "| share of CPU samples | bucket |",
        "|---:|---|",
    ]
    lines += [f"| {100 * n / cpu_total:5.1f} % | {bucket} |" for bucket, n in on_cpu.most_common()]
    lines += ["", f"## Top {TOP} functions by self samples", ""]
    lines += [f"{100 * n / total:6.2f} %  {frame}" for frame, n in self_counts.most_common(TOP)]
    lines += ["", f"## Top {TOP} functions by inclusive samples", ""]
    lines += [f"{100 * n / total:6.2f} %  {frame}" for frame, n in inclusive.most_common(TOP)]
    return "\n".join(lines) + "\n"


def _bucket(code: list[str]) -> str:
    """The bucket of the leaf-most frame that belongs to one (a psycopg wait under the ORM is database time)."""
    for frame in reversed(code):
        for bucket, needles in BUCKETS:
            if any(needle in frame for needle in needles):
                return bucket
    return "other"


def under_load(state_dir: Path, out_dir: Path, *, base_url: str, gunicorn_pid: int, duration: float) -> None:
    fixtures = json.loads((state_dir / "fixtures.json").read_text(encoding="utf-8"))
    for name in UNDER_LOAD:
        scenario = SCENARIOS_BY_NAME[name]
        with tempfile.TemporaryDirectory() as tmp:
            raw = Path(tmp) / "stacks.txt"
            spy = subprocess.Popen(  # noqa: S603 - fixed argv
                [
                    str(Path(sys.executable).parent / "py-spy"),
                    "record",
                    "--pid",
                    str(gunicorn_pid),
                    "--subprocesses",
                    "--idle",
                    "--nonblocking",
                    "--rate",
                    "100",
                    "--duration",
                    str(round(duration)),
                    "--format",
                    "raw",
                    "--output",
                    str(raw),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            result = wrk(
                url=base_url.rstrip("/") + scenario.app_path(fixtures | {"slug": ""}),
                mode=scenario.mode,
                state_dir=state_dir,
                duration=duration + 1,
                connections=50,
                run_id=f"spy{os.getpid()}",
            )
            _, stderr = spy.communicate(timeout=duration + 60)
            if spy.returncode != 0 or not raw.exists():
                print(f"  py-spy {name}: failed ({stderr.strip()[-300:]}); skipped")
                continue
            rps = result["requests"] / (result["duration_us"] / 1e6)
            title = f"py-spy under load: {scenario.label}, wrk 50 connections, {rps:.0f} req/s while sampled"
            text = summarize_collapsed(raw, title)
        (out_dir / f"{name}.py-spy.txt").write_text(text, encoding="utf-8")
        print(f"  py-spy {name}: → {out_dir / (name + '.py-spy.txt')}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--base-url")
    parser.add_argument("--gunicorn-pid", type=int)
    parser.add_argument("--duration", type=float, default=10.0)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.gunicorn_pid and args.base_url:
        under_load(
            args.state,
            args.out,
            base_url=args.base_url,
            gunicorn_pid=args.gunicorn_pid,
            duration=args.duration,
        )
    in_process(args.state, args.out)


if __name__ == "__main__":
    sys.exit(main())
