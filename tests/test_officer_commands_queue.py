"""Commands that change an officer's record queue behind one another on that record
(``PostingsApplication.officer_to_change``), as decisions already did. Without the queue a
sustained burst on one officer lost the race on the record's version again and again, and
gave up with a 409 (found by the outside tester on the officer's statement of
preferences). The record's version still guards every rule. PostgreSQL only: SQLite has
one writer at a time."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from services.postings.domain.officer import officer_aggregate_id
from shared.eventstore import _lock_key
from tests.force import (
    AUDITOR,
    PSD,
    expect,
    force_client,  # noqa: F401 - this module's ``client``
    officer,
)
from tests.helpers import HR
from tests.support.http import eventually

PREFERENCES = {"places": ["tonbridge", "ashford"], "rationale": "Closest to home"}

#: (method, path, body, headers, status) of commands that change K100's record.
COMMANDS: dict[str, tuple[str, str, dict[str, Any], dict[str, str], int]] = {
    "preferences": ("PUT", "/officers/K100/preferences", PREFERENCES, officer("K100"), 200),
    "pdr": ("PUT", "/officers/K100/pdr", {"due_on": "2027-03-01"}, HR, 200),
    "restriction": (
        "POST",
        "/officers/K100/restrictions",
        {"location": "dover", "rationale": "Conflict with a Dover investigation"},
        PSD,
        201,
    ),
}


@pytest.fixture
def backend() -> str:
    return "postgresql"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_change_to_an_officer_waits_for_another_changing_them(
    client: TestClient, command: str
) -> None:
    method, path, body, headers, status = COMMANDS[command]
    url = client.app.state.runtime.db.engine.url  # type: ignore[attr-defined]
    holder = create_engine(url)
    try:
        with holder.connect() as other, ThreadPoolExecutor(1) as pool:
            other.execute(
                text("SELECT pg_advisory_xact_lock(:key)"),
                {"key": _lock_key(officer_aggregate_id("K100"))},
            )
            sent = pool.submit(client.request, method, path, json=body, headers=headers)

            def waiting() -> bool:
                return bool(
                    other.execute(
                        text(
                            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                            "AND NOT granted AND mode = 'ExclusiveLock'"
                        )
                    ).scalar()
                )

            eventually(waiting)
            assert not sent.done()
            other.commit()
            expect(sent.result(timeout=120), status)
    finally:
        holder.dispose()


def test_a_burst_of_statements_by_one_officer_all_stand(client: TestClient) -> None:
    """Each statement replaces the last; all are recorded, one version each."""

    def state(n: int) -> int:
        body = {**PREFERENCES, "rationale": f"Statement {n}"}
        answer = client.put("/officers/K100/preferences", json=body, headers=officer("K100"))
        return answer.status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(state, range(24)))
    assert statuses == [200] * 24
    acts = expect(
        client.get(
            "/audit/decisions",
            params={"officer_id": "K100", "clause": "L1800 3.7.2", "limit": 100},
            headers=AUDITOR,
        ),
        200,
    )
    assert acts["total"] == 24
    assert len({act["case_version"] for act in acts["items"]}) == 24
