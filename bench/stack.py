"""The system under measurement: fresh PostgreSQL databases, migrated; the three services
and the floor app as separate processes on loopback ports, each served by as many processes
as asked (ADR 0027: a process per core), and the floor by one as well."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.floor import metadata as floor_metadata
from shared import migrate
from tests.support.live import free_port

ADMIN_URL = os.environ.get(
    "OP_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
SERVICES = ("postings", "appeals", "roi")


def database_url(name: str) -> str:
    return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def fresh_databases() -> dict[str, str]:
    """``bench_<service>`` and ``bench_floor``, dropped and created anew, migrated."""
    engine = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    urls = {}
    try:
        with engine.connect() as conn:
            for name in (*SERVICES, "floor"):
                conn.execute(text(f'DROP DATABASE IF EXISTS "bench_{name}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "bench_{name}"'))
                urls[name] = database_url(f"bench_{name}")
    finally:
        engine.dispose()
    for service in SERVICES:
        migrate.upgrade(service, urls[service])
    # Made here, once: the floor's processes would otherwise race to make it.
    floor = create_engine(urls["floor"])
    try:
        floor_metadata.create_all(floor)
    finally:
        floor.dispose()
    return urls


def _wait(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{url} exited while starting")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not start")


#: The floor served by one process, beside the floor served as the services are.
FLOOR_ALONE = "floor-alone"


@dataclass
class Stack:
    #: Each server's base URL and process id (the process that serves it, or that supervises
    #: its processes), by name (the services and the floors).
    base: dict[str, str]
    pids: dict[str, int]
    workdir: Path

    def ordering_timings(self, service: str) -> Path:
        """Where the service writes its ordering timings when it stops."""
        return self.workdir / f"ordering-{service}.jsonl"


@contextmanager
def running(urls: dict[str, str], workdir: Path, processes: int = 1) -> Iterator[Stack]:
    """The three services and the floor, each served by ``processes`` processes; and, when
    that is more than one, the floor served by one as well (``FLOOR_ALONE``), so that the
    floor the decisions are judged against is the best of both."""
    floors = ("floor", FLOOR_ALONE) if processes > 1 else ("floor",)
    names = (*SERVICES, *floors)
    ports = {name: free_port() for name in names}
    base = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    env = dict(os.environ)
    for service in SERVICES:
        prefix = service.upper()
        env[f"{prefix}_DATABASE_URL"] = urls[service]
        env[f"{prefix}_PORT"] = str(ports[service])
        env[f"{prefix}_AUDIT_DIR"] = str(workdir / f"audit-{service}")
        env[f"{prefix}_EXPENSIVE_QUERIES_PER_MINUTE"] = "1000000"
        env[f"{prefix}_PAGE_SIZE_MAX"] = "1000"
        env[f"{prefix}_ORDERING_TIMINGS_FILE"] = str(workdir / f"ordering-{service}.jsonl")
    env["POSTINGS_ROI_URL"] = base["roi"]
    env["POSTINGS_APPEALS_URL"] = base["appeals"]
    env["APPEALS_POSTINGS_URL"] = base["postings"]
    env["ROI_POSTINGS_URL"] = base["postings"]
    env["FLOOR_DATABASE_URL"] = urls["floor"]
    children: list[subprocess.Popen[bytes]] = []
    try:
        for service in SERVICES:
            children.append(
                subprocess.Popen(  # noqa: S603 - our own entry point
                    [
                        sys.executable,
                        "-m",
                        "shared.cli",
                        "serve",
                        service,
                        "--no-migrate",
                        "--log-level",
                        "warning",
                        "--workers",
                        str(processes),
                    ],
                    env=env,
                )
            )
        for floor in floors:
            children.append(
                subprocess.Popen(  # noqa: S603 - our own module
                    [
                        sys.executable,
                        "-m",
                        "bench.floor",
                        "--port",
                        str(ports[floor]),
                        "--workers",
                        str(processes if floor == "floor" else 1),
                    ],
                    env=env,
                )
            )
        for name, child in zip(names, children, strict=True):
            _wait(base[name], child)
        yield Stack(base, {n: c.pid for n, c in zip(names, children, strict=True)}, workdir)
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            child.wait(timeout=30)
