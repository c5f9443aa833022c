"""docs/walkthrough.md works as written: its shell blocks run, in order, against a real
postings service, and every result it promises (`# →` lines) appears, in order."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from services.postings.main import create_app
from shared import migrate
from shared.settings import PostingsSettings
from tests.support.live import LiveServer
from tests.support.roi import in_process_roi

ROOT = Path(__file__).resolve().parent.parent
WALKTHROUGH = (ROOT / "docs" / "walkthrough.md").read_text()


def blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", WALKTHROUGH, flags=re.S)


def promises() -> list[str]:
    return [m.strip() for m in re.findall(r"^# → (.*)$", WALKTHROUGH, flags=re.M)]


@pytest.mark.e2e
def test_the_walkthrough_runs_as_written(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/postings.sqlite3"
    roi_url = f"sqlite:///{tmp_path}/roi.sqlite3"
    migrate.upgrade("postings", url)
    migrate.upgrade("roi", roi_url)
    with (
        in_process_roi(roi_url) as roi,
        LiveServer(create_app(PostingsSettings(database_url=url), roi=roi)) as server,
    ):
        script = "set -euo pipefail\n" + "\n".join(blocks())
        result = subprocess.run(
            ["bash", "-c", script],
            cwd=ROOT,
            env={**os.environ, "POSTINGS_URL": server.url},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert result.returncode == 0, result.stderr
    output = result.stdout
    position = 0
    for promise in promises():
        found = output.find(promise, position)
        assert found >= 0, f"not seen after position {position}: {promise}\n{output}"
        position = found
    assert "PdrMustBeCompletedBeforeTheMove" in output
