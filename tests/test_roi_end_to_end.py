"""Postings and ROI over real HTTP (L1800 3.9): a designated course binds the officer, a
posting is refused citing the ROI, an early release allows exactly that posting, and with
ROI stopped postings refuses to decide (503) and stores nothing."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest

from services.postings.main import create_app as create_postings
from services.roi.main import create_app as create_roi
from shared.clock import SystemClock, london_date
from shared.roles import Role
from shared.settings import PostingsSettings, RoiSettings
from tests.force import DIRECTOR, compulsory
from tests.helpers import HR, LOCATIONS, count_events
from tests.support.http import ok
from tests.support.live import LiveServer, free_port
from tests.support.tokens import bearer

LD = bearer(Role.HEAD_OF_L_AND_D, subject="head-ld")
PANEL = bearer(Role.FORCE_RESOURCING_PANEL, subject="frp-chair")
HOR = bearer(Role.HEAD_OF_RESOURCING, subject="hor")
HOD_NORTH = bearer(Role.HEAD_OF_DEPARTMENT, subject="hod-north", division="north")
HOD_SOUTH = bearer(Role.HEAD_OF_DEPARTMENT, subject="hod-south", division="south")
SERVICE = bearer(Role.SERVICE, subject="service:postings")


def day(n: int) -> str:
    """A day counted from today as the services count it: in London, when it is asked (a
    day fixed when the module was loaded is yesterday to a test that runs past midnight)."""
    return (london_date(SystemClock().now()) + timedelta(days=n)).isoformat()


@pytest.fixture
def services(
    database_urls: dict[str, str],
) -> Iterator[tuple[httpx.Client, httpx.Client, LiveServer]]:
    roi_port, postings_port = free_port(), free_port()
    roi_settings = RoiSettings(
        database_url=database_urls["roi"], postings_url=f"http://127.0.0.1:{postings_port}"
    )
    roi = LiveServer(create_roi(roi_settings), port=roi_port)
    postings_settings = PostingsSettings(
        database_url=database_urls["postings"], roi_url=f"http://127.0.0.1:{roi_port}"
    )
    with (
        roi,
        LiveServer(create_postings(postings_settings), port=postings_port) as postings,
        httpx.Client(base_url=postings.url) as p,
        httpx.Client(base_url=roi.url) as r,
    ):
        for code, (name, division, town, lat, lon) in LOCATIONS.items():
            body = {"code": code, "name": name, "division": division, "town": town}
            ok(p.post("/locations", json={**body, "lat": lat, "lon": lon}, headers=HR), 201)
        officer = {
            "officer_id": "K100",
            "name": "Alex Smith",
            "rank": "constable",
            "division": "north",
            "place_of_duty": "maidstone",
            "appointed_on": "2019-09-02",
        }
        ok(p.post("/officers", json=officer, headers=HR), 201)
        yield p, r, roi


@pytest.mark.e2e
def test_an_roi_refuses_a_posting_until_released_and_the_decision_records_the_answer(
    services: tuple[httpx.Client, httpx.Client, LiveServer],
) -> None:
    postings, roi, _ = services
    commitment_id = bound_commitment(roi)

    body = compulsory(
        likely_posting_date=day(60), to_location="dover", travel_justification="Vacancy"
    )
    refused = postings.post("/postings/compulsory", json=body, headers=DIRECTOR)
    assert refused.status_code == 422
    assert refused.json()["rule"] == "MoveMustRespectTheRoiPeriod"
    assert refused.json()["clause"] == "L1800 3.9.3"
    assert "DET-1" in refused.json()["detail"]

    ok(
        roi.post(
            f"/commitments/{commitment_id}/release",
            json={"to_location": "dover", "rationale": "Dover major crime team cannot wait"},
            headers=PANEL,
        )
    )
    allowed = ok(postings.post("/postings/compulsory", json=body, headers=DIRECTOR), 201)

    fact = allowed["facts"]["roi"]
    assert fact["bound"] is False
    assert "released" in fact["reason"]
    assert fact["commitments"][0]["released_for"] == "dover"
    elsewhere = postings.post(
        "/postings/compulsory", json={**body, "to_location": "ashford"}, headers=DIRECTOR
    )
    assert elsewhere.json()["rule"] == "MoveMustRespectTheRoiPeriod"


def bound_commitment(roi: httpx.Client, officer_id: str = "K100") -> str:
    designation = ok(
        roi.post(
            "/designations",
            json={
                "course_code": "DET-1",
                "title": "Initial detective training",
                "quarter": "2026-Q4",
                "reasons": ["scarce_skill"],
                "proposed_by": ["head_of_l_and_d"],
                "rationale": "Detective shortfall",
            },
            headers=LD,
        ),
        201,
    )
    enrolment = {
        "officer_id": officer_id,
        "designation_id": designation["id"],
        "starts_on": day(-60),
        "ends_on": day(-10),
    }
    commitment = ok(roi.post("/commitments", json=enrolment, headers=LD), 201)
    url = f"/commitments/{commitment['id']}"
    ok(roi.post(f"{url}/notice", json={"notified_on": day(-70)}, headers=LD))
    ok(roi.post(f"{url}/completion", json={"completed_on": day(-10)}, headers=LD))
    return str(commitment["id"])


def roi_status(roi: httpx.Client, to_location: str) -> bool:
    asked = {"on": day(30), "to_location": to_location}
    answer = ok(roi.get("/officers/K100/roi-status", params=asked, headers=SERVICE))
    return bool(answer["bound"])


@pytest.mark.e2e
def test_a_local_release_is_the_head_of_departments_case_signed_off_by_the_head_of_resourcing(
    services: tuple[httpx.Client, httpx.Client, LiveServer],
) -> None:
    _, roi, _ = services
    url = f"/commitments/{bound_commitment(roi)}"
    sign_off = {"rationale": "Case accepted: CID restructure"}

    no_case = roi.post(f"{url}/local-release", json=sign_off, headers=HOR)
    assert no_case.json()["rule"] == "LocalReleaseNeedsTheHeadOfDepartmentsCase"
    case = {"to_location": "tonbridge", "rationale": "CID restructure moves the team"}
    ok(roi.post(f"{url}/local-case", json=case, headers=HOD_NORTH))
    assert roi_status(roi, "tonbridge") is True
    ok(roi.post(f"{url}/local-release", json=sign_off, headers=HOR))

    assert roi_status(roi, "tonbridge") is False


@pytest.mark.e2e
def test_a_head_of_department_makes_no_case_for_another_divisions_officer(
    services: tuple[httpx.Client, httpx.Client, LiveServer],
) -> None:
    """ROI keeps no divisions: it asks postings where the officer serves, and refuses
    before any rule is asked, saying nothing about the commitment."""
    _, roi, _ = services
    url = f"/commitments/{bound_commitment(roi)}"
    before = ok(roi.get(url, headers=LD))
    case = {"to_location": "tonbridge", "rationale": "CID restructure moves the team"}

    refused = roi.post(f"{url}/local-case", json=case, headers=HOD_SOUTH)

    assert refused.status_code == 403
    assert refused.json()["rule"] == "DivisionalRolesActInTheirOwnDivision"
    assert "tonbridge" not in refused.text
    assert "K100" not in refused.text
    assert ok(roi.get(url, headers=LD)) == before
    ok(roi.post(f"{url}/local-case", json=case, headers=HOD_NORTH))


@pytest.mark.e2e
def test_a_head_of_department_learns_nothing_of_a_commitment_naming_an_unknown_officer(
    services: tuple[httpx.Client, httpx.Client, LiveServer],
) -> None:
    """An officer postings does not know serves in no division: the Head of Department is
    refused as for another division's officer, and the officer's id is not told."""
    _, roi, _ = services
    commitment_id = bound_commitment(roi, officer_id="GHOST1")
    case = {"to_location": "tonbridge", "rationale": "CID restructure moves the team"}

    refused = roi.post(
        f"/commitments/{commitment_id}/local-case",
        json=case,
        headers={**HOD_SOUTH, "If-Match": '"99"'},
    )

    assert refused.status_code == 403, refused.text
    assert refused.json()["rule"] == "DivisionalRolesActInTheirOwnDivision"
    assert "GHOST1" not in refused.text


@pytest.mark.e2e
def test_with_roi_stopped_a_posting_gets_a_503_and_nothing_is_stored(
    services: tuple[httpx.Client, httpx.Client, LiveServer], database_urls: dict[str, str]
) -> None:
    postings, _, roi_server = services
    before = count_events(database_urls["postings"])
    roi_server.__exit__(None, None, None)

    response = postings.post("/postings/compulsory", json=compulsory(), headers=DIRECTOR)

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["service"] == "roi"
    assert response.headers["retry-after"]
    assert count_events(database_urls["postings"]) == before


@pytest.mark.e2e
def test_a_directors_delegate_designates_outside_the_quarterly_process(
    services: tuple[httpx.Client, httpx.Client, LiveServer],
) -> None:
    postings, roi, _ = services
    grant = {
        "delegate_id": "hr-deputy",
        "powers": ["exceptional_roi"],
        "valid_from": day(-10),
        "valid_to": day(0),
        "rationale": "Director on leave",
    }
    delegation = ok(postings.post("/delegations", json=grant, headers=DIRECTOR), 201)
    expired = ok(
        postings.post("/delegations", json={**grant, "valid_to": day(-1)}, headers=DIRECTOR), 201
    )
    deputy = bearer(Role.HR_RESOURCE_PLANNING, subject="hr-deputy")
    body = {
        "course_code": "MARINE-1",
        "title": "Marine unit coxswain",
        "quarter": "2026-Q4",
        "reasons": ["scarce_skill"],
        "proposed_by": ["head_of_resourcing"],
        "rationale": "New vessel arrives before the next quarterly process",
    }

    without = roi.post("/designations/exceptional", json=body, headers=deputy)
    stale = roi.post(
        "/designations/exceptional", json={**body, "delegation_id": expired["id"]}, headers=deputy
    )
    made = ok(
        roi.post(
            "/designations/exceptional",
            json={**body, "delegation_id": delegation["id"]},
            headers=deputy,
        ),
        201,
    )

    assert without.status_code == 403
    assert stale.status_code == 403
    assert stale.json()["rule"] == "DelegationMustCoverTheDecision"
    assert made["exceptional"] is True


@pytest.mark.e2e
def test_a_delegates_designation_sent_again_relies_on_the_delegation_once(
    services: tuple[httpx.Client, httpx.Client, LiveServer],
) -> None:
    """The reliance is recorded with postings before ROI claims the key: a repeat, alone or
    several at once, names the same designation, which postings answers as a repeat, and
    the delegation is exercised once for each key."""
    postings, roi, _ = services
    grant = {
        "delegate_id": "hr-deputy",
        "powers": ["exceptional_roi"],
        "valid_from": day(-10),
        "valid_to": day(0),
        "rationale": "Director on leave",
    }
    delegation = ok(postings.post("/delegations", json=grant, headers=DIRECTOR), 201)
    deputy = bearer(Role.HR_RESOURCE_PLANNING, subject="hr-deputy")

    def version() -> int:
        return int(
            ok(postings.get(f"/delegations/{delegation['id']}", headers=DIRECTOR))["version"]
        )

    def designate(course: str, key: str) -> httpx.Response:
        body = {
            "course_code": course,
            "title": "Marine unit coxswain",
            "quarter": "2026-Q4",
            "reasons": ["scarce_skill"],
            "proposed_by": ["head_of_resourcing"],
            "rationale": "New vessel arrives before the next quarterly process",
            "delegation_id": delegation["id"],
        }
        return roi.post(
            "/designations/exceptional", json=body, headers={**deputy, "Idempotency-Key": key}
        )

    before = version()
    first = ok(designate("MARINE-2", "marine-2"), 201)
    for _ in range(2):
        again = designate("MARINE-2", "marine-2")
        assert again.status_code == 201, again.text
        assert again.json() == first
    assert version() == before + 1
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda _: designate("MARINE-3", "marine-3"), range(6)))
    assert {a.status_code for a in answers} == {201}, [a.text for a in answers]
    assert len({a.text for a in answers}) == 1
    assert version() == before + 2
