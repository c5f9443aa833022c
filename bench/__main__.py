"""``./dev bench [--seconds 20] [--events 1000000]``: measure the three services on
PostgreSQL over loopback HTTP and write docs/performance.md (issue 8)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from bench.loadgen import LoadResult, closed_loop, generator_quiet, open_loop
from bench.report import write_report
from bench.stack import ADMIN_URL, FLOOR_ALONE, SERVICES, fresh_databases, running
from bench.usage import Meter, ordering_summary
from shared.identity import mint_token
from shared.roles import Role
from shared.settings import PostingsSettings

LOCATIONS = {
    "maidstone": ("Maidstone police station", "north", "Maidstone", 51.272, 0.529),
    "tonbridge": ("Tonbridge police station", "north", "Tonbridge", 51.195, 0.275),
}


def token(role: Role, subject: str) -> dict[str, str]:
    value = mint_token(PostingsSettings(), subject=subject, role=role, ttl=timedelta(hours=4))
    return {"Authorization": f"Bearer {value}"}


HR = token(Role.HR_RESOURCE_PLANNING, "bench-hr")
DIRECTOR = token(Role.DIRECTOR_OF_HR, "bench-dhr")
AUDITOR = token(Role.AUDITOR, "bench-auditor")
POSTING_DATE = (date.today() + timedelta(days=60)).isoformat()


def officer(n: int) -> tuple[str, str, dict[str, Any]]:
    return (
        "POST",
        "/officers",
        {
            "officer_id": f"P{n:06d}",
            "name": f"Load Officer {n}",
            "rank": "constable",
            "division": "north",
            "place_of_duty": "maidstone",
            "appointed_on": "2019-09-02",
        },
    )


def compulsory(n: int) -> tuple[str, str, dict[str, Any]]:
    """A decision command: a compulsory posting, checked against ROI over HTTP, recorded
    with its facts, projected, chained, in one transaction."""
    return (
        "POST",
        "/postings/compulsory",
        {
            "officer_id": f"P{n:06d}",
            "to_location": "tonbridge",
            "likely_posting_date": POSTING_DATE,
            "rationale": "Response strength in Tonbridge is under establishment",
            "reasoning_for_officer": "Tonbridge needs experienced response officers",
            "preferences": ["tonbridge"],
        },
    )


def floor_row(n: int) -> tuple[str, str, dict[str, Any]]:
    return ("POST", "/rows", {"n": n, "note": "one insert"})


def settle(urls: dict[str, str], deadline_seconds: float = 300) -> None:
    """Between load phases, until appeals has followed postings' feed to its end and
    postings appeals' feed: the next phase should not share the machine with them catching
    up on the last one, and a phase's CPU should include what following it cost."""
    engines = {name: create_engine(urls[name]) for name in ("postings", "appeals")}
    follows = (("appeals", "postings"), ("postings", "appeals"))
    try:
        deadline = time.monotonic() + deadline_seconds
        while time.monotonic() < deadline:
            behind = False
            for follower, feed in follows:
                with engines[feed].connect() as conn:
                    # The table names are ours (the two services), not input.
                    last = text(f"SELECT max(id) FROM {feed}_events")  # noqa: S608
                    head = conn.execute(last).scalar() or 0
                with engines[follower].connect() as conn:
                    at = conn.execute(
                        text("SELECT position FROM follower_positions WHERE feed = :feed"),
                        {"feed": feed},
                    ).scalar()
                behind = behind or (at or 0) < head
            if not behind:
                return
            time.sleep(0.5)
        raise SystemExit("the services did not follow each other's feeds in time")
    finally:
        for engine in engines.values():
            engine.dispose()


def bulk(step: str, *args: str) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "bench.bulk", step, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        # What the step said is the only account of why it failed: pass it on.
        sys.stderr.write(done.stderr)
        raise SystemExit(f"bench.bulk {step} failed (exit {done.returncode})")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def timeline(base: str, officer_id: str, repeats: int) -> LoadResult:
    latencies = []
    with httpx.Client(base_url=base, timeout=30) as client, generator_quiet():
        started = time.perf_counter()
        for _ in range(repeats):
            t = time.perf_counter()
            response = client.get(f"/audit/officers/{officer_id}/timeline", headers=AUDITOR)
            response.raise_for_status()
            latencies.append((time.perf_counter() - t) * 1000)
        elapsed = time.perf_counter() - started
    return LoadResult(repeats, repeats, 0, elapsed, latencies)


