"""`python -m bench.load --base-url URL --state DIR`: every scenario through wrk, app then baseline.

wrk is a separate process (one thread, C + LuaJIT: it costs the 2-core box far less than a
Python load tool would). Each target gets an unrecorded warm-up, then a measured run of a
fixed duration at a fixed number of connections; everything is bounded (wrk's own -d and
--timeout, and a subprocess timeout on top). Results go to DIR/load.json.

No Django here: this process only talks HTTP to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench import cpu
from bench.scenarios import SCENARIOS, Scenario

BENCH_DIR = Path(__file__).resolve().parent
WRK_SCRIPT = BENCH_DIR / "wrk" / "bench.lua"
RESULT_PREFIX = "BENCH_JSON "
WRK_TIMEOUT = "10s"  # per request: a slower answer counts as an error, not as a latency


@dataclass
class WrkResult:
    scenario: str
    target: str  # "app" or "baseline"
    path: str
    connections: int
    duration_s: float
    requests: int
    rps: float
    latency_ms: dict[str, float]
    errors: dict[str, int]
    statuses: dict[str, int]
    error_sample: str | None = None
    non_2xx: int = 0
    bytes_per_request: float = 0.0
    # % of the machine's CPU used by processes outside the bench during the measured run.
    other_load_pct: float | None = None
    # CPU ms per request of the bench's process trees: web (gunicorn), db (PostgreSQL), other.
    cpu_ms: dict[str, float] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def wrk(
    *,
    url: str,
    mode: str,
    state_dir: Path,
    duration: float,
    connections: int,
    run_id: str,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One wrk run; returns the parsed BENCH_JSON line of bench.lua's done()."""
    host = urlsplit(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"the bench only loads this machine, not {host}")
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        f"--timeout={WRK_TIMEOUT}",
        "-s",
        str(WRK_SCRIPT),
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    env = os.environ | {"BENCH_MODE": mode, "BENCH_STATE": str(state_dir), "BENCH_RUN_ID": run_id}
    completed = subprocess.run(  # noqa: S603 - fixed argv, no shell
        command, env=env, capture_output=True, text=True, timeout=duration + 60, check=False
    )
    for line in completed.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX) :])
    raise RuntimeError(
        f"wrk gave no result (exit {completed.returncode}): {completed.stderr or completed.stdout}"
    )


def _result(scenario: Scenario, target: str, path: str, connections: int, raw: dict[str, Any]) -> WrkResult:
    seconds = raw["duration_us"] / 1e6
    statuses = {str(code): count for code, count in sorted(raw["statuses"].items())}
    non_2xx = sum(count for code, count in statuses.items() if not code.startswith("2"))
    return WrkResult(
        scenario=scenario.name,
        target=target,
        path=path,
        connections=connections,
        duration_s=round(seconds, 2),
        requests=raw["requests"],
        rps=round(raw["requests"] / seconds, 1) if seconds else 0.0,
        latency_ms={key: round(value / 1000, 2) for key, value in raw["latency_us"].items()},
        errors=raw["errors"],
        statuses=statuses,
        error_sample=raw.get("error_sample"),
        non_2xx=non_2xx,
        bytes_per_request=round(raw["bytes"] / raw["requests"], 1) if raw["requests"] else 0.0,
    )


def run_target(
    scenario: Scenario,
    *,
    target: str,
    path: str,
    base_url: str,
    state_dir: Path,
    fixtures: dict[str, Any],
    duration: float,
    warmup: float,
    connections: int,
    run_id: str,
    watch: dict[str, list[int]],
    quiet_threshold: float,
    quiet_wait: float,
) -> WrkResult:
    url = base_url.rstrip("/") + path
    headers = {"Authorization": f"Bearer {fixtures['token']}"} if scenario.auth else None
    common = {"url": url, "mode": scenario.mode, "state_dir": state_dir, "connections": connections}
    if quiet_wait > 0:
        cpu.wait_for_quiet(watch, threshold=quiet_threshold, timeout=quiet_wait)
    if warmup > 0:
        wrk(**common, duration=warmup, run_id=f"{run_id}w", headers=headers)
        time.sleep(1)  # let the listen backlog drain before the measured run
    before = cpu.snapshot(watch)
    raw = wrk(**common, duration=duration, run_id=run_id, headers=headers)
    result = _result(scenario, target, path, connections, raw)
    after = cpu.snapshot(watch)
    result.other_load_pct = cpu.other_load(before, after)
    result.cpu_ms = cpu.cpu_ms_per_request(before, after, result.requests)
    print(
        f"  {scenario.name:<14} {target:<8} {result.rps:>8.1f} req/s  p50 {result.latency_ms['p50']:>7.1f} ms"
        f"  p99 {result.latency_ms['p99']:>7.1f} ms  non-2xx {result.non_2xx}  socket errors "
        f"{sum(v for k, v in result.errors.items() if k != 'status')}  CPU ms/request web {result.cpu_ms.get('web', 0):.1f}"
        f" db {result.cpu_ms.get('db', 0):.1f}  other load {result.other_load_pct:.0f} %",
        flush=True,
    )
    time.sleep(1)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--state", type=Path, required=True)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per measured run")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of unrecorded warm-up per run")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    parser.add_argument(
        "--watch",
        action="append",
        default=[],
        metavar="LABEL=PID[,PID]",
        help="a process tree of the bench: web=<gunicorn master>, db=<postmaster>, other=<redis>; "
        "CPU outside them is 'other load'",
    )
    parser.add_argument(
        "--quiet-threshold", type=float, default=15.0, help="%% of CPU others may use at a start"
    )
    parser.add_argument(
        "--quiet-wait", type=float, default=30.0, help="seconds to wait for that before each run"
    )
    args = parser.parse_args(argv)
    watch: dict[str, list[int]] = {"web": [], "db": [], "other": []}
    for item in args.watch:
        label, _, pids = item.partition("=")
        watch.setdefault(label, []).extend(int(pid) for pid in pids.split(",") if pid)

    fixtures = json.loads((args.state / "fixtures.json").read_text(encoding="utf-8"))
    # The detail mode appends a slug itself: give it the path prefix.
    fixtures_for_load = fixtures | {"slug": ""}
    only = {name for name in args.only.split(",") if name}
    run_id = f"{int(time.time())}"
    results: list[WrkResult] = []
    print(f"load: {args.duration:g}s per run at {args.connections} connections (+{args.warmup:g}s warm-up)")
    for scenario in SCENARIOS:
        if only and scenario.name not in only:
            continue
        targets = [("app", scenario.app_path(fixtures_for_load))]
        if (baseline := scenario.baseline_path(fixtures_for_load)) is not None:
            targets.append(("baseline", baseline))
        for target, path in targets:
            results.append(
                run_target(
                    scenario,
                    target=target,
                    path=path,
                    base_url=args.base_url,
                    state_dir=args.state,
                    fixtures=fixtures,
                    duration=args.duration,
                    warmup=args.warmup,
                    connections=args.connections,
                    run_id=run_id,
                    watch=watch,
                    quiet_threshold=args.quiet_threshold,
                    quiet_wait=args.quiet_wait,
                )
            )
    out = {"run_id": run_id, "results": [asdict(result) for result in results]}
    (args.state / "load.json").write_text(json.dumps(out, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
