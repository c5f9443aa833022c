"""Lists in order of arrival (the audit trail's acts, the panel's postings, 1068 requests,
appeals) follow the log: each row takes its event's position, given while the log is
ordered (shared.arrival). A count drawn when the row was projected tied with, or came
before, one drawn by a unit of work that committed first, so a client paging through a
list lost rows or read them twice (found by the outside tester). PostgreSQL only: SQLite
has one writer at a time, so its units of work never overlap."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from shared import migrate
from shared.rebuild import rebuild_read_models
from shared.roles import Role
from shared.settings import RoiSettings
from tests.force import (
    DIRECTOR,
    HR,
    compulsory,
    expect,
    force_client,  # noqa: F401 - this module's ``client``
)
from tests.helpers import designate_until, officer_body
from tests.support.tokens import bearer

AUDITOR = bearer(Role.AUDITOR)
LD = bearer(Role.HEAD_OF_L_AND_D)
PAGE = 7


@pytest.fixture
def backend() -> str:
    return "postgresql"


@pytest.fixture
def roi_settings(roi_settings: RoiSettings) -> RoiSettings:
    """The auditor reads a page as fast as it can: far more than the cap on expensive
    queries an auditor is held to."""
    return roi_settings.model_copy(update={"expensive_queries_per_minute": 100_000})


def test_a_list_paged_while_it_is_written_only_grows_at_its_end(roi_client: TestClient) -> None:
    """An auditor pages through the acts, by offset, while three writers record more. Every
    page read carries on where the last one ended: what was read is, in order, the start of
    the list as it stands at the end, with nothing lost and nothing read twice."""
    stop = threading.Event()
    written: list[int] = []

    def write(worker: int) -> None:
        designate_until(roi_client, stop, written, worker, LD)

    def page(offset: int) -> list[int]:
        answer = roi_client.get(
            "/audit/decisions", params={"limit": PAGE, "offset": offset}, headers=AUDITOR
        )
        return [act["position"] for act in expect(answer, 200)["items"]]

    read: list[int] = []
    with ThreadPoolExecutor(max_workers=3) as pool:
        writers = [pool.submit(write, w) for w in range(3)]
        try:
            # Read on while the writers write, until enough was written to have raced often.
            while len(written) < 150 and all(not w.done() for w in writers):
                read.extend(page(len(read)))
        finally:
            stop.set()
        for w in writers:
            w.result()
    while batch := page(len(read)):
        read.extend(batch)

    everything = _all_positions(roi_client)
    assert len(read) == len(set(read)), "an act was read twice"
    assert read == everything, "an act appeared behind a page already read"
    assert read == sorted(read)


def test_queues_take_their_events_positions_and_a_rebuild_keeps_them(
    client: TestClient,
) -> None:
    """Postings decided at the same moment are queued in the order the log holds their
    decisions, as are their acts in the audit index; a rebuild draws the same numbers."""
    officers = [f"K2{n:02d}" for n in range(8)]
    for officer_id in officers:
        expect(
            client.post("/officers", json=officer_body(officer_id), headers=HR),
            201,
        )
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(
            pool.map(
                lambda officer_id: client.post(
                    "/postings/compulsory",
                    json=compulsory(officer_id=officer_id),
                    headers=DIRECTOR,
                ),
                officers,
            )
        )
    for answer in answers:
        expect(answer, 201)

    before = _numbers(client)
    decided = before["postings"]
    assert len(decided) == len(officers)
    # The posting's number is the position of an event of that posting, and so one that
    # no other row shares.
    for posting_id, (seq, positions) in decided.items():
        assert seq in positions, posting_id
    assert len({seq for seq, _ in decided.values()}) == len(decided)
    for (record, version), (seq, position) in before["acts"].items():
        assert seq == position, (record, version)

    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    rebuild_read_models(runtime.application, migrate.service_metadata("postings"), runtime.tables)
    assert _numbers(client) == before


def _numbers(client: TestClient) -> dict[str, dict[Any, Any]]:
    engine = client.app.state.runtime.db.engine  # type: ignore[attr-defined]
    with engine.connect() as db:
        postings = {
            row.id: (
                row.decided_seq,
                set(
                    db.execute(
                        text(
                            "SELECT id FROM postings_events WHERE originator_id = CAST(:id AS uuid)"
                        ),
                        {"id": row.id},
                    ).scalars()
                ),
            )
            for row in db.execute(text("SELECT id, decided_seq FROM postings"))
        }
        acts = {
            (str(row.record_id), row.record_version): (row.recorded_seq, row.id)
            for row in db.execute(
                text(
                    "SELECT a.record_id, a.record_version, a.recorded_seq, e.id "
                    "FROM audit_decisions a JOIN postings_events e "
                    "ON e.originator_id = a.record_id "
                    "AND e.originator_version = a.record_version"
                )
            )
        }
    return {"postings": postings, "acts": acts}


def _all_positions(client: TestClient) -> list[int]:
    positions: list[int] = []
    while True:
        answer = client.get(
            "/audit/decisions", params={"limit": 100, "offset": len(positions)}, headers=AUDITOR
        )
        items = expect(answer, 200)["items"]
        positions.extend(act["position"] for act in items)
        if len(items) < 100:
            return positions
