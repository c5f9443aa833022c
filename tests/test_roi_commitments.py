"""Commitments, the ROI period and early release over HTTP (L1800 3.9), on SQLite and
PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.roi.domain.rules.s3_9_roi import (
    CommitmentEndsOnce,
    EarlyReleaseIsForOneMove,
    ExceptionalDesignationIsForThePanelOrTheDirector,
    NoticeIsRecordedOnce,
    OneLiveCommitmentPerOfficerAndCourse,
)
from services.roi.main import create_app
from services.roi.projections.tables import kernel as roi_kernel
from shared.clock import FixedClock
from shared.roles import Role
from shared.settings import RoiSettings
from tests.force import NOW, expect, officer
from tests.helpers import count_events
from tests.support.tokens import bearer

LD = bearer(Role.HEAD_OF_L_AND_D, subject="head-ld")
PANEL = bearer(Role.FORCE_RESOURCING_PANEL, subject="frp-chair")
HOR = bearer(Role.HEAD_OF_RESOURCING, subject="hor")
SERVICE = bearer(Role.SERVICE, subject="service:postings")


@pytest.fixture
def client(roi_settings: RoiSettings) -> Iterator[TestClient]:
    with TestClient(create_app(roi_settings, clock=FixedClock(NOW))) as client:
        yield client


def designate(client: TestClient, **overrides: Any) -> str:
    body: dict[str, Any] = {
        "course_code": "DET-1",
        "title": "Initial detective training",
        "quarter": "2025-Q1",
        "reasons": ["high_cost", "scarce_skill"],
        "proposed_by": ["head_of_l_and_d"],
        "rationale": "Detective shortfall",
    }
    body.update(overrides)
    return str(expect(client.post("/designations", json=body, headers=LD), 201)["id"])


def enrolment(designation: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "officer_id": "K100",
        "designation_id": designation,
        "starts_on": "2025-01-06",
        "ends_on": "2025-01-31",
    }
    body.update(overrides)
    return body


def enrol(
    client: TestClient, *, notified_on: str | None = "2025-01-03", officer_id: str = "K100"
) -> str:
    designation = designate(client)
    commitment = expect(
        client.post("/commitments", json=enrolment(designation, officer_id=officer_id), headers=LD),
        201,
    )
    url = f"/commitments/{commitment['id']}"
    if notified_on:
        expect(client.post(f"{url}/notice", json={"notified_on": notified_on}, headers=LD), 200)
    expect(client.post(f"{url}/completion", json={"completed_on": "2025-01-31"}, headers=LD), 200)
    return str(commitment["id"])


def status(client: TestClient, on: str, to_location: str = "dover", headers: Any = SERVICE) -> Any:
    return client.get(
        "/officers/K100/roi-status", params={"on": on, "to_location": to_location}, headers=headers
    )


def test_the_period_runs_eighteen_months_after_the_end_date_to_its_last_day(
    client: TestClient,
) -> None:
    commitment_id = enrol(client)

    commitment = expect(client.get(f"/commitments/{commitment_id}", headers=LD), 200)
    assert commitment["period_ends_on"] == "2026-07-31"
    last_day = expect(status(client, "2026-07-31"), 200)
    day_after = expect(status(client, "2026-08-01"), 200)
    assert last_day["bound"] is True
    assert "DET-1" in last_day["reason"]
    assert day_after["bound"] is False
    assert expect(status(client, "2025-01-10"), 200)["bound"] is True  # during the course


def test_a_commitment_told_after_the_start_is_kept_flagged_and_does_not_bind(
    client: TestClient,
) -> None:
    commitment_id = enrol(client, notified_on="2025-01-07")

    commitment = expect(client.get(f"/commitments/{commitment_id}", headers=LD), 200)
    answer = expect(status(client, "2025-06-01"), 200)

    assert commitment["flagged"] is True
    assert commitment["binds"] is False
    assert answer["bound"] is False
    assert "flagged" in answer["reason"]


def test_never_told_does_not_bind_either(client: TestClient) -> None:
    enrol(client, notified_on=None)
    assert expect(status(client, "2025-06-01"), 200)["bound"] is False


def test_a_panel_release_allows_exactly_the_move_it_was_released_for(client: TestClient) -> None:
    commitment_id = enrol(client)
    release = {"to_location": "dover", "rationale": "Major incident: Dover needs a detective now"}
    assert (
        client.post(f"/commitments/{commitment_id}/release", json=release, headers=HOR).status_code
        == 403
    )

    expect(client.post(f"/commitments/{commitment_id}/release", json=release, headers=PANEL), 200)

    assert expect(status(client, "2025-06-01", "dover"), 200)["bound"] is False
    assert expect(status(client, "2025-06-01", "ashford"), 200)["bound"] is True
    releases = expect(client.get("/commitments", params={"released": True}, headers=HOR), 200)
    assert [c["released_for"] for c in releases["items"]] == ["dover"]


def test_a_withdrawn_commitment_sets_no_period(client: TestClient) -> None:
    designation = designate(client)
    commitment = expect(
        client.post(
            "/commitments",
            json={
                "officer_id": "K100",
                "designation_id": designation,
                "starts_on": "2025-01-06",
                "ends_on": "2025-01-31",
            },
            headers=LD,
        ),
        201,
    )
    url = f"/commitments/{commitment['id']}"
    expect(client.post(f"{url}/notice", json={"notified_on": "2025-01-02"}, headers=LD), 200)
    blank = client.post(f"{url}/ending", json={"reason": "withdrawn", "rationale": ""}, headers=LD)
    assert blank.status_code == 422
    expect(
        client.post(
            f"{url}/ending",
            json={"reason": "withdrawn", "rationale": "Left the course"},
            headers=LD,
        ),
        200,
    )
    assert expect(status(client, "2025-01-10"), 200)["bound"] is False


def test_officers_see_only_their_own_commitments(client: TestClient) -> None:
    enrol(client)
    assert status(client, "2025-06-01", headers=officer("K100")).status_code == 200
    assert status(client, "2025-06-01", headers=officer("K101")).status_code == 403
    assert client.get("/officers/K100/commitments", headers=officer("K101")).status_code == 403
    assert client.get("/commitments", headers=officer("K100")).status_code == 403


def test_exceptional_designations_are_the_panels_or_the_directors(client: TestClient) -> None:
    body = {
        "course_code": "MARINE-1",
        "title": "Marine unit coxswain",
        "quarter": "2025-Q1",
        "reasons": ["scarce_skill"],
        "proposed_by": ["head_of_resourcing"],
        "rationale": "New vessel arrives before the next quarterly process",
    }
    assert client.post("/designations/exceptional", json=body, headers=HOR).status_code == 403
    made = expect(client.post("/designations/exceptional", json=body, headers=PANEL), 201)
    assert made["exceptional"] is True


def test_the_i_am_eligible_list_is_published_as_json_and_csv(client: TestClient) -> None:
    designate(client, quarter="2024-Q4", course_code="OLD-1")
    designate(client, quarter="2025-Q1", course_code="DET-1")
    integration = bearer(Role.INTEGRATION)

    listed = expect(client.get("/eligible-list", headers=integration), 200)
    as_csv = client.get("/eligible-list", params={"format": "csv"}, headers=integration)

    assert [c["course_code"] for c in listed] == ["DET-1"]
    assert listed[0]["period_months"] == 18
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.text.splitlines()[1].startswith("DET-1,Initial detective training,2025-Q1,18,")


def test_commitments_ending_in_the_next_months_for_planning(client: TestClient) -> None:
    enrol(client)  # period ends 2026-07-31; today is 2026-11-22 in these tests
    designation = designate(client, course_code="FIREARMS-1", quarter="2026-Q3")
    recent = expect(
        client.post(
            "/commitments",
            json={
                "officer_id": "K101",
                "designation_id": designation,
                "starts_on": "2025-06-02",
                "ends_on": "2025-06-30",
            },
            headers=LD,
        ),
        201,
    )
    url = f"/commitments/{recent['id']}"
    expect(client.post(f"{url}/notice", json={"notified_on": "2025-05-01"}, headers=LD), 200)
    expect(client.post(f"{url}/completion", json={"completed_on": "2025-06-30"}, headers=LD), 200)

    soon = expect(client.get("/commitments", params={"ending_within_months": 12}, headers=HOR), 200)
    later = expect(client.get("/commitments", params={"ending_within_months": 1}, headers=HOR), 200)

    assert [c["course_code"] for c in soon["items"]] == ["FIREARMS-1"]  # ends 2026-12-30
    assert later["items"] == []


# -- one live commitment per officer and course (L1800 3.9.2) --------------------------------


def test_a_second_live_commitment_on_the_same_course_names_the_rule_and_stores_nothing(
    client: TestClient, roi_settings: RoiSettings
) -> None:
    designation = designate(client)
    first = expect(client.post("/commitments", json=enrolment(designation), headers=LD), 201)
    before = count_events(roi_settings.database_url, roi_kernel.events)

    again = client.post("/commitments", json=enrolment(designation), headers=LD)
    # Another designation of the same course (a later quarter) is the same course.
    later = designate(client, quarter="2025-Q2")
    relabelled = client.post(
        "/commitments",
        json=enrolment(later, starts_on="2026-01-05", ends_on="2026-02-27"),
        headers=LD,
    )
    other_officer = client.post(
        "/commitments", json=enrolment(designation, officer_id="K101"), headers=LD
    )

    for refused in (again, relabelled):
        assert refused.status_code == 422, refused.text
        assert refused.json()["rule"] == OneLiveCommitmentPerOfficerAndCourse.id
        assert refused.json()["clause"] == "L1800 3.9.2"
        assert refused.json()["violations"][0]["details"]["commitment_id"] == first["id"]
    assert other_officer.status_code == 201
    # The refusals stored nothing; the later designation and K101's commitment did.
    assert count_events(roi_settings.database_url, roi_kernel.events) == before + 4


def test_a_commitment_withdrawn_lets_the_officer_enrol_again(client: TestClient) -> None:
    designation = designate(client)
    first = expect(client.post("/commitments", json=enrolment(designation), headers=LD), 201)
    ending = {"reason": "withdrawn", "rationale": "Left the course in week one"}
    expect(client.post(f"/commitments/{first['id']}/ending", json=ending, headers=LD), 200)

    expect(client.post("/commitments", json=enrolment(designation), headers=LD), 201)


def test_a_completed_commitment_is_live_until_its_period_is_over(client: TestClient) -> None:
    commitment_id = enrol(client)  # period ends 2026-07-31
    designation = expect(client.get(f"/commitments/{commitment_id}", headers=LD), 200)[
        "designation_id"
    ]

    inside = client.post(
        "/commitments",
        json=enrolment(designation, starts_on="2026-07-31", ends_on="2026-08-28"),
        headers=LD,
    )
    after = client.post(
        "/commitments",
        json=enrolment(designation, starts_on="2026-08-01", ends_on="2026-08-28"),
        headers=LD,
    )

    assert inside.json()["rule"] == OneLiveCommitmentPerOfficerAndCourse.id
    assert after.status_code == 201, after.text


def test_a_completed_commitment_still_in_its_period_counts_after_a_later_one_ended(
    client: TestClient,
) -> None:
    """Every commitment on the course is asked, not only the latest: A completed (its
    period to 2026-07-31), B enrolled after that period and withdrawn, then C starting
    inside A's period is refused naming A."""
    first = enrol(client)
    designation = expect(client.get(f"/commitments/{first}", headers=LD), 200)["designation_id"]
    later = expect(
        client.post(
            "/commitments",
            json=enrolment(designation, starts_on="2026-09-07", ends_on="2026-09-25"),
            headers=LD,
        ),
        201,
    )
    ending = {"reason": "withdrawn", "rationale": "Course cancelled"}
    expect(client.post(f"/commitments/{later['id']}/ending", json=ending, headers=LD), 200)

    inside = client.post(
        "/commitments",
        json=enrolment(designation, starts_on="2026-03-02", ends_on="2026-03-27"),
        headers=LD,
    )

    assert inside.status_code == 422, inside.text
    assert inside.json()["rule"] == OneLiveCommitmentPerOfficerAndCourse.id
    assert inside.json()["violations"][0]["details"]["commitment_id"] == first


