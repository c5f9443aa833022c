"""A PostgreSQL server of the test's own, on a free port in a temporary directory, so that
a fault test can restart it without touching the machine's shared server."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.support.live import free_port

BIN = Path("/usr/lib/postgresql")


def binaries() -> Path | None:
    found = sorted(BIN.glob("*/bin/pg_ctl"))
    return found[-1].parent if found else None


def available() -> bool:
    return binaries() is not None and shutil.which("runuser") is not None


class PrivatePostgres:
    def __init__(self, directory: Path) -> None:
        bin_dir = binaries()
        assert bin_dir is not None
        self._bin = bin_dir
        self.directory = directory
        self.data = directory / "data"
        self.port = free_port()

    def _as_postgres(self, *args: str) -> None:
        command = ["runuser", "-u", "postgres", "--", *args]
        if os.geteuid() != 0:
            command = list(args)
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._as_postgres(
            str(self._bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"
        )

    def start(self) -> None:
        self._as_postgres(
            str(self._bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.directory / "log"),
            "-o",
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1",
            "-w",
            "start",
        )

    def restart(self) -> None:
        """Immediate: the server stops as if it crashed and recovers from its log on start,
        the harshest restart for acknowledged work."""
        self._as_postgres(
            str(self._bin / "pg_ctl"),
            "-D",
            str(self.data),
            # The log again: a restarted server would otherwise write to pg_ctl's output,
            # and hold it open for as long as it runs.
            "-l",
            str(self.directory / "log"),
            "-m",
            "immediate",
            "-w",
            "restart",
        )

    def stop(self) -> None:
        self._as_postgres(str(self._bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        engine = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        return self.url(name)


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    # Its own temporary directory: the server's user must reach it, and pytest's are
    # private to the user running the tests.
    directory = Path(tempfile.mkdtemp(prefix="officer-postings-pg-"))
    server = PrivatePostgres(directory)
    try:
        server.init()
        server.start()
        yield server
    finally:
        try:
            if (server.data / "postmaster.pid").exists():
                server.stop()
        finally:
            time.sleep(0.1)
            shutil.rmtree(directory, ignore_errors=True)
