"""Postings on appointment (L1800 3.3.1) and 1068 requests (3.5) over HTTP."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from shared.roles import Role

# force_client below is this module's ``client`` fixture: postings with the force set up.
from tests.force import (
    SLT_NORTH,
    days,
    expect,
    force_client,  # noqa: F401
    officer,
)
from tests.helpers import HR
from tests.support.tokens import bearer

SLT_SOUTH = bearer(Role.SLT, subject="slt-south", division="south")


def recruit(client: TestClient, officer_id: str = "R1", **overrides: Any) -> None:
    body = {
        "officer_id": officer_id,
        "name": "New Recruit",
        "rank": "constable",
        "division": "headquarters",
        "place_of_duty": "headquarters-hr",
        "appointed_on": days(0),
        "home_town": "Tonbridge",
        "probation_ends_on": days(730),
    }
    body.update(overrides)
    expect(client.post("/officers", json=body, headers=HR), 201)


# -- on appointment (3.3.1) --------------------------------------------------------------------


def test_a_new_officer_goes_first_to_the_college(client: TestClient) -> None:
    recruit(client)
    body = {
        "officer_id": "R1",
        "to_location": "tonbridge",
        "posting_date": days(1),
        "rationale": "Intake",
    }

    station = client.post("/postings/appointments/college", json=body, headers=HR)
    assert station.status_code == 422
    assert station.json()["rule"] == "FirstPostingIsToTheCollege"

    college = expect(
        client.post(
            "/postings/appointments/college", json={**body, "to_location": "college"}, headers=HR
        ),
        201,
    )
    assert (college["kind"], college["details"]["phase"], college["state"]) == (
        "appointment",
        "college",
        "date_confirmed",
    )
    assert (
        client.post("/postings/appointments/college", json=body, headers=SLT_NORTH).status_code
        == 403
    )


def divisional(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "officer_id": "R1",
        "to_location": "dover",
        "likely_posting_date": days(120),
        "rationale": "Dover response team needs probationers",
    }
    body.update(overrides)
    return body


def test_the_divisional_posting_follows_initial_training_and_avoids_the_home_town(
    client: TestClient,
) -> None:
    recruit(client)
    untrained = client.post("/postings/appointments/divisional", json=divisional(), headers=HR)
    assert untrained.json()["rule"] == "InitialTrainingMustBeComplete"

    expect(client.patch("/officers/R1", json={"initial_training_complete": True}, headers=HR), 200)
    home_town = client.post(
        "/postings/appointments/divisional", json=divisional(to_location="tonbridge"), headers=HR
    )
    assert home_town.json()["rule"] == "ProbationPostingMustNotBeToHomeTown"

    posted = expect(
        client.post(
            "/postings/appointments/divisional",
            json=divisional(welfare_request="I care for my mother in Tonbridge"),
            headers=HR,
        ),
        201,
    )
    assert posted["details"]["phase"] == "divisional"
    assert posted["details"]["welfare_request"] == "I care for my mother in Tonbridge"
    assert posted["state"] == "awaiting_date"


def test_the_probation_review_waits_for_the_end_of_probation(client: TestClient) -> None:
    recruit(client, probation_ends_on=days(0))
    review = {"outcome": "confirmed", "rationale": "Settled in Dover; strength is right"}

    early = client.post("/officers/R1/probation-review", json=review, headers=HR)
    assert early.status_code == 422
    assert early.json()["rule"] == "ProbationReviewFollowsTheEndOfProbation"

    expect(client.patch("/officers/R1", json={"probation_ends_on": days(-1)}, headers=HR), 200)
    reviewed = expect(client.post("/officers/R1/probation-review", json=review, headers=HR), 200)
    assert reviewed["probation_reviewed"] is True
    assert client.post("/officers/R1/probation-review", json=review, headers=HR).status_code == 409


def _through_the_college(client: TestClient) -> dict[str, Any]:
    """R1 recruited, posted to the college, moved there, trained, and posted to Dover."""
    recruit(client)
    body = {"officer_id": "R1", "to_location": "college", "posting_date": days(0)}
    college = expect(
        client.post(
            "/postings/appointments/college", json={**body, "rationale": "Intake"}, headers=HR
        ),
        201,
    )
    expect(
        client.post(
            f"/postings/{college['id']}/move", json={"rationale": "Intake day"}, headers=HR
        ),
        200,
    )
    expect(client.patch("/officers/R1", json={"initial_training_complete": True}, headers=HR), 200)
    return expect(
        client.post("/postings/appointments/divisional", json=divisional(), headers=HR), 201
    )


def test_the_college_posting_is_the_first_and_made_before_training(client: TestClient) -> None:
    _through_the_college(client)
    again = client.post(
        "/postings/appointments/college",
        json={
            "officer_id": "R1",
            "to_location": "college",
            "posting_date": days(5),
            "rationale": "x",
        },
        headers=HR,
    )
    assert again.json()["rule"] == "CollegePostingIsOnAppointment"


def test_after_probation_only_the_review_changes_the_divisional_posting(
    client: TestClient,
) -> None:
    first = _through_the_college(client)
    # One posting at a time: while Dover is on its way, no second posting is decided.
    second = client.post(
        "/postings/appointments/divisional", json=divisional(to_location="ashford"), headers=HR
    )
    assert "OneOpenPostingAtATime" in {v["rule"] for v in second.json()["violations"]}
    expect(
        client.post(
            f"/postings/{first['id']}/withdrawal",
            json={"rationale": "Dover intake cancelled"},
            headers=HR,
        ),
        200,
    )
    expect(client.patch("/officers/R1", json={"probation_ends_on": days(-1)}, headers=HR), 200)

    unreviewed = client.post(
        "/postings/appointments/divisional", json=divisional(to_location="ashford"), headers=HR
    )
    assert unreviewed.json()["rule"] == "DivisionalPostingIsForTheProbation"
    # 'Only then': neither a transfer request nor a selection before HR reviews the posting.
    request = client.post("/requests", json=request_body(officer_id="R1"), headers=officer("R1"))
    assert request.json()["rule"] == "TransferRequestsFollowProbation"
    assert "review" in request.json()["detail"]

    review = {"outcome": "changed", "rationale": "Ashford needs the numbers now"}
    expect(client.post("/officers/R1/probation-review", json=review, headers=HR), 200)
    changed = expect(
        client.post(
            "/postings/appointments/divisional",
            json=divisional(to_location="ashford"),
            headers=HR,
        ),
        201,
    )
    assert changed["details"]["phase"] == "probation_review"
    expect(client.post("/requests", json=request_body(officer_id="R1"), headers=officer("R1")), 201)


def test_an_officer_without_a_probation_on_record_is_not_posted_on_appointment(
    client: TestClient,
) -> None:
    expect(
        client.patch("/officers/K100", json={"initial_training_complete": True}, headers=HR), 200
    )
    refused = client.post(
        "/postings/appointments/divisional", json=divisional(officer_id="K100"), headers=HR
    )
    assert refused.json()["rule"] == "DivisionalPostingIsForTheProbation"


# -- 1068 requests (3.5) ---------------------------------------------------------------------


def request_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "officer_id": "K100",
        "grounds": "development",
        "reasons": "Two years on response; I want investigative experience",
        "roles_sought": ["CID trainee investigator"],
        "locations_sought": ["tonbridge"],
    }
    body.update(overrides)
    return body


def test_an_officer_submits_their_own_request_and_their_slt_may_raise_one(
    client: TestClient,
) -> None:
    mine = expect(client.post("/requests", json=request_body(), headers=officer("K100")), 201)
    assert (mine["state"], mine["division"]) == ("submitted", "north")

    for_someone_else = client.post("/requests", json=request_body(), headers=officer("K101"))
    assert for_someone_else.status_code == 403
    other_division = client.post(
        "/requests", json=request_body(officer_id="K101"), headers=SLT_SOUTH
    )
    assert other_division.status_code == 403
    expect(client.post("/requests", json=request_body(officer_id="K101"), headers=SLT_NORTH), 201)


def test_requests_wait_for_the_end_of_probation(client: TestClient) -> None:
    expect(client.patch("/officers/K100", json={"probation_ends_on": days(0)}, headers=HR), 200)

    refused = client.post("/requests", json=request_body(), headers=officer("K100"))

    assert refused.status_code == 422
    assert refused.json()["rule"] == "TransferRequestsFollowProbation"


def test_a_declined_request_gives_reasons_to_the_officer_and_lands_on_their_personal_file(
    client: TestClient,
) -> None:
    request = expect(client.post("/requests", json=request_body(), headers=officer("K100")), 201)
    url = f"/requests/{request['id']}"

    blank = client.post(f"{url}/decline", json={"rationale": " "}, headers=SLT_NORTH)
    assert blank.status_code == 422
    assert (
        client.post(f"{url}/decline", json={"rationale": "x"}, headers=SLT_SOUTH).status_code == 403
    )
    reasons = "Response is below strength until the spring intake"
    declined = expect(
        client.post(f"{url}/decline", json={"rationale": reasons}, headers=SLT_NORTH), 200
    )

    assert declined["state"] == "declined"
    told = expect(client.get("/officers/K100/notifications", headers=officer("K100")), 200)
    assert told[-1]["content"] == reasons
    assert told[-1]["request_id"] == request["id"]
    on_file = expect(client.get("/officers/K100/personal-file", headers=officer("K100")), 200)
    assert [(e["kind"], e["summary"]) for e in on_file] == [("declined_1068", reasons)]
    assert client.get("/officers/K100/personal-file", headers=officer("K101")).status_code == 403
    assert (
        client.post(
            f"{url}/support", json={"rationale": "changed mind"}, headers=SLT_NORTH
        ).status_code
        == 409
    )


def test_a_supported_request_enters_the_posting_plan_and_becomes_a_posting(
    client: TestClient,
) -> None:
    request = expect(client.post("/requests", json=request_body(), headers=officer("K100")), 201)
    url = f"/requests/{request['id']}"
    posting = {
        "to_location": "tonbridge",
        "likely_posting_date": days(60),
        "rationale": "CID vacancy",
    }

    unsupported = client.post(f"{url}/posting", json=posting, headers=HR)
    assert unsupported.status_code == 422
    assert unsupported.json()["rule"] == "RequestMustBeSupportedByTheSlt"

    expect(
        client.post(f"{url}/support", json={"rationale": "Strong candidate"}, headers=SLT_NORTH),
        200,
    )
    plan = expect(client.get("/requests", params={"state": "supported"}, headers=HR), 200)
    assert [r["id"] for r in plan["items"]] == [request["id"]]

    decided = expect(client.post(f"{url}/posting", json=posting, headers=HR), 201)
    assert (decided["kind"], decided["clause"]) == ("officer_request", "L1800 3.5.4")
    assert decided["details"]["request_id"] == request["id"]
    assert expect(client.get(url, headers=officer("K100")), 200)["state"] == "fulfilled"


def test_requests_are_seen_by_the_officer_their_slt_and_hr_only(client: TestClient) -> None:
    request = expect(client.post("/requests", json=request_body(), headers=officer("K100")), 201)
    url = f"/requests/{request['id']}"

    assert client.get(url, headers=officer("K100")).status_code == 200
    assert client.get(url, headers=SLT_NORTH).status_code == 200
    assert client.get(url, headers=HR).status_code == 200
    assert client.get(url, headers=officer("K101")).status_code == 403
    assert client.get(url, headers=SLT_SOUTH).status_code == 403
    assert client.get("/requests", headers=SLT_SOUTH).json()["items"] == []
    assert client.get("/requests", headers=officer("K101")).json()["items"] == []


def test_an_officers_acts_are_recorded_under_their_officer_id_and_a_namesake_reads_nothing(
    client: TestClient,
) -> None:
    """A token's subject is not how records name an officer: a 1068 an officer submits is
    theirs by officer id, and an officer whose subject reads like the line manager who
    decided a posting does not read it as its decider (outside tester's findings)."""
    own = bearer(Role.OFFICER, subject="shared-sub", officer_id="K100")
    submitted = expect(client.post("/requests", json=request_body(), headers=own), 201)
    assert submitted["submitted_by"] == "K100"

    manager = bearer(Role.LINE_MANAGER, subject="lm-chris")
    selection = {
        "officer_id": "K100",
        "to_location": "dover",
        "likely_posting_date": days(60),
        "rationale": "Top of the CID board",
        "selection_process": "CID board",
        "slt_recipients": ["slt-north"],
    }
    posting = client.post("/postings/selections", json=selection, headers=manager)
    assert posting.status_code == 201, posting.text
    namesake = bearer(Role.OFFICER, subject="lm-chris", officer_id="K101")

    assert client.get(f"/postings/{posting.json()['id']}", headers=namesake).status_code == 403