# -- every refusal names its rule -------------------------------------------------------------


def test_refusals_about_a_commitments_state_are_409s_naming_the_rule(client: TestClient) -> None:
    commitment_id = enrol(client)
    url = f"/commitments/{commitment_id}"
    release = {"to_location": "dover", "rationale": "Major incident"}
    expect(client.post(f"{url}/release", json=release, headers=PANEL), 200)

    answers = {
        NoticeIsRecordedOnce.id: client.post(
            f"{url}/notice", json={"notified_on": "2025-01-02"}, headers=LD
        ),
        CommitmentEndsOnce.id: client.post(
            f"{url}/completion", json={"completed_on": "2025-02-28"}, headers=LD
        ),
        EarlyReleaseIsForOneMove.id: client.post(f"{url}/release", json=release, headers=PANEL),
    }

    assert {rule: (a.status_code, a.json()["rule"]) for rule, a in answers.items()} == {
        rule: (409, rule) for rule in answers
    }


def test_an_exceptional_designation_without_authority_is_a_403_naming_the_rule(
    client: TestClient,
) -> None:
    body = {
        "course_code": "MARINE-1",
        "title": "Marine unit coxswain",
        "quarter": "2025-Q1",
        "reasons": ["scarce_skill"],
        "proposed_by": ["head_of_resourcing"],
        "rationale": "New vessel arrives before the next quarterly process",
    }

    answer = client.post("/designations/exceptional", json=body, headers=HOR)

    assert answer.status_code == 403
    assert answer.json()["rule"] == ExceptionalDesignationIsForThePanelOrTheDirector.id


