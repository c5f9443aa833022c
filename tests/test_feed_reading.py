"""Reading a feed. A read for some of its types (``GET /events?types=``) gives every event
of those types, in order, and passes over the rest: a follower that reads on from each
page's ``last_id`` never skips an event it follows, even while decisions are being
recorded. A page's sealed values are opened with each officer's key read once for it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from services.appeals.followers.postings_feed import FEED, FOLLOWED
from services.appeals.projections.tables import kernel as appeals_kernel
from services.postings.clients.roi import RoiClient
from services.postings.main import create_app as create_postings
from shared.api.feed import FEED_TYPES_MAX
from shared.clock import SystemClock
from shared.contracts import types_of
from shared.db import Database
from shared.feed_client import FeedClient, service_token_provider
from shared.follower import Follower
from shared.roles import Role
from shared.settings import AppealsSettings, PostingsSettings
from tests.helpers import COMMANDER_NORTH, HR, LOCATIONS, officer_body, redeployment_body
from tests.support.live import LiveServer
from tests.support.tokens import bearer

AUDITOR = bearer(Role.AUDITOR)
FOLLOWED_TYPES = ",".join(types_of(FOLLOWED))


def record_postings(http: httpx.Client | TestClient, officers: range) -> None:
    """Per officer: registered, re-deployed and notified; events of several types."""
    for n in officers:
        officer = f"K{n:03}"
        assert http.post("/officers", json=officer_body(officer), headers=HR).status_code == 201
        decided = http.post(
            "/postings/redeployments", json=redeployment_body(officer), headers=COMMANDER_NORTH
        )
        assert decided.status_code == 201, decided.text
        notified = http.post(
            f"/postings/{decided.json()['id']}/notifications",
            json={"recipients": [officer], "content": "You are re-deployed"},
            headers=HR,
        )
        assert notified.status_code == 200, notified.text


def register_locations(http: httpx.Client | TestClient) -> None:
    for code, (name, division, town, lat, lon) in LOCATIONS.items():
        body = {"code": code, "name": name, "division": division, "town": town}
        http.post("/locations", json={**body, "lat": lat, "lon": lon}, headers=HR)


def whole_feed(http: httpx.Client | TestClient) -> dict[str, Any]:
    page: dict[str, Any] = http.get("/events", params={"limit": 1000}, headers=AUDITOR).json()
    assert len(page["items"]) < 1000
    return page


def read_filtered(
    http: httpx.Client | TestClient, types: str, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """Every item of ``types``, page by page, reading on from each page's ``last_id``."""
    found: list[dict[str, Any]] = []
    after = 0
    while True:
        answer = http.get(
            "/events", params={"after": after, "limit": limit, "types": types}, headers=AUDITOR
        )
        assert answer.status_code == 200, answer.text
        page = answer.json()
        assert page["last_id"] >= after
        found.extend(page["items"])
        if len(page["items"]) < limit:
            return found, page["last_id"]
        after = page["last_id"]


@pytest.fixture
def postings(postings_settings: PostingsSettings, roi_question: RoiClient) -> Iterator[TestClient]:
    with TestClient(create_postings(postings_settings, roi=roi_question)) as client:
        register_locations(client)
        record_postings(client, range(3))
        yield client


@pytest.mark.parametrize("limit", [1, 2, 3, 100])
def test_a_filtered_read_gives_every_event_of_its_types_in_order_and_reads_to_the_end(
    postings: TestClient, limit: int
) -> None:
    whole = whole_feed(postings)
    expected = [item for item in whole["items"] if item["type"] in FOLLOWED_TYPES]
    assert expected
    assert len(expected) < len(whole["items"])  # some are passed over

    found, last_id = read_filtered(postings, FOLLOWED_TYPES, limit)

    assert found == expected
    assert last_id == whole["last_id"]  # past the types not asked for, to the end


def test_a_type_the_service_does_not_publish_matches_nothing_and_the_read_reaches_the_end(
    postings: TestClient,
) -> None:
    """A follower upgraded before its feed may name a type the feed publishes later."""
    whole = whole_feed(postings)
    page = postings.get(
        "/events", params={"types": "Appeal.Decided"}, headers=bearer(Role.SERVICE)
    ).json()
    assert page == {"items": [], "last_id": whole["last_id"]}
    past_the_end = postings.get(
        "/events", params={"after": whole["last_id"] + 5, "types": FOLLOWED_TYPES}, headers=AUDITOR
    ).json()
    assert past_the_end == {"items": [], "last_id": whole["last_id"] + 5}


