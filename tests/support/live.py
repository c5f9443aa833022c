"""A service running for real on a loopback port, so tests cross real HTTP."""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import threading
import time

import httpx
import uvicorn
from fastapi import FastAPI

# Ports are handed out below the kernel's ephemeral range (32768 and up on Linux), each
# pytest-xdist worker from its own slice. A port asked of the kernel with bind(0) and then
# released could be handed to the other worker before our server bound it; that worker's
# server then answered our health check and the test waited for the wrong service.
_FIRST, _LAST = 20000, 32000


def _slice() -> range:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1") or 1)
    index = int(worker) if worker.isdigit() else 0
    width = (_LAST - _FIRST) // max(count, index + 1)
    start = _FIRST + index * width
    return range(start, start + width)


_next = itertools.cycle(_slice())


def free_port() -> int:
    """A loopback port no other test process is handed, that nothing listens on now."""
    for port in itertools.islice(_next, _LAST - _FIRST):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free loopback port in this worker's slice")


class LiveServer:
    def __init__(
        self, app: FastAPI, port: int | None = None, http: type[asyncio.Protocol] | None = None
    ) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", http=http or "auto"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self._thread.start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            # Our own server must be the one listening: a health answer alone could come
            # from another process on the port if ours failed to bind.
            if not self._thread.is_alive():
                raise RuntimeError(f"server on {self.url} stopped while starting")
            try:
                if (
                    self._server.started
                    and httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200
                ):
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"server on {self.url} did not start")

    def __exit__(self, *_: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=20)