@pytest.mark.parametrize(
    ("command", "body", "field"),
    [
        ("notice", {"notified_on": "9999-12-31"}, "notified_on"),
        ("completion", {"completed_on": "9998-07-01"}, "completed_on"),
    ],
)
def test_a_notice_or_completion_is_recorded_once_it_has_happened(
    client: TestClient, command: str, body: dict[str, str], field: str
) -> None:
    designation = designate(client)
    commitment = expect(client.post("/commitments", json=enrolment(designation), headers=LD), 201)

    refused = client.post(f"/commitments/{commitment['id']}/{command}", json=body, headers=LD)

    assert refused.status_code == 422, refused.text
    assert refused.json()["rule"] == "CommitmentFactsAreRecordedOnceTheyHappen"
    assert refused.json()["violations"][0]["field"] == field


def test_a_course_whose_roi_period_would_end_after_the_calendar_is_refused_not_a_500(
    client: TestClient,
) -> None:
    designation = designate(client)
    late = enrolment(designation, starts_on="9999-12-01", ends_on="9999-12-31")

    refused = client.post("/commitments", json=late, headers=LD)

    assert refused.status_code == 422, refused.text
    assert refused.json()["rule"] == "RoiPeriodEndsOnACalendarDay"


def test_a_completion_before_the_course_started_is_refused(client: TestClient) -> None:
    designation = designate(client)
    commitment = expect(client.post("/commitments", json=enrolment(designation), headers=LD), 201)

    refused = client.post(
        f"/commitments/{commitment['id']}/completion",
        json={"completed_on": "2001-01-01"},
        headers=LD,
    )

    assert refused.status_code == 422, refused.text
    assert refused.json()["rule"] == "CourseDatesMustBeOrdered"
    assert refused.json()["violations"][0]["field"] == "completed_on"


def test_a_title_a_spreadsheet_would_run_is_listed_as_text(client: TestClient) -> None:
    designate(client, course_code="EVIL1", title='=HYPERLINK("http://x.example","Open")')

    as_csv = client.get("/eligible-list", params={"format": "csv"}, headers=LD)

    assert "'=HYPERLINK" in as_csv.text
    assert '"=HYPERLINK' not in as_csv.text
    assert ",=HYPERLINK" not in as_csv.text
