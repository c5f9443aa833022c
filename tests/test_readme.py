"""The README's example works when pasted into a fresh `./dev run`: its block runs as
written against real servers on fresh databases (only the address is this test's), and
every call in it succeeds."""

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
README = (ROOT / "README.md").read_text()
RUN_ADDRESS = "http://127.0.0.1:8001"


def example() -> str:
    section = README.split("## Calling the API", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, flags=re.S)
    assert block is not None
    return block.group(1)


@pytest.mark.e2e
def test_the_readmes_example_runs_as_written(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/postings.sqlite3"
    roi_url = f"sqlite:///{tmp_path}/roi.sqlite3"
    migrate.upgrade("postings", url)
    migrate.upgrade("roi", roi_url)
    # Every call must succeed: curl fails on an HTTP error and the shell stops there.
    script = example().replace("curl -s ", "curl -sS --fail-with-body ")
    assert script.count("--fail-with-body") == 3
    with (
        in_process_roi(roi_url) as roi,
        LiveServer(create_app(PostingsSettings(database_url=url), roi=roi)) as server,
    ):
        result = subprocess.run(
            ["bash", "-c", "set -euo pipefail\n" + script.replace(RUN_ADDRESS, server.url)],
            cwd=ROOT,
            env=os.environ.copy(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"code":"tonbridge"' in result.stdout
    assert '"officer_id":"K100"' in result.stdout
    assert '"kind":"redeployment"' in result.stdout
