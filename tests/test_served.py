"""A served process (``serve``) builds its app and freezes what it made out of the cycle
collector, so that full collections do not walk the app again on every request's time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("service", ["postings", "appeals", "roi", "console"])
def test_a_served_app_is_built_then_frozen_out_of_the_collector(
    service: str, tmp_path: Path
) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(service.upper() + "_")},
        "PYTHONPATH": str(ROOT),
        f"{service.upper()}_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        f"{service.upper()}_AUDIT_DIR": str(tmp_path / "audit"),
    }
    probe = (
        "import gc, sys\n"
        f"from shared.served import {service}\n"
        f"app = {service}()\n"
        "print(type(app).__name__, gc.get_freeze_count())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    kind, frozen = done.stdout.split()
    assert kind == "FastAPI"
    # The app and every module behind it: far more than an interpreter starts with.
    assert int(frozen) > 50_000
