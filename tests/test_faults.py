"""Under concurrent load over loopback HTTP, on SQLite and PostgreSQL: 1,000 repeats of one
Idempotency-Key, 20 at a time, store one event and give one answer; 50 commands at the same
expected version give one success and 49 conflicts, and the versions stay contiguous."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, select

from services.postings.clients.roi import RoiClient
from services.postings.main import create_app
from services.postings.projections.tables import kernel
from shared.settings import PostingsSettings
from tests.helpers import (
    COMMANDER_NORTH,
    DECISION_EVENTS,
    HR,
    count_events,
    redeployment_body,
    register_officer,
)
from tests.support.live import LiveServer


@pytest.fixture
def server(postings_settings: PostingsSettings, roi_question: RoiClient) -> Iterator[str]:
    with LiveServer(create_app(postings_settings, roi=roi_question)) as live:
        yield live.url


def test_three_hundred_repeats_of_one_key_twenty_at_a_time_store_one_event(
    server: str, postings_settings: PostingsSettings
) -> None:
    with httpx.Client(base_url=server, timeout=30) as setup:
        register_officer(setup)
    before = count_events(postings_settings.database_url)
    headers = {**COMMANDER_NORTH, "Idempotency-Key": "one-redeployment"}

    def send(_: int) -> tuple[int, str]:
        with httpx.Client(base_url=server, timeout=30) as http:
            response = http.post(
                "/postings/redeployments", json=redeployment_body(), headers=headers
            )
            return response.status_code, response.text

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(send, range(300)))

    assert {status for status, _ in answers} == {201}
    assert len({body for _, body in answers}) == 1
    assert count_events(postings_settings.database_url) == before + DECISION_EVENTS


def test_fifty_commands_at_one_version_give_one_success_and_contiguous_versions(
    server: str, postings_settings: PostingsSettings
) -> None:
    with httpx.Client(base_url=server, timeout=30) as setup:
        register_officer(setup)
        version = setup.get("/officers/K100", headers=HR).headers["etag"]

    def change(n: int) -> int:
        with httpx.Client(base_url=server, timeout=30) as http:
            return http.patch(
                "/officers/K100",
                json={"name": f"Name {n}"},
                headers={**HR, "If-Match": version},
            ).status_code

    with ThreadPoolExecutor(max_workers=25) as pool:
        statuses = list(pool.map(change, range(50)))

    assert sorted(statuses) == [200] + [409] * 49
    engine = create_engine(postings_settings.database_url)
    try:
        with engine.connect() as conn:
            officer_events = conn.execute(
                select(kernel.events.c.originator_id, kernel.events.c.originator_version).order_by(
                    kernel.events.c.id
                )
            ).all()
    finally:
        engine.dispose()
    by_aggregate: dict[Any, list[int]] = {}
    for originator, number in officer_events:
        by_aggregate.setdefault(originator, []).append(number)
    for numbers in by_aggregate.values():
        assert numbers == list(range(1, len(numbers) + 1))
