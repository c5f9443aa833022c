"""Notice given outside the system (DOMAIN.md; L1800 3.10.1): HR records when and how the
officer was told (a letter handed over, in person), at a time in the past, never in the
future and never before the decision; the officer's 14 days to appeal run from then, and
the record keeps who entered it and when."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from services.postings.domain.rules.s3_10_appeals import NoticeIsRecordedAsItWasGiven
from shared.roles import Role
from tests.force import DIRECTOR, NOW, compulsory, officer
from tests.helpers import HR
from tests.support.http import eventually, ok
from tests.support.three_services import System, running_system
from tests.support.tokens import bearer

#: The decision: Sunday 22 November 2026, 10:00. The letter: handed over on Monday at 9:00,
#: recorded by HR on Tuesday at 10:00.
DECIDED = NOW
GIVEN = NOW + timedelta(hours=23)
RECORDED = NOW + timedelta(days=2)
LETTER = {"recipients": ["K100"], "content": "Your posting to Tonbridge", "how": "letter"}
COMMAND_TEAM = bearer(Role.COMMAND_TEAM, subject="acc-ops")
HR_ALICE = bearer(Role.HR_RESOURCE_PLANNING, subject="hr-alice")


@pytest.fixture
def system(database_urls: dict[str, str], tmp_path: Path) -> Iterator[System]:
    with running_system(database_urls, tmp_path) as running:
        yield running


def decided(system: System) -> str:
    return str(
        ok(system.postings.post("/postings/compulsory", json=compulsory(), headers=DIRECTOR), 201)[
            "id"
        ]
    )


def notify(system: System, posting_id: str, **body: Any) -> Any:
    return system.postings.post(
        f"/postings/{posting_id}/notifications", json={**LETTER, **body}, headers=HR_ALICE
    )


def test_a_notice_recorded_late_keeps_when_and_how_it_was_given_and_who_recorded_it(
    system: System,
) -> None:
    posting_id = decided(system)
    system.clock.set(RECORDED)

    ok(notify(system, posting_id, given_at=GIVEN.isoformat()))

    (notice,) = ok(system.postings.get("/officers/K100/notifications", headers=officer("K100")))
    assert notice["notified_at"] == GIVEN.isoformat().replace("+00:00", "Z")
    assert notice["recorded_at"] == RECORDED.isoformat().replace("+00:00", "Z")
    assert (notice["how"], notice["sent_by"]) == ("letter", "hr-alice")


@pytest.mark.parametrize(
    ("given_at", "why"),
    [
        (RECORDED + timedelta(minutes=1), "later than now"),
        (DECIDED - timedelta(minutes=1), "cannot have been given"),
    ],
    ids=["in-the-future", "before-the-decision"],
)
def test_a_notice_is_never_given_in_the_future_nor_before_the_decision(
    system: System, given_at: Any, why: str
) -> None:
    posting_id = decided(system)
    system.clock.set(RECORDED)

    answer = notify(system, posting_id, given_at=given_at.isoformat())

    assert answer.status_code == 422, answer.text
    assert answer.json()["rule"] == NoticeIsRecordedAsItWasGiven.id
    assert answer.json()["violations"][0]["field"] == "given_at"
    assert why in answer.json()["detail"]
    assert ok(system.postings.get("/officers/K100/notifications", headers=HR)) == []


@pytest.mark.parametrize(
    "body",
    [{"given_at": GIVEN.isoformat(), "how": None}, {"how": "letter", "given_at": None}],
    ids=["when-without-how", "how-without-when"],
)
def test_a_notice_given_outside_the_system_says_both_when_and_how(
    system: System, body: dict[str, Any]
) -> None:
    posting_id = decided(system)

    answer = notify(system, posting_id, **body)

    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["field"] == "body"


@pytest.mark.e2e
def test_the_fourteen_days_run_from_when_the_notice_was_given_not_when_it_was_recorded(
    system: System,
) -> None:
    """Given Monday 23 November, recorded Tuesday the 24th: the last day to appeal is Monday
    7 December. An appeal that day is in time; one on the 8th is late, though it is within
    14 days of the record."""
    posting_id = decided(system)
    system.clock.set(RECORDED)
    ok(notify(system, posting_id, given_at=GIVEN.isoformat()))

    def known() -> bool:
        seen = system.appeals.get(f"/posting-decisions/{posting_id}", headers=HR)
        return seen.status_code == 200 and seen.json()["notified_at"] is not None

    eventually(known)
    body = {"posting_id": posting_id, "grounds": "My caring responsibilities were not weighed"}
    system.clock.set(NOW.replace(day=7, month=12, hour=16))
    in_time = system.appeals.post("/appeals", json=body, headers=officer("K100"))
    system.clock.set(NOW.replace(day=8, month=12, hour=9))
    late = system.appeals.post("/appeals", json=body, headers=COMMAND_TEAM)

    assert in_time.status_code == 201, in_time.text
    assert in_time.json()["deadline"] == "2026-12-07"
    assert late.status_code == 422, late.text
    assert late.json()["rule"] == "AppealMustBeLodgedWithin14Days"
    assert "2026-12-07" in late.json()["detail"]
