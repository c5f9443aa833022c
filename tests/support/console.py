"""The three services on this test's databases and the console in front of them, each
running for real on a loopback port: the console reaches the services over real HTTP,
as a browser reaches the console."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from services.appeals.main import create_app as create_appeals
from services.console.main import create_app as create_console
from services.console.settings import ConsoleSettings
from services.postings.main import create_app as create_postings
from services.roi.main import create_app as create_roi
from shared.settings import AppealsSettings, PostingsSettings, RoiSettings
from tests.support.live import LiveServer, free_port


@dataclass(frozen=True)
class RunningConsole:
    url: str
    #: Clients of the services' APIs, for a test to set up what a journey starts from.
    postings: httpx.Client
    appeals: httpx.Client
    roi: httpx.Client


@contextmanager
def running_console(
    database_urls: dict[str, str],
    audit_root: Path,
    *,
    console: ConsoleSettings | None = None,
    tokens: dict[str, Any] | None = None,
    follow: bool = True,
) -> Iterator[RunningConsole]:
    """``tokens``: the JWT settings all three services verify with, when not the default
    development secret (an identity provider's key set, say). ``follow``: postings and
    appeals follow each other's feeds (with a token of the service role, which only the
    development secret mints here)."""
    trust = tokens or {}
    ports = {name: free_port() for name in ("postings", "appeals", "roi")}
    url = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    postings_app = create_postings(
        PostingsSettings(
            database_url=database_urls["postings"],
            audit_dir=str(audit_root / "postings"),
            roi_url=url["roi"],
            appeals_url=url["appeals"] if follow else "",
            follower_poll_seconds=0.05,
            **trust,
        )
    )
    appeals_app = create_appeals(
        AppealsSettings(
            database_url=database_urls["appeals"],
            audit_dir=str(audit_root / "appeals"),
            postings_url=url["postings"] if follow else "",
            follower_poll_seconds=0.05,
            **trust,
        )
    )
    roi_app = create_roi(
        RoiSettings(
            database_url=database_urls["roi"],
            audit_dir=str(audit_root / "roi"),
            postings_url=url["postings"],
            **trust,
        )
    )
    settings = (console or ConsoleSettings()).model_copy(
        update={
            "postings_url": url["postings"],
            "appeals_url": url["appeals"],
            "roi_url": url["roi"],
        }
    )
    with ExitStack() as stack:
        stack.enter_context(LiveServer(roi_app, port=ports["roi"]))
        stack.enter_context(LiveServer(postings_app, port=ports["postings"]))
        stack.enter_context(LiveServer(appeals_app, port=ports["appeals"]))
        front = stack.enter_context(LiveServer(create_console(settings)))
        postings = stack.enter_context(httpx.Client(base_url=url["postings"]))
        appeals = stack.enter_context(httpx.Client(base_url=url["appeals"]))
        roi = stack.enter_context(httpx.Client(base_url=url["roi"]))
        yield RunningConsole(url=front.url, postings=postings, appeals=appeals, roi=roi)