@pytest.mark.parametrize(
    "types",
    [
        ["Posting Decided"],
        [""],
        ["x" * 121],
        ["Posting.Decided;DROP"],
        ["T"] * (FEED_TYPES_MAX + 1),
    ],
)
def test_a_malformed_type_is_refused_naming_the_parameter(
    postings: TestClient, types: list[str]
) -> None:
    answer = postings.get("/events", params={"types": types}, headers=AUDITOR)
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert {e["field"].split(".")[:2] == ["query", "types"] for e in answer.json()["errors"]} == {
        True
    }


def test_a_page_reads_the_keys_of_all_its_officers_in_one_statement(
    postings: TestClient,
) -> None:
    db = postings.app.state.runtime.db  # type: ignore[attr-defined]
    keys = postings.app.state.runtime.tables.officer_keys.name  # type: ignore[attr-defined]
    asked: list[str] = []

    def statement(_c: Any, _cur: Any, sql: str, *_: Any) -> None:
        if keys in sql:
            asked.append(sql)

    engines = {db.engine, db._reading}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", statement)
    try:
        page = expect_page(postings.get("/events", params={"limit": 1000}, headers=AUDITOR))
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", statement)

    officers = {i["data"]["officer_id"] for i in page["items"] if "officer_id" in i["data"]}
    assert len(officers) == 3
    assert len(asked) == 1
    # Opened: the rationale is read as recorded, not as a placeholder.
    decided = [i for i in page["items"] if i["type"] == "Posting.Decided"]
    assert {i["data"]["decision"]["rationale"] for i in decided} == {
        redeployment_body()["rationale"]
    }


def expect_page(answer: httpx.Response) -> dict[str, Any]:
    assert answer.status_code == 200, answer.text
    page: dict[str, Any] = answer.json()
    return page


# Concurrent writers are PostgreSQL's case: SQLite takes one writer at a time.
@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_filtered_follower_skips_nothing_while_decisions_are_recorded(
    postings_settings: PostingsSettings,
    roi_question: RoiClient,
    database_urls: dict[str, str],
    backend: str,
) -> None:
    """Writers record decisions on four threads while a follower reads three items at a
    time for appeals' types; what it applied is exactly the whole feed's items of those
    types, each once, in order, and its position ends at the feed's end."""
    with LiveServer(create_postings(postings_settings, roi=roi_question)) as server:
        with httpx.Client(base_url=server.url, timeout=60) as http:
            register_locations(http)
        appeals = AppealsSettings(database_url=database_urls["appeals"], postings_url=server.url)
        db = Database(appeals.effective_database_url)
        applied: list[dict[str, Any]] = []
        follower = Follower(
            feed=FEED,
            db=db,
            tables=appeals_kernel,
            client=FeedClient(
                appeals.postings_url, service_token_provider(appeals), types=types_of(FOLLOWED)
            ),
            handler=lambda session, item: applied.append(item),
            clock=SystemClock(),
            batch_size=3,
        )
        writing = threading.Event()
        writing.set()

        def write(start: int) -> None:
            with httpx.Client(base_url=server.url, timeout=60) as http:
                record_postings(http, range(start, start + 6))

        try:
            with ThreadPoolExecutor(4) as pool:
                writers = [pool.submit(write, start) for start in range(0, 24, 6)]
                while not all(w.done() for w in writers):
                    follower.run_once()
                for w in writers:
                    w.result()
            follower.catch_up()
            with httpx.Client(base_url=server.url, timeout=60) as http:
                whole = whole_feed(http)
            position = follower.position()
        finally:
            follower.stop()
            db.close()

    expected = [item for item in whole["items"] if item["type"] in FOLLOWED_TYPES]
    # The follower reads as a service, redacted: the same events by position and type.
    assert [(i["id"], i["type"]) for i in applied] == [(i["id"], i["type"]) for i in expected]
    assert position == whole["last_id"]


def test_every_moved_class_is_registered_where_a_filtered_read_finds_its_old_topics() -> None:
    """``register_topic`` alone would let the library read an old topic while a feed read
    for the type passed over it (shared.moved_topics)."""
    root = Path(__file__).resolve().parent.parent
    direct = [
        str(path.relative_to(root))
        for folder in ("shared", "services")
        for path in (root / folder).rglob("*.py")
        if "register_topic(" in path.read_text(encoding="utf-8")
        and path != root / "shared" / "moved_topics.py"
    ]
    assert direct == []


def test_a_client_asking_for_no_types_is_refused_at_once() -> None:
    """An empty list would be sent as ``types=``, refused by the feed at every poll."""
    with pytest.raises(ValueError, match="at least one type"):
        FeedClient("http://127.0.0.1:9", lambda: "token", types=[])
