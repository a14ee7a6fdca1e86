"""CPU accounting from /proc: what each part of the bench costs per request, and what others used.

The bench shares its 2 cores with whatever else runs (another checkout's test suite, a
browser), and on such a box requests/s measure the neighbours as much as the app. CPU time
per request does not: every measured run records the CPU time of the bench's process trees
— `web` (gunicorn and its workers), `db` (the postmaster and its backends), `other` (Redis,
wrk, this process) — and the machine's busy time. Per request, web + db is what the app
costs, and 1000 × cores / (web + db + other) ms is the rate the box could sustain without
neighbours. Busy time outside the trees is "other load"; a run can wait for a quiet machine.
"""

from __future__ import annotations

import os
import resource
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Snapshot:
    at: float
    total: int  # all CPUs, all states, ticks
    busy: int  # all CPUs, not idle/iowait, ticks
    trees: dict[str, int] = field(default_factory=dict)  # label → CPU ticks of that process tree

    @property
    def ours(self) -> int:
        return sum(self.trees.values())


def _machine() -> tuple[int, int]:
    fields = [int(value) for value in (PROC / "stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    total = sum(fields[:8])  # user nice system idle iowait irq softirq steal (guest is inside user)
    return total, total - idle


def _processes() -> tuple[dict[int, list[int]], dict[int, int]]:
    """(ppid → children, pid → CPU ticks of itself plus its reaped children)."""
    children: dict[int, list[int]] = defaultdict(list)
    cpu: dict[int, int] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:  # it exited meanwhile
            continue
        # The command name may hold spaces and parentheses: split after its closing one.
        fields = raw[raw.rindex(")") + 2 :].split()
        pid, ppid = int(entry.name), int(fields[1])
        children[ppid].append(pid)
        # utime stime cutime cstime: exited, reaped children (PostgreSQL backends) count too.
        cpu[pid] = sum(int(value) for value in fields[11:15])
    return children, cpu


def _tree_ticks(root: int, children: dict[int, list[int]], cpu: dict[int, int]) -> int:
    ticks, stack, seen = 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen or pid not in cpu:
            continue
        seen.add(pid)
        ticks += cpu[pid]
        stack.extend(children.get(pid, ()))
    return ticks


def snapshot(roots: dict[str, list[int]]) -> Snapshot:
    """`roots`: label → root pids of the trees counted under that label."""
    total, busy = _machine()
    children, cpu = _processes()
    trees = {label: sum(_tree_ticks(pid, children, cpu) for pid in pids) for label, pids in roots.items()}
    # This process and the children it reaped (wrk, once it has exited) belong to "other".
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = resource.getrusage(resource.RUSAGE_SELF)
    trees["other"] = trees.get("other", 0) + round(
        (usage.ru_utime + usage.ru_stime + own.ru_utime + own.ru_stime) * TICKS
    )
    return Snapshot(at=time.monotonic(), total=total, busy=busy, trees=trees)


def other_load(before: Snapshot, after: Snapshot) -> float:
    """Percent of the machine's CPU capacity used outside the bench between two snapshots."""
    total = after.total - before.total
    if total <= 0:
        return 0.0
    other = (after.busy - before.busy) - (after.ours - before.ours)
    return round(max(0.0, 100.0 * other / total), 1)


def cpu_ms_per_request(before: Snapshot, after: Snapshot, requests: int) -> dict[str, float]:
    """CPU milliseconds per request of each tree between two snapshots."""
    if requests <= 0:
        return {}
    return {
        label: round((after.trees.get(label, 0) - ticks) * 1000 / TICKS / requests, 2)
        for label, ticks in before.trees.items()
    }


def wait_for_quiet(roots: dict[str, list[int]], *, threshold: float, timeout: float) -> float:
    """Wait (at most `timeout` s) until others use < `threshold` % of the CPU for a second; return the last reading."""
    deadline = time.monotonic() + timeout
    while True:
        before = snapshot(roots)
        time.sleep(1.0)
        reading = other_load(before, snapshot(roots))
        if reading < threshold or time.monotonic() >= deadline:
            return reading