def machine() -> dict[str, str]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [
            line.split(":", 1)[1].strip()
            for line in cpuinfo.read_text().splitlines()
            if line.startswith("model name")
        ]
        cpu = names[0] if names else cpu
    memory = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    engine = create_engine(ADMIN_URL)
    try:
        with engine.connect() as conn:
            pg = str(conn.execute(text("SELECT version()")).scalar()).split(" on ")[0]
    finally:
        engine.dispose()
    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "postgresql": pg,
        "os": platform.platform(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument(
        "--workers",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1, 4, 8, 16, 32],
        help="concurrent requests at saturation, comma-separated: the best is reported",
    )
    parser.add_argument(
        "--max-rate", type=int, default=600, help="decisions/s the seeding provides for"
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=os.cpu_count() or 1,
        help="processes serving each service and the floor: by default one per core",
    )
    parser.add_argument("--out", default="docs/performance.md")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "machine": machine(),
        "processes": args.processes,
        "started": datetime.now(tz=UTC).isoformat(),
    }
    log = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    with tempfile.TemporaryDirectory() as workdir:
        urls = fresh_databases()
        with running(urls, Path(workdir), args.processes) as stack:
            base = stack.base
            with httpx.Client(base_url=base["postings"], timeout=30) as client:
                for code, (name, division, town, lat, lon) in LOCATIONS.items():
                    body = {"code": code, "name": name, "division": division, "town": town}
                    client.post("/locations", json={**body, "lat": lat, "lon": lon}, headers=HR)
            # One officer per decision: one posting may be on its way per officer.
            needed = int(args.seconds * args.max_rate) * (len(args.workers) + 1) + 500
            log(f"seeding {needed} officers")
            results["seeded"] = asyncio.run(_seed(base["postings"], needed))
            services = {name: stack.pids[name] for name in SERVICES}
            # Saturation is the best sustained throughput over a range of concurrency:
            # past a point, more connections cost the load generator and the server more
            # than they add (the floor itself falls by half or more from 8 to 32). Each
            # run also says what a decision cost each process, and how long the log's
            # ordering was waited for and held.
            sweep, floors, first = [], [], 0
            for workers in args.workers:
                log(f"saturation: {workers} concurrent requests")
                meter = Meter(services)
                meter.start()
                run = asyncio.run(
                    closed_loop(
                        base["postings"],
                        compulsory,
                        DIRECTOR,
                        workers=workers,
                        seconds=args.seconds,
                        first=first,
                    )
                )
                meter.load_done()
                settle(urls)
                first += run.sent
                sweep.append({"workers": workers, **run.as_dict(), **meter.stop(run.ok)})
                # The floor at the same level straight after: the machine's speed drifts by
                # tens of percent within an hour, and a floor measured minutes later judged
                # the decisions by another machine.
                floors.append(_floor(base, workers, args.seconds, args.processes, log))
            results["saturation_sweep"] = sweep
            results["saturation"] = max(sweep, key=lambda r: r["throughput_per_s"])
            results["floor_sweep"] = floors
            results["floor"] = max(floors, key=lambda r: r["throughput_per_s"])
            rate = max(1.0, results["saturation"]["throughput_per_s"] / 2)
            log(f"offered load: half the saturation rate, {rate:.1f} decisions/s")
            half = asyncio.run(
                open_loop(
                    base["postings"],
                    compulsory,
                    DIRECTOR,
                    rate=rate,
                    seconds=args.seconds,
                    first=first,
                )
            )
            results["half_saturation"] = {"offered_per_s": round(rate, 1), **half.as_dict()}
            settle(urls)
            log(f"generating {args.events} events")
            results["generate"] = bulk("generate", urls["postings"], str(args.events))
            # Appeals follows postings' feed through the generated events too. Left to do it
            # during the next phases, it took a core from the rebuild, the verification and
            # the timeline, and made their figures depend on how far it had got.
            log("appeals following the generated events")
            following = time.perf_counter()
            settle(urls, deadline_seconds=3600)
            results["follow"] = {
                "events": results["generate"]["events"],
                "seconds": round(time.perf_counter() - following, 1),
            }
            log("rebuilding read models")
            results["rebuild"] = bulk("rebuild", urls["postings"])
            log("plain ordered read")
            results["read"] = bulk("read", urls["postings"])
            log("verifying the chain")
            results["verify"] = bulk("verify", urls["postings"], str(Path(workdir) / "verify"))
            log("timeline with the large log stored")
            timeline(base["postings"], "B000123", 20)  # warm up
            results["timeline"] = timeline(base["postings"], "B000123", 300).as_dict()
        # The services wrote their ordering timings as they stopped.
        for level in sweep:
            level["ordering"] = {
                service: ordering_summary(stack.ordering_timings(service), level["window"])
                for service in SERVICES
            }
    results["finished"] = datetime.now(tz=UTC).isoformat()
    Path("var").mkdir(exist_ok=True)
    Path("var/bench-results.json").write_text(json.dumps(results, indent=1))
    write_report(results, Path(args.out), command=" ".join(["./dev bench", *sys.argv[1:]]))
    log(f"written to {args.out}")


def _floor(
    base: dict[str, str], workers: int, seconds: float, processes: int, log: Callable[[str], None]
) -> dict[str, Any]:
    """The floor at one level of concurrency, served as the services are and by one process:
    the better of the two, so that a second process never flatters the ratio."""
    best: dict[str, Any] | None = None
    for floor in [name for name in (FLOOR_ALONE, "floor") if name in base]:
        log(f"{floor}: one INSERT per request, {workers} concurrent requests")
        run = asyncio.run(closed_loop(base[floor], floor_row, {}, workers=workers, seconds=seconds))
        served = processes if floor == "floor" else 1
        measured = {"workers": workers, "processes": served, **run.as_dict()}
        if best is None or measured["throughput_per_s"] > best["throughput_per_s"]:
            best = measured
    assert best is not None
    return best


async def _seed(base: str, count: int) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=16)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        semaphore = asyncio.Semaphore(16)

        async def one(n: int) -> int:
            method, url, body = officer(n)
            async with semaphore:
                return (await client.request(method, url, json=body, headers=HR)).status_code

        statuses = await asyncio.gather(*(one(n) for n in range(count)))
    return {"officers": count, "created": sum(1 for s in statuses if s == 201)}


if __name__ == "__main__":
    main()
