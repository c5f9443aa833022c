"""Postings and appeals over real HTTP (L1800 3.10.1): a posting decision, an appeal on day
14, assignment, an upheld outcome and the posting set aside in postings; a second appeal by
the same appellant refused; an appeal on day 15 refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from services.appeals.main import create_app as create_appeals
from services.postings.main import create_app as create_postings
from shared.clock import FixedClock
from shared.roles import Role
from shared.settings import AppealsSettings, PostingsSettings
from tests.force import DIRECTOR, compulsory, officer
from tests.helpers import HR, LOCATIONS
from tests.support.http import eventually, ok
from tests.support.live import LiveServer, free_port
from tests.support.roi import in_process_roi
from tests.support.tokens import bearer

NOTIFIED = datetime(2026, 11, 2, 16, 30, tzinfo=UTC)  # day 0 is Monday 2 November (GMT)
HOR = bearer(Role.HEAD_OF_RESOURCING, subject="hor")
HEARER = bearer(Role.DIVISIONAL_COMMANDER, subject="ch-supt-south", division="south")
COMMAND = bearer(Role.COMMAND_TEAM, subject="acc-ops")


@pytest.fixture
def system(
    database_urls: dict[str, str],
) -> Iterator[tuple[httpx.Client, httpx.Client, FixedClock]]:
    clock = FixedClock(NOTIFIED)
    postings_port, appeals_port = free_port(), free_port()
    postings_settings = PostingsSettings(
        database_url=database_urls["postings"],
        port=postings_port,
        appeals_url=f"http://127.0.0.1:{appeals_port}",
        follower_poll_seconds=0.05,
    )
    appeals_settings = AppealsSettings(
        database_url=database_urls["appeals"],
        postings_url=f"http://127.0.0.1:{postings_port}",
        follower_poll_seconds=0.05,
    )
    with (
        in_process_roi(database_urls["roi"], clock=clock) as roi,
        LiveServer(
            create_postings(postings_settings, clock=clock, roi=roi), port=postings_port
        ) as p,
        LiveServer(create_appeals(appeals_settings, clock=clock), port=appeals_port) as a,
        httpx.Client(base_url=p.url) as postings,
        httpx.Client(base_url=a.url) as appeals,
    ):
        for code, (name, division, town, lat, lon) in LOCATIONS.items():
            body = {"code": code, "name": name, "division": division, "town": town}
            ok(postings.post("/locations", json={**body, "lat": lat, "lon": lon}, headers=HR), 201)
        for officer_id in ("K100", "K101"):
            body = {
                "officer_id": officer_id,
                "name": f"Officer {officer_id}",
                "rank": "constable",
                "division": "north",
                "place_of_duty": "maidstone",
                "appointed_on": "2019-09-02",
            }
            ok(postings.post("/officers", json=body, headers=HR), 201)
        yield postings, appeals, clock


def decide_and_notify(postings: httpx.Client, officer_id: str) -> str:
    posting = ok(
        postings.post(
            "/postings/compulsory",
            json=compulsory(officer_id=officer_id, likely_posting_date="2027-01-11"),
            headers=DIRECTOR,
        ),
        201,
    )
    ok(
        postings.post(
            f"/postings/{posting['id']}/notifications",
            json={"recipients": [officer_id], "content": "You are posted to Tonbridge because..."},
            headers=HR,
        )
    )
    return str(posting["id"])


def known_to_appeals(appeals: httpx.Client, posting_id: str) -> bool:
    response = appeals.get(f"/posting-decisions/{posting_id}", headers=HOR)
    return response.status_code == 200 and response.json()["notified_at"] is not None


@pytest.mark.e2e
def test_an_upheld_appeal_sets_the_posting_aside_and_the_window_holds(
    system: tuple[httpx.Client, httpx.Client, FixedClock],
) -> None:
    postings, appeals, clock = system
    first = decide_and_notify(postings, "K100")
    second = decide_and_notify(postings, "K101")
    eventually(lambda: known_to_appeals(appeals, first) and known_to_appeals(appeals, second))

    clock.set(datetime(2026, 11, 16, 23, 0, tzinfo=UTC))  # day 14, 11pm in London
    grounds = {"grounds": "My caring responsibilities were not weighed"}
    appeal = ok(
        appeals.post("/appeals", json={"posting_id": first, **grounds}, headers=officer("K100")),
        201,
    )
    ok(
        appeals.post(
            f"/appeals/{appeal['id']}/assignment",
            json={
                "hearer_id": "ch-supt-south",
                "level": "Chief superintendent",
                "rationale": "Independent of the decision",
            },
            headers=HOR,
        )
    )
    ok(
        appeals.post(
            f"/appeals/{appeal['id']}/outcome",
            json={"outcome": "upheld", "rationale": "Welfare factors were not considered (3.1.3)"},
            headers=HEARER,
        )
    )

    def set_aside() -> bool:
        return bool(ok(postings.get(f"/postings/{first}", headers=HR))["state"] == "cancelled")

    eventually(set_aside)
    posting = ok(postings.get(f"/postings/{first}", headers=HR))
    assert posting["facts"]["set_aside"]["appeal_id"] == appeal["id"]
    assert posting["facts"]["set_aside"]["decided_by"] == "ch-supt-south"
    auditor = bearer(Role.AUDITOR)
    events = ok(postings.get("/events", params={"limit": 1000}, headers=auditor))["items"]
    (recorded,) = [e for e in events if e["type"] == "Posting.SetAside"]
    assert recorded["data"]["decision"]["clause"] == "L1800 3.10.1"
    assert recorded["data"]["decision"]["rationale"].startswith("Appeal upheld")

    again = appeals.post("/appeals", json={"posting_id": first, **grounds}, headers=officer("K100"))
    assert again.status_code == 422
    assert again.json()["rule"] == "OneAppealPerDecisionAndAppellant"

    clock.set(datetime(2026, 11, 17, 0, 5, tzinfo=UTC))  # day 15
    late = appeals.post("/appeals", json={"posting_id": second, **grounds}, headers=officer("K101"))
    assert late.status_code == 422
    assert late.json()["rule"] == "AppealMustBeLodgedWithin14Days"
    assert "2026-11-16" in late.json()["detail"]
    assert ok(postings.get(f"/postings/{second}", headers=HR))["state"] == "awaiting_date"


@pytest.mark.e2e
def test_an_open_appeal_closes_when_its_posting_is_withdrawn_or_set_aside(
    system: tuple[httpx.Client, httpx.Client, FixedClock],
) -> None:
    """Appeals follows the end of a decision before its appeal is heard: withdrawn by HR,
    or set aside on another appellant's appeal. An open appeal is closed with the reason,
    and no new appeal is taken against a decision no longer in force (L1800 3.10.1)."""
    postings, appeals, _ = system
    grounds = {"grounds": "I was not asked for my preferences"}
    withdrawn = decide_and_notify(postings, "K100")
    eventually(lambda: known_to_appeals(appeals, withdrawn))
    open_appeal = ok(
        appeals.post(
            "/appeals", json={"posting_id": withdrawn, **grounds}, headers=officer("K100")
        ),
        201,
    )
    ok(
        postings.post(
            f"/postings/{withdrawn}/withdrawal",
            json={"rationale": "The vacancy at Tonbridge was filled by a transfer"},
            headers=HR,
        )
    )

    def closed(appeal_id: str) -> bool:
        seen = ok(appeals.get(f"/appeals/{appeal_id}", headers=HOR))
        return bool(seen["state"] == "closed")

    eventually(lambda: closed(open_appeal["id"]))
    seen = ok(appeals.get(f"/appeals/{open_appeal['id']}", headers=HOR))
    assert seen["closed_reason"] == "posting_withdrawn"
    decision = ok(appeals.get(f"/posting-decisions/{withdrawn}", headers=HOR))
    assert decision["status"] == "withdrawn"
    late = appeals.post("/appeals", json={"posting_id": withdrawn, **grounds}, headers=COMMAND)
    assert late.status_code == 422
    assert late.json()["rule"] == "AppealIsAgainstADecisionInForce"

    # Two appellants against one decision: the officer's appeal is upheld, the Command Team
    # member's, still open, closes as the decision is set aside.
    contested = decide_and_notify(postings, "K101")
    eventually(lambda: known_to_appeals(appeals, contested))
    mine = ok(
        appeals.post(
            "/appeals", json={"posting_id": contested, **grounds}, headers=officer("K101")
        ),
        201,
    )
    theirs = ok(
        appeals.post("/appeals", json={"posting_id": contested, **grounds}, headers=COMMAND), 201
    )
    ok(
        appeals.post(
            f"/appeals/{mine['id']}/assignment",
            json={"hearer_id": "ch-supt-south", "level": "chief superintendent", "rationale": "x"},
            headers=HOR,
        )
    )
    ok(
        appeals.post(
            f"/appeals/{mine['id']}/outcome",
            json={"outcome": "upheld", "rationale": "Preferences were not sought"},
            headers=HEARER,
        )
    )
    eventually(lambda: closed(theirs["id"]))
    assert ok(appeals.get(f"/appeals/{theirs['id']}", headers=HOR))["closed_reason"] == (
        "posting_set_aside"
    )
    assert ok(appeals.get(f"/appeals/{mine['id']}", headers=HOR))["state"] == "decided"
