"""The README's run command brings all three services up, migrated, on the embedded default,
and the web console beside them, whose address it prints first."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.helpers import HR, LOCATIONS
from tests.support.live import free_port

ROOT = Path(__file__).resolve().parent.parent
#: Settings of the environment the test runs in, kept from the run command it starts.
PREFIXES = ("POSTINGS_", "APPEALS_", "ROI_", "CONSOLE_")


@pytest.mark.e2e
def test_run_starts_three_services_that_answer_health_and_readiness(tmp_path: Path) -> None:
    ports = {name: free_port() for name in ("postings", "appeals", "roi", "console")}
    env = {k: v for k, v in os.environ.items() if not k.startswith(PREFIXES)}
    for name, port in ports.items():
        env[f"{name.upper()}_PORT"] = str(port)
    env["APPEALS_POSTINGS_URL"] = f"http://127.0.0.1:{ports['postings']}"
    # The embedded default: SQLite files under var/ of the working directory.
    process = subprocess.Popen(
        [sys.executable, "-m", "shared.cli", "run"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        output = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            output.append(line)
            if "officer-postings is running" in line or process.poll() is not None:
                break
        assert any("officer-postings is running" in line for line in output), "".join(output)
        listed = []  # the addresses printed, in order (the services' logs may interleave)
        while not any("Mint a token" in line for line in output):
            output.append(process.stdout.readline())
            address = re.match(r"^\s+(console|postings|appeals|roi)\s+(\S+)", output[-1])
            if address:
                listed.append(address.groups())
        assert listed[0] == ("console", f"http://127.0.0.1:{ports['console']}"), listed
        assert [name for name, _ in listed] == ["console", "postings", "appeals", "roi"]
        for name, port in ports.items():
            base = f"http://127.0.0.1:{port}"
            assert httpx.get(f"{base}/healthz").json()["service"] == name
            assert httpx.get(f"{base}/readyz").status_code == 200
        # The console reaches the services where the run command started them.
        sign_in = httpx.get(f"http://127.0.0.1:{ports['console']}/sign-in")
        assert "Sign in" in sign_in.text
        for name in ("postings", "appeals", "roi"):
            assert (tmp_path / "var" / f"{name}.sqlite3").exists()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


@pytest.mark.e2e
def test_run_with_the_hr_simulator_syncs_postings_with_it(tmp_path: Path) -> None:
    ports = {name: free_port() for name in ("postings", "appeals", "roi", "sim")}
    env = {k: v for k, v in os.environ.items() if not k.startswith(PREFIXES)}
    for name in ("postings", "appeals", "roi"):
        env[f"{name.upper()}_PORT"] = str(ports[name])
    env["APPEALS_POSTINGS_URL"] = f"http://127.0.0.1:{ports['postings']}"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "shared.cli",
            "run",
            "--with-hr-simulator",
            "--hr-simulator-port",
            str(ports["sim"]),
            "--no-console",
        ],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    postings = f"http://127.0.0.1:{ports['postings']}"
    try:
        assert process.stdout is not None
        output = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            output.append(line)
            if "HR system (simulator)" in line or process.poll() is not None:
                break
        assert any("HR system (simulator)" in line for line in output), "".join(output)
        # The first sync runs by itself soon after start.
        runs: list[dict[str, object]] = []
        deadline = time.monotonic() + 120
        while not runs and time.monotonic() < deadline:
            runs = httpx.get(f"{postings}/hr-system/sync-runs", headers=HR).json()["items"]
            time.sleep(0.5)
        assert runs, "no sync ran"
        for code, (name, division, town, lat, lon) in LOCATIONS.items():
            body = {"code": code, "name": name, "division": division, "town": town}
            httpx.post(f"{postings}/locations", json={**body, "lat": lat, "lon": lon}, headers=HR)
        synced = httpx.post(f"{postings}/hr-system/sync", headers=HR).json()
        assert synced["problems"] == []
        assert httpx.get(f"{postings}/officers/K300", headers=HR).json()["name"] == "Jo Morgan"
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
