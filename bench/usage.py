"""What each process of the system under measurement spent on a load phase: CPU seconds
per decision for each service and the load generator (from the kernel's own accounting,
``/proc/<pid>/stat``), and the time each transaction waited for and held its log's ordering
(the services record it when ``ORDERING_TIMINGS_FILE`` is set, and write it when they stop)."""

from __future__ import annotations

import json
import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    """A process's fields after the command name (proc(5): the name in field 2 may hold
    spaces, so fields are counted after its ')'), or None if it has ended."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _descendants(pid: int) -> list[int]:
    """The process and every process below it (a server run as several processes is a
    supervisor and its workers)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        fields = _stat(int(stat.parent.name))
        if fields is not None:
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        queue.extend(children.get(current, []))
    return found


def cpu_seconds(pid: int) -> float:
    """User and system time of a process and the processes below it, all their threads
    included (proc(5), fields 14-15)."""
    total = 0.0
    for each in _descendants(pid):
        fields = _stat(each)
        if fields is not None:
            total += (int(fields[11]) + int(fields[12])) / _TICKS
    return total


def database_cpu_seconds() -> float:
    """User and system time of every PostgreSQL process on the machine (its backends, one
    per connection, and its background workers): what the database spent, summed, since
    they started. The benchmark runs on an otherwise idle machine."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # the process ended while we looked
        name = text[text.find("(") + 1 : text.rfind(")")]
        if name == "postgres":
            # Own time, and the time of children it reaped (proc(5), fields 14-17): a
            # backend whose connection closed during the phase is counted in its parent's.
            fields = text.rsplit(")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15]) / _TICKS
    return total


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Meter:
    """CPU of each named process and of this one (the load generator), from ``start``."""

    pids: dict[str, int]

    def start(self) -> None:
        self.started_at = time.time()
        self._before = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        self._database = database_cpu_seconds()
        self._own = own_cpu_seconds()

    def load_done(self) -> None:
        """The load generator's share ends with its last request; the services' share goes
        on until they have followed each other's feeds (``stop``)."""
        self.ended_at = time.time()
        self._own_spent = own_cpu_seconds() - self._own

    def stop(self, decisions: int) -> dict[str, Any]:
        spent = {name: cpu_seconds(pid) - self._before[name] for name, pid in self.pids.items()}
        spent["load generator"] = self._own_spent
        spent["PostgreSQL"] = database_cpu_seconds() - self._database
        per = {
            name: round(seconds * 1000 / decisions, 2) if decisions else None
            for name, seconds in spent.items()
        }
        return {
            "window": [self.started_at, self.ended_at],
            "cpu_ms_per_decision": per,
            "cpu_ms_per_decision_total": round(sum(v for v in per.values() if v), 2),
        }


def ordering_summary(path: Path, window: list[float]) -> dict[str, Any] | None:
    """Percentiles of waiting for and holding the log's ordering, over the transactions
    granted it within ``window``."""
    if not path.exists():
        return None
    waited, held = [], []
    for line in path.read_text().splitlines():
        row = json.loads(line)
        if window[0] <= row["at"] <= window[1]:
            waited.append(row["waited"] * 1000)
            held.append(row["held"] * 1000)
    if not held:
        return None
    return {
        "transactions": len(held),
        "held_ms": _percentiles(held),
        "waited_ms": _percentiles(waited),
    }


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))], 2)

    return {"p50": at(50), "p95": at(95), "p99": at(99), "max": round(ordered[-1], 2)}
