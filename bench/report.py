"""docs/performance.md from one benchmark run: the machine, the command, the date, each
figure beside its target, and the ratios."""

from __future__ import annotations

from pathlib import Path
from typing import Any

TARGETS = {
    "sustained": "judged against the floor, below",
    "p99_at_half": "p99 ≤ 100 ms at half the saturation rate",
    "floor_ratio": "≥ 0.3 of the floor",
    "rebuild": "≤ 60 s and ≤ 8 times the plain ordered read, within 1 GiB, for 1,000,000 events",
    "verify": "≥ 100,000 events/s",
    "timeline": "p99 ≤ 20 ms",
}


def _met(ok: bool) -> str:
    return "met" if ok else "**missed**"


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value} ms"


def _ordering(summary: dict[str, Any] | None) -> str:
    if not summary:
        return "— | —"
    waited, held = summary["waited_ms"], summary["held_ms"]
    return f"{waited['p50']} / {waited['p99']} ms | {held['p50']} / {held['p99']} ms"


def write_report(results: dict[str, Any], path: Path, *, command: str) -> None:
    m, half, sat, floor = (
        results["machine"],
        results["half_saturation"],
        results["saturation"],
        results["floor"],
    )
    rebuild, read, verify, timeline, gen = (
        results["rebuild"],
        results["read"],
        results["verify"],
        results["timeline"],
        results["generate"],
    )
    ratio = sat["throughput_per_s"] / floor["throughput_per_s"] if floor["throughput_per_s"] else 0
    rebuild_ratio = rebuild["seconds"] / read["seconds"] if read["seconds"] else float("nan")
    rows = [
        (
            "Sustained decisions at saturation",
            f"{sat['throughput_per_s']}/s at {sat.get('workers', '?')} concurrent requests "
            f"(p50 {sat['p50_ms']} ms, p95 {sat['p95_ms']} ms, p99 {sat['p99_ms']} ms)",
            TARGETS["sustained"],
            "",
        ),
        (
            f"Latency at an offered {half['offered_per_s']}/s (half the saturation rate)",
            f"p50 {half['p50_ms']} ms, p95 {half['p95_ms']} ms, "
            f"p99 {half['p99_ms']} ms ({half['ok']}/{half['sent']} ok)",
            TARGETS["p99_at_half"],
            _met(half["p99_ms"] <= 100 and half["errors"] == 0),
        ),
        (
            "Floor (one INSERT per request)",
            f"{floor['throughput_per_s']}/s at {floor.get('workers', '?')} concurrent requests"
            f"{_served_by(floor)}; ours is {ratio:.3f} of it",
            TARGETS["floor_ratio"],
            _met(ratio >= 0.3),
        ),
        (
            f"Rebuild of {rebuild['events']:,} events",
            f"{rebuild['seconds']} s, peak "
            f"{rebuild['peak_mib']} MiB; a plain ordered read takes {read['seconds']} s "
            f"(rebuild/read {rebuild_ratio:.1f} times)",
            TARGETS["rebuild"],
            # Both lines: 60 s on this machine, and 8 times the read on whatever hour of it
            # the run fell in (issue 18, point 4).
            _met(rebuild["seconds"] <= 60 and rebuild_ratio <= 8 and rebuild["peak_mib"] <= 1024)
            if rebuild["events"] >= 1_000_000
            else "not judged: fewer than 1,000,000 events this run",
        ),
        (
            f"Hash-chain verification of {verify['events']:,} events",
            f"{verify['per_second']:,} events/s ({verify['seconds']} s)",
            TARGETS["verify"],
            _met((verify["per_second"] or 0) >= 100_000)
            if verify["events"] >= 1_000_000
            else f"{_met((verify['per_second'] or 0) >= 100_000)} (on fewer than 1,000,000)",
        ),
        (
            "Officer timeline with the large log stored",
            f"p50 {timeline['p50_ms']} ms, p99 {timeline['p99_ms']} ms",
            TARGETS["timeline"],
            _met(timeline["p99_ms"] <= 20),
        ),
    ]
    table = "\n".join(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows)
    sweep = "\n".join(
        f"| {ours['workers']} | {ours['throughput_per_s']}/s | {ours['p50_ms']} ms | "
        f"{ours['p99_ms']} ms | {floor_run['throughput_per_s']}/s |"
        for ours, floor_run in zip(
            results.get("saturation_sweep", []), results.get("floor_sweep", []), strict=False
        )
    )
    services = ("postings", "roi", "appeals", "load generator", "PostgreSQL")
    columns = ("requests", *services, "all", "ordering waited", "ordering held")
    cost_header = "| " + " | ".join(columns) + " |\n" + "| --- " * len(columns) + "|"
    costs = "\n".join(
        f"| {run['workers']} | "
        + " | ".join(_ms(run.get("cpu_ms_per_decision", {}).get(name)) for name in services)
        + f" | {_ms(run.get('cpu_ms_per_decision_total'))} | "
        + _ordering(run.get("ordering", {}).get("postings"))
        + " |"
        for run in results.get("saturation_sweep", [])
    )
    text = f"""# Performance

Figures from one run of the benchmark (`bench/`), never from a timed test. Reproduce with:

```sh
{command}
```

It creates fresh PostgreSQL databases (`bench_*`), runs the three services and a floor app
as separate servers on loopback ports{_processes(results)}, drives them with an async HTTP
load generator on the same machine, then stores {gen["events"]:,} events in postings' log
through the application (sealed, chained, indexed: {gen["per_second"]:,} events/s)\
{_followed(results)}
and measures rebuild, verification and the auditor's timeline against it. Raw figures:
`var/bench-results.json`.

- Date: {results["started"]} to {results["finished"]}
- Machine: {m["cores"]} cores, {m["cpu"]}, {m["memory"]}; {m["os"]}
- Python {m["python"]}; {m["postgresql"]}
- The decision measured: a compulsory posting (`POST /postings/compulsory`), which asks
  ROI over HTTP, checks every rule, records the decision with its facts, projects the read
  models and extends the hash chain, all in one transaction.

| measure | figure | target | |
| --- | --- | --- | --- |
{table}

Throughput by concurrency (closed loop, each level for the same time; the best is the
saturation figure above). The floor at each level is measured straight after the decisions
at that level, so that both are measured on the machine as it was then:

| concurrent requests | decisions | p50 | p99 | floor |
| --- | --- | --- | --- | --- |
{sweep}

What a decision cost at each level of concurrency: CPU milliseconds per decision in each
process (the kernel's accounting of each process, all threads, from the start of the level
until appeals and postings had followed each other's feeds; PostgreSQL is all its
processes on the machine), and in postings, how long a transaction waited for the log's
ordering and then held it until it ended (p50 / p99):

{cost_header}
{costs}
"""
    findings = Path(__file__).with_name("findings.md")
    if findings.exists():
        text += "\n" + findings.read_text()
    path.write_text(text)


def _processes(results: dict[str, Any]) -> str:
    """How many processes served each service (absent from runs before it was asked)."""
    processes = results.get("processes", 1)
    if processes <= 1:
        return ""
    return (
        f", each served by {processes} processes (one per core, ADR 0027); the floor is"
        " measured served so and by one process, and the better of the two is used at each"
        " level"
    )


def _served_by(floor: dict[str, Any]) -> str:
    processes = floor.get("processes")
    if processes is None:
        return ""
    return f", served by {processes} process{'es' if processes > 1 else ''}"


def _followed(results: dict[str, Any]) -> str:
    """How long appeals took to follow postings' feed through the stored events, which the
    later measures wait for (absent from runs before it was measured)."""
    follow = results.get("follow")
    if not follow:
        return ""
    seconds = follow["seconds"]
    if seconds < 1:
        # Under a second, a rate is the timer's noise: appeals asks its feed for the types it
        # acts on alone (ADR 0005's addendum), and past events of none of them one read
        # takes it to the end.
        return f", waits while appeals follows postings' feed through them ({seconds} s),"
    rate = follow["events"] / seconds
    return (
        f", waits while appeals follows postings' feed through them "
        f"({seconds} s, {rate:,.0f} events/s),"
    )
