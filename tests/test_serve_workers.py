"""A service run as several processes (``serve --workers N``): they share one log without
breaking its order or its chain, one signing key signs every checkpoint, and the option is
refused where it cannot be kept safe (SQLite)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from shared.recycled_connections import REQUESTS_PER_CONNECTION
from shared.roles import Role
from tests.helpers import officer_body, register_locations
from tests.support import pg
from tests.support.live import free_port
from tests.support.tokens import bearer

ROOT = Path(__file__).resolve().parent.parent
HR = bearer(Role.HR_RESOURCE_PLANNING)
AUDITOR = bearer(Role.AUDITOR)


def _env(**values: str) -> dict[str, str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("POSTINGS_", "APPEALS_", "ROI_"))
    }
    return {**clean, "PYTHONPATH": str(ROOT), **values}


def _serve(env: dict[str, str], *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "shared.cli", "serve", "postings", "--no-migrate", *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_several_workers_are_refused_on_sqlite(tmp_path: Path) -> None:
    process = _serve(
        _env(POSTINGS_DATABASE_URL=f"sqlite:///{tmp_path}/postings.sqlite3"), "--workers", "2"
    )
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 2
    assert "needs a PostgreSQL database" in output


@pytest.mark.e2e
def test_two_processes_share_one_log_one_chain_and_one_signing_key(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    request.getfixturevalue("pg_templates")
    url = pg.clone("postings")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = _serve(
        _env(
            POSTINGS_DATABASE_URL=url,
            POSTINGS_PORT=str(port),
            POSTINGS_AUDIT_DIR=str(tmp_path / "audit"),
            # Both processes try to sign every half second: one signer at a time.
            POSTINGS_CHECKPOINT_INTERVAL_SECONDS="0.5",
        ),
        "--workers",
        "2",
        "--log-level",
        "warning",
    )
    try:
        # Two processes importing the service on a busy machine: wait for them, generously,
        # and fail here, plainly, if they never answer.
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the workers never answered /healthz"
            assert process.poll() is None, "the server exited before answering"
            time.sleep(0.2)
        workers = subprocess.run(
            ["pgrep", "-P", str(process.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        assert len(workers) >= 2, workers
        with httpx.Client(base_url=base, timeout=30) as client:
            # A kept connection is closed after its hundredth request, so that the client
            # connects again and may meet the other process.
            answers = [client.get("/healthz") for _ in range(REQUESTS_PER_CONNECTION)]
            assert [a.headers.get("connection") for a in answers[-2:]] == [None, "close"]
            register_locations(client)

            def register(n: int) -> int:
                body = officer_body(f"W{n:03d}")
                return client.post("/officers", json=body, headers=HR).status_code

            with ThreadPoolExecutor(max_workers=8) as pool:
                statuses = list(pool.map(register, range(40)))
            assert statuses == [201] * 40
            listed = client.get("/officers", params={"limit": 100}, headers=HR).json()
            assert len(listed["items"]) == 40
            # The workers sign every half second: wait until a checkpoint covers the log.
            deadline = time.monotonic() + 120
            while True:
                report = client.get("/audit/verify", headers=AUDITOR).json()
                if report["checkpoints_checked"] >= 1 and report["events"] >= 40:
                    break
                assert time.monotonic() < deadline, report
                time.sleep(0.2)
        assert report["ok"] is True, report
        assert report["events"] >= 40
        assert report["checkpoints_checked"] >= 1
        assert [p.name for p in (tmp_path / "audit").glob("*.pem")] != []
        assert len(list((tmp_path / "audit").glob("signing-key*.pem"))) == 1
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        pg.drop(url)
