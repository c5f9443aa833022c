"""A job a service runs by itself every so often (the HR sync, deliveries): one thread, a
stop flag, and a failure logged rather than fatal, since the next run tries again."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class Periodic:
    def __init__(
        self,
        name: str,
        every_seconds: float,
        job: Callable[[], object],
        *,
        first_after_seconds: float | None = None,
    ) -> None:
        self.name = name
        self._every = every_seconds
        self._first = every_seconds if first_after_seconds is None else first_after_seconds
        self._job = job
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None or self._every <= 0:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _loop(self) -> None:
        wait = self._first
        while not self._stop.wait(wait):
            wait = self._every
            try:
                self._job()
            except Exception:  # a failed run is retried by the next one
                log.exception("%s: this run failed", self.name)
