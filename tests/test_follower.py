"""Appeals follows postings' feed over real HTTP. A follower that dies mid-feed and is
started again applies every upstream event exactly once, because its position commits in
the same transaction as the event's effect."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from services.appeals.followers.postings_feed import FEED
from services.appeals.main import build_runtime
from services.appeals.projections.tables import kernel as appeals_kernel
from services.appeals.projections.tables import posting_decisions
from services.postings.clients.roi import RoiClient
from services.postings.main import create_app as create_postings
from shared.clock import SystemClock
from shared.db import Database
from shared.feed_client import FeedClient, FeedRead, service_token_provider
from shared.follower import Follower
from shared.roles import Role
from shared.settings import AppealsSettings, PostingsSettings
from tests.helpers import COMMANDER_NORTH, HR, LOCATIONS, officer_body, redeployment_body
from tests.support.feeds import appeals_follower_handler
from tests.support.live import LiveServer, free_port
from tests.support.tokens import bearer


class Crash(Exception):
    """Stands for the process dying while it applies an event."""


@pytest.fixture
def postings_live(
    postings_settings: PostingsSettings, roi_question: RoiClient
) -> Iterator[LiveServer]:
    with LiveServer(create_postings(postings_settings, roi=roi_question)) as server:
        yield server


def decide_postings(base_url: str, count: int) -> list[str]:
    """Register officers and decide and notify a re-deployment for each: 3 events apiece."""
    ids = []
    with httpx.Client(base_url=base_url) as http:
        for code, (name, division, town, lat, lon) in LOCATIONS.items():
            location = {"code": code, "name": name, "division": division, "town": town}
            http.post("/locations", json={**location, "lat": lat, "lon": lon}, headers=HR)
        for n in range(count):
            officer = f"K{n:03}"
            assert http.post("/officers", json=officer_body(officer), headers=HR).status_code == 201
            decided = http.post(
                "/postings/redeployments",
                json=redeployment_body(officer),
                headers=COMMANDER_NORTH,
            )
            assert decided.status_code == 201, decided.text
            posting_id = decided.json()["id"]
            notified = http.post(
                f"/postings/{posting_id}/notifications",
                json={"recipients": [officer], "content": "You are re-deployed"},
                headers=HR,
            )
            assert notified.status_code == 200
            ids.append(posting_id)
    return ids


def upstream_events(base_url: str) -> int:
    """How many events postings has recorded: its feed's last id."""
    auditor = bearer(Role.AUDITOR)
    page = httpx.get(f"{base_url}/events", params={"limit": 1000}, headers=auditor).json()
    return int(page["last_id"])


def projected(url: str) -> list[tuple[str, bool]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(posting_decisions.c.posting_id, posting_decisions.c.notified_at)
            ).all()
    finally:
        engine.dispose()
    return sorted((r.posting_id, r.notified_at is not None) for r in rows)


def make_follower(
    appeals: AppealsSettings, db: Database, handler: Any = None, batch: int = 4
) -> Follower:
    handler = handler or appeals_follower_handler(db)
    return Follower(
        feed=FEED,
        db=db,
        tables=appeals_kernel,
        client=FeedClient(appeals.postings_url, service_token_provider(appeals)),
        handler=handler,
        clock=SystemClock(),
        batch_size=batch,
    )


def test_a_follower_killed_mid_feed_applies_every_event_exactly_once_after_restart(
    postings_live: LiveServer, database_urls: dict[str, str]
) -> None:
    posting_ids = decide_postings(postings_live.url, 5)
    appeals = AppealsSettings(database_url=database_urls["appeals"], postings_url=postings_live.url)
    db = Database(appeals.effective_database_url)
    apply_postings_event = appeals_follower_handler(db)

    def crash_on_the_eighth(session: Session, item: dict[str, Any]) -> None:
        # By position: a batch that fails is applied again item by item.
        if item["id"] == 8:
            raise Crash
        apply_postings_event(session, item)

    first = make_follower(appeals, db, crash_on_the_eighth)
    with pytest.raises(Crash):
        first.catch_up()
    first.stop()
    assert first.position() == 7  # the eighth event's effect and position rolled back together

    second = make_follower(appeals, db)
    assert second.catch_up() == upstream_events(postings_live.url) - 7
    assert second.catch_up() == 0  # nothing new: nothing applied twice
    second.stop()
    db.close()

    assert projected(database_urls["appeals"]) == sorted((pid, True) for pid in posting_ids)


class RewindingFeed(FeedClient):
    """At-least-once delivery at its worst: every page starts three events too early."""

    def read(self, *, after: int, limit: int) -> FeedRead:
        return super().read(after=max(0, after - 3), limit=limit)


def test_redelivered_events_are_not_applied_again(
    postings_live: LiveServer, database_urls: dict[str, str]
) -> None:
    decide_postings(postings_live.url, 3)
    appeals = AppealsSettings(database_url=database_urls["appeals"], postings_url=postings_live.url)
    db = Database(appeals.effective_database_url)
    seen: list[int] = []
    apply_postings_event = appeals_follower_handler(db)

    def counting(session: Session, item: dict[str, Any]) -> None:
        apply_postings_event(session, item)
        seen.append(item["id"])

    follower = Follower(
        feed=FEED,
        db=db,
        tables=appeals_kernel,
        client=RewindingFeed(appeals.postings_url, service_token_provider(appeals)),
        handler=counting,
        clock=SystemClock(),
        batch_size=4,
    )
    follower.catch_up()
    follower.stop()
    db.close()

    assert seen == list(range(1, upstream_events(postings_live.url) + 1))


