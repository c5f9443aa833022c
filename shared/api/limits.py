"""A cap on how often one caller may run an expensive query (a whole timeline, a search
over the decision log, a re-hash of the log): a sliding window per caller, per process.
Beyond it the caller gets a 429 problem saying when to try again (OWASP API4)."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

from fastapi import Request

from shared.api.problems import ApiProblem

WINDOW_SECONDS = 60.0


class ExpensiveQueries:
    def __init__(self, per_minute: int, clock: object = time.monotonic) -> None:
        self._limit = per_minute
        self._clock = clock
        self._calls: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    @property
    def per_minute(self) -> int:
        return self._limit

    def admit(self, caller: str) -> float | None:
        """None if admitted now; otherwise the seconds until a call would be."""
        now: float = self._clock()  # type: ignore[operator]
        with self._lock:
            calls = self._calls[caller]
            while calls and calls[0] <= now - WINDOW_SECONDS:
                calls.popleft()
            if len(calls) >= self._limit:
                return calls[0] + WINDOW_SECONDS - now
            calls.append(now)
            return None


async def limit_expensive(request: Request) -> None:
    """A route dependency: run after authentication, so the caller is known. Async, on the
    event loop: the window is a few list operations under a lock (ADR 0025)."""
    principal = getattr(request.state, "principal", None)
    limiter: ExpensiveQueries = request.app.state.expensive_queries
    wait = limiter.admit(principal.scope if principal else "anonymous")
    if wait is not None:
        raise ApiProblem(
            429,
            "too-many-expensive-queries",
            f"at most {limiter.per_minute} of these per minute; try again in {int(wait) + 1} s",
            headers={"Retry-After": str(int(wait) + 1)},
        )
