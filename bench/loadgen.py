"""Offered load and saturation over loopback HTTP, with latency percentiles: an open loop
that sends at a fixed rate whatever the answers (so slow answers show as latency, not as
fewer requests), and a closed loop of workers that send as fast as answers come back."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import httpx

from shared.collection import collector_paused

Request = Callable[[int], tuple[str, str, dict[str, Any] | None]]


@dataclass
class LoadResult:
    sent: int
    ok: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def throughput(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    def as_dict(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "ok": self.ok,
            "errors": self.errors,
            "seconds": round(self.seconds, 2),
            "throughput_per_s": round(self.throughput, 1),
            "p50_ms": round(self.percentile(50), 1),
            "p95_ms": round(self.percentile(95), 1),
            "p99_ms": round(self.percentile(99), 1),
            "mean_ms": round(statistics.fmean(self.latencies_ms), 1) if self.latencies_ms else None,
        }


def generator_quiet() -> AbstractContextManager[object]:
    """The load generator's own cycle collector paused while it times requests. Its process
    holds the services' modules (it mints their tokens), so a full collection walked
    hundreds of thousands of objects: measured, 112 to 129 ms, about once in 300
    timelines, each time counted as the latency of the one request it delayed. What the
    phase makes is freed by reference counting, and collected after it."""
    return collector_paused()


async def _one(
    client: httpx.AsyncClient, request: Request, n: int, headers: dict[str, str]
) -> tuple[bool, float]:
    method, url, body = request(n)
    started = time.perf_counter()
    try:
        response = await client.request(method, url, json=body, headers=headers)
        good = response.status_code < 400
    except httpx.HTTPError:
        good = False
    return good, (time.perf_counter() - started) * 1000


async def open_loop(
    base_url: str,
    request: Request,
    headers: dict[str, str],
    *,
    rate: float,
    seconds: float,
    first: int = 0,
) -> LoadResult:
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=base_url, timeout=30, limits=limits) as client:
        with generator_quiet():
            tasks = []
            started = time.perf_counter()
            total = int(rate * seconds)
            for n in range(total):
                due = started + n / rate
                delay = due - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(_one(client, request, first + n, headers)))
            results = await asyncio.gather(*tasks)
            elapsed = time.perf_counter() - started
    ok = [latency for good, latency in results if good]
    return LoadResult(total, len(ok), total - len(ok), elapsed, ok)


async def closed_loop(
    base_url: str,
    request: Request,
    headers: dict[str, str],
    *,
    workers: int,
    seconds: float,
    first: int = 0,
) -> LoadResult:
    counter = iter(range(first, first + 10_000_000))
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    async with httpx.AsyncClient(base_url=base_url, timeout=30, limits=limits) as client:
        stop = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < stop:
                good, latency = await _one(client, request, next(counter), headers)
                if good:
                    latencies.append(latency)
                else:
                    errors += 1

        with generator_quiet():
            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(workers)))
            elapsed = time.perf_counter() - started
    return LoadResult(len(latencies) + errors, len(latencies), errors, elapsed, latencies)