@pytest.mark.e2e
def test_appeals_process_killed_and_restarted_catches_up_exactly_once(
    postings_live: LiveServer, database_urls: dict[str, str], backend: str
) -> None:
    """The real thing: appeals as its own process, SIGKILLed while following, started again."""
    port = free_port()
    env = {
        **os.environ,
        "APPEALS_DATABASE_URL": database_urls["appeals"],
        "APPEALS_POSTINGS_URL": postings_live.url,
        "APPEALS_PORT": str(port),
        "APPEALS_FOLLOWER_BATCH_SIZE": "1",
        "APPEALS_FOLLOWER_POLL_SECONDS": "0.05",
    }

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "shared.cli", "serve", "appeals", "--log-level", "warning"],
            env=env,
        )

    posting_ids = decide_postings(postings_live.url, 4)
    process = start()
    try:
        _wait_until(lambda: len(projected(database_urls["appeals"])) >= 1)
        process.send_signal(signal.SIGKILL)  # mid-feed, no chance to tidy up
        process.wait(timeout=10)
        posting_ids += decide_postings_more(postings_live.url, 4, 2)
        process = start()
        _wait_until(
            lambda: projected(database_urls["appeals"]) == sorted((p, True) for p in posting_ids)
        )
    finally:
        process.terminate()
        process.wait(timeout=10)

    engine = create_engine(database_urls["appeals"])
    with engine.connect() as conn:
        position = conn.execute(
            select(appeals_kernel.follower_positions.c.position).where(
                appeals_kernel.follower_positions.c.feed == FEED
            )
        ).scalar_one()
        rows = conn.execute(select(func.count()).select_from(posting_decisions)).scalar_one()
    engine.dispose()
    assert position == upstream_events(postings_live.url)
    assert rows == 6


def decide_postings_more(base_url: str, start: int, count: int) -> list[str]:
    ids = []
    with httpx.Client(base_url=base_url) as http:
        for n in range(start, start + count):
            officer = f"K{n:03}"
            assert http.post("/officers", json=officer_body(officer), headers=HR).status_code == 201
            decided = http.post(
                "/postings/redeployments", json=redeployment_body(officer), headers=COMMANDER_NORTH
            )
            posting_id = decided.json()["id"]
            http.post(
                f"/postings/{posting_id}/notifications",
                json={"recipients": [officer], "content": "You are re-deployed"},
                headers=HR,
            )
            ids.append(posting_id)
    return ids


def _wait_until(condition: Any, timeout: float = 180) -> None:
    """A process starting on a busy machine can take long: wait for the condition, with a
    deadline generous enough never to be the reason a test fails."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def test_appeals_runtime_follows_postings_in_the_background(
    postings_live: LiveServer, database_urls: dict[str, str]
) -> None:
    posting_ids = decide_postings(postings_live.url, 2)
    appeals = AppealsSettings(
        database_url=database_urls["appeals"],
        postings_url=postings_live.url,
        follower_poll_seconds=0.05,
    )
    runtime = build_runtime(appeals)
    runtime.start()
    try:
        _wait_until(
            lambda: projected(database_urls["appeals"]) == sorted((p, True) for p in posting_ids)
        )
    finally:
        runtime.stop()


class _Waits:
    """Stands for the follower's stop flag: records each wait, and stops the follower once
    it has waited ``until`` times."""

    def __init__(self, until: int) -> None:
        self.waited: list[float] = []
        self._until = until

    def is_set(self) -> bool:
        return len(self.waited) >= self._until

    def wait(self, seconds: float) -> bool:
        self.waited.append(seconds)
        return self.is_set()

    def set(self) -> None:
        self._until = len(self.waited)


def test_a_follower_reads_on_while_batches_are_full_and_lets_events_gather_at_the_end(
    postings_live: LiveServer, database_urls: dict[str, str]
) -> None:
    """Catching up, each full batch is followed by the next read at once; a batch that
    reached the feed's end is followed by a short wait for more events to gather (so that
    under load one read carries several decisions), and an empty read by the poll interval."""
    decide_postings(postings_live.url, 3)  # 9 events: batches of 4, 4 and 1
    appeals = AppealsSettings(database_url=database_urls["appeals"], postings_url=postings_live.url)
    db = Database(appeals.database_url)
    follower = Follower(
        feed=FEED,
        db=db,
        tables=appeals_kernel,
        client=FeedClient(appeals.postings_url, service_token_provider(appeals)),
        handler=appeals_follower_handler(db),
        clock=SystemClock(),
        batch_size=4,
        poll_seconds=2.0,
        linger_seconds=0.25,
    )
    waits = _Waits(until=2)
    follower._stop = waits  # type: ignore[assignment]
    try:
        follower._loop()
        position = follower.position()
    finally:
        follower.stop()
        db.close()
    assert waits.waited == [0.25, 2.0]
    assert position == upstream_events(postings_live.url)
