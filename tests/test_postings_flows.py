"""Postings over HTTP, each rule with the right role, a wrong role and bad input, on SQLite
and PostgreSQL."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from services.appeals.contracts import AppealDecidedV1
from services.postings.clients.roi import RoiClient
from services.postings.followers.appeals_feed import appeals_handler
from services.postings.main import create_app
from services.postings.projections.tables import postings as postings_table
from shared.clock import FixedClock
from shared.contracts import DecisionV1
from shared.errors import Unavailable
from shared.roles import Role
from shared.settings import PostingsSettings

# force_client below is this module's ``client`` fixture: postings with the force set up.
from tests.force import (
    AUDITOR,
    DIRECTOR,
    HEAD_OF_RESOURCING,
    NOW,
    PANEL,
    PSD,
    SLT_NORTH,
    TODAY,
    compulsory,
    days,
    expect,
    force_client,  # noqa: F401
    officer,
    set_up_force,
)
from tests.helpers import HR
from tests.support.feeds import published
from tests.support.tokens import bearer


def decide_compulsory(client: TestClient, **overrides: Any) -> dict[str, Any]:
    return expect(
        client.post("/postings/compulsory", json=compulsory(**overrides), headers=DIRECTOR), 201
    )


def confirm_at_panel(client: TestClient, posting_id: str, posting_date: str) -> dict[str, Any]:
    sitting = expect(client.post("/panel-sittings", json={"sits_on": days(7)}, headers=PANEL), 201)
    return expect(
        client.post(
            f"/panel-sittings/{sitting['id']}/outcomes",
            json={
                "posting_id": posting_id,
                "outcome": "date_confirmed",
                "posting_date": posting_date,
                "rationale": "Tonbridge response team short; start of the next shift pattern",
            },
            headers=PANEL,
        ),
        200,
    )


def move(client: TestClient, posting_id: str) -> Any:
    return client.post(
        f"/postings/{posting_id}/move",
        json={"rationale": "Posting date reached"},
        headers=HR,
    )


# -- compulsory postings (3.7.1-3.7.2) ---------------------------------------------------------


def test_a_compulsory_posting_records_its_reasons_and_the_facts_it_relied_on(
    client: TestClient,
) -> None:
    posting = decide_compulsory(client)

    assert posting["kind"] == "compulsory"
    assert posting["state"] == "awaiting_date"
    assert posting["clause"] == "L1800 3.7.1"
    assert posting["decided_role"] == "director_of_hr"
    assert posting["details"]["preferences"] == ["tonbridge", "ashford"]
    assert posting["details"]["notice_days"] == 28
    assert posting["facts"]["travel"]["distance_km"] > 0
    assert posting["facts"]["notice"] == {"days": 28, "decided_on": TODAY.isoformat()}


def test_only_the_director_of_hr_or_a_delegate_decides_a_compulsory_posting(
    client: TestClient,
) -> None:
    refused = client.post("/postings/compulsory", json=compulsory(), headers=SLT_NORTH)
    assert refused.status_code == 403

    no_delegation = client.post(
        "/postings/compulsory", json=compulsory(), headers=bearer(Role.HR_RESOURCE_PLANNING)
    )
    assert no_delegation.status_code == 403
    assert no_delegation.json()["rule"] == "DelegationMustCoverTheDecision"


def grant(client: TestClient, *, delegate: str, powers: list[str], valid_to: str) -> str:
    body = {
        "delegate_id": delegate,
        "powers": powers,
        "valid_from": days(-30),
        "valid_to": valid_to,
        "rationale": "Cover while the Director is on leave",
    }
    return str(expect(client.post("/delegations", json=body, headers=DIRECTOR), 201)["id"])


def test_a_delegate_decides_with_a_delegation_in_force_and_the_decision_names_it(
    client: TestClient,
) -> None:
    delegation = grant(
        client, delegate="hr-deputy", powers=["compulsory_posting"], valid_to=days(0)
    )
    deputy = bearer(Role.HR_RESOURCE_PLANNING, subject="hr-deputy")

    posting = expect(
        client.post(
            "/postings/compulsory", json=compulsory(delegation_id=delegation), headers=deputy
        ),
        201,
    )

    assert posting["delegation_id"] == delegation
    assert posting["decided_by"] == "hr-deputy"


@pytest.mark.parametrize(
    ("powers", "valid_to", "subject", "reason"),
    [
        (["compulsory_posting"], "yesterday", "hr-deputy", "expired"),
        (["travel_limit"], "today", "hr-deputy", "does not cover"),
        (["compulsory_posting"], "today", "someone-else", "someone else"),
    ],
)
def test_a_delegation_that_expired_yesterday_or_is_out_of_scope_is_refused(
    client: TestClient, powers: list[str], valid_to: str, subject: str, reason: str
) -> None:
    delegation = grant(
        client,
        delegate="hr-deputy",
        powers=powers,
        valid_to=days(-1 if valid_to == "yesterday" else 0),
    )
    caller = bearer(Role.HR_RESOURCE_PLANNING, subject=subject)

    refused = client.post(
        "/postings/compulsory", json=compulsory(delegation_id=delegation), headers=caller
    )

    assert refused.status_code == 403
    assert refused.json()["rule"] == "DelegationMustCoverTheDecision"
    assert reason in refused.json()["detail"]


def test_preferences_are_sought_or_the_decision_says_why_not(client: TestClient) -> None:
    refused = client.post(
        "/postings/compulsory", json=compulsory(preferences=None), headers=DIRECTOR
    )
    assert refused.status_code == 422
    assert refused.json()["rule"] == "PreferencesMustBeSoughtOrExplained"

    allowed = client.post(
        "/postings/compulsory",
        json=compulsory(preferences=None, preferences_not_sought_because="Urgent operational need"),
        headers=DIRECTOR,
    )
    assert allowed.status_code == 201


def test_the_notice_period_is_given_unless_the_officer_agrees_to_less(client: TestClient) -> None:
    short = client.post(
        "/postings/compulsory", json=compulsory(likely_posting_date=days(27)), headers=DIRECTOR
    )
    assert short.status_code == 422
    assert short.json()["rule"] == "NoticePeriodMustBeGiven"

    posting = decide_compulsory(client, likely_posting_date=days(28))
    # A panel cannot bring the date inside the notice period without the officer.
    sitting = expect(client.post("/panel-sittings", json={"sits_on": days(1)}, headers=PANEL), 201)
    outcome = {
        "posting_id": posting["id"],
        "outcome": "date_confirmed",
        "posting_date": days(14),
        "rationale": "Needed before Christmas",
    }
    early = client.post(f"/panel-sittings/{sitting['id']}/outcomes", json=outcome, headers=PANEL)
    assert early.status_code == 422
    assert early.json()["rule"] == "NoticePeriodMustBeGiven"

    someone_else = client.post(
        f"/postings/{posting['id']}/notice-agreement",
        json={"agreed_days": 14},
        headers=officer("K101"),
    )
    assert someone_else.status_code == 403
    expect(
        client.post(
            f"/postings/{posting['id']}/notice-agreement",
            json={"agreed_days": 14},
            headers=officer("K100"),
        ),
        200,
    )
    confirmed = client.post(
        f"/panel-sittings/{sitting['id']}/outcomes", json=outcome, headers=PANEL
    )
    assert confirmed.status_code == 200
    assert confirmed.json()["posting_date"] == days(14)


def test_bad_input_names_the_field(client: TestClient) -> None:
    response = client.post(
        "/postings/compulsory",
        json=compulsory(likely_posting_date="next week", rationale=""),
        headers=DIRECTOR,
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"body.likely_posting_date", "body.rationale"}


# -- the move and its PDR check (3.1.4), through a panel sitting (3.4.2) -----------------------


def test_a_move_waits_for_the_panel_date_and_every_outstanding_pdr(client: TestClient) -> None:
    posting = decide_compulsory(client)
    not_yet = move(client, posting["id"])
    assert not_yet.status_code == 409

    confirm_at_panel(client, posting["id"], days(60))
    # The officer's PDR falls due 60 days after the posting date: inside the window.
    expect(client.put("/officers/K100/pdr", json={"due_on": days(120)}, headers=HR), 200)
    refused = move(client, posting["id"])
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["rule"] == "PdrMustBeCompletedBeforeTheMove"
    assert problem["clause"] == "L1800 3.1.4"
    assert [v["details"]["officer_id"] for v in problem["violations"]] == ["K100"]
    assert (
        expect(client.get(f"/postings/{posting['id']}", headers=HR), 200)["state"]
        == "date_confirmed"
    )

    expect(
        client.put(
            "/officers/K100/pdr", json={"due_on": days(120), "completed_on": days(0)}, headers=HR
        ),
        200,
    )
    moved = expect(move(client, posting["id"]), 200)

    assert moved["state"] == "moved"
    assert moved["moved_on"] == days(60)
    assert expect(client.get("/officers/K100", headers=HR), 200)["place_of_duty"] == "tonbridge"


def test_a_supervisor_moves_only_when_every_subordinates_pdr_is_done(client: TestClient) -> None:
    posting = decide_compulsory(client, officer_id="S1")
    confirm_at_panel(client, posting["id"], days(60))
    expect(client.put("/officers/K100/pdr", json={"due_on": days(0)}, headers=HR), 200)
    expect(client.put("/officers/K101/pdr", json={"due_on": days(61 + 60)}, headers=HR), 200)

    refused = move(client, posting["id"])

    assert refused.status_code == 422
    assert [v["details"]["officer_id"] for v in refused.json()["violations"]] == ["K100"]


def test_the_date_outside_a_sitting_is_the_head_of_resourcings_and_exceptional(
    client: TestClient,
) -> None:
    posting = decide_compulsory(client)
    body = {"posting_date": days(45), "exceptional_circumstances": "  "}

    assert client.post(f"/postings/{posting['id']}/date", json=body, headers=HR).status_code == 403
    blank = client.post(f"/postings/{posting['id']}/date", json=body, headers=HEAD_OF_RESOURCING)
    assert blank.status_code == 422
    assert blank.json()["errors"][0]["field"] == "body.exceptional_circumstances"

    body["exceptional_circumstances"] = "Major incident cover cannot wait for the panel"
    dated = expect(
        client.post(f"/postings/{posting['id']}/date", json=body, headers=HEAD_OF_RESOURCING), 200
    )
    assert dated["state"] == "date_confirmed"
    assert dated["sitting_id"] is None


def test_the_panel_agenda_lists_postings_awaiting_a_date_and_a_deferral_keeps_them_there(
    client: TestClient,
) -> None:
    first = decide_compulsory(client)
    second = decide_compulsory(
        client, officer_id="K101", to_location="dover", rationale="Dover short"
    )
    sitting = expect(client.post("/panel-sittings", json={"sits_on": days(7)}, headers=PANEL), 201)

    agenda = expect(client.get(f"/panel-sittings/{sitting['id']}/agenda", headers=PANEL), 200)
    assert [p["id"] for p in agenda["items"]] == [first["id"], second["id"]]

    deferred = expect(
        client.post(
            f"/panel-sittings/{sitting['id']}/outcomes",
            json={
                "posting_id": second["id"],
                "outcome": "deferred",
                "rationale": "Await recruitment",
            },
            headers=PANEL,
        ),
        200,
    )
    assert deferred["state"] == "awaiting_date"
    wrong_role = client.post(
        f"/panel-sittings/{sitting['id']}/outcomes",
        json={"posting_id": first["id"], "outcome": "deferred", "rationale": "x"},
        headers=HR,
    )
    assert wrong_role.status_code == 403


# -- where the officer goes: restrictions (3.2.2), probation (3.3.1), travel (3.2.1),
#    welfare (3.1.3) ---------------------------------------------------------------------------

PSD_REASON = "Associates of a local organised crime group work near this station"


def test_a_location_professional_standards_deems_unsuitable_is_refused_without_saying_why(
    client: TestClient,
) -> None:
    expect(
        client.post(
            "/officers/K100/restrictions",
            json={"location": "dover", "rationale": PSD_REASON},
            headers=PSD,
        ),
        201,
    )

    refused = client.post(
        "/postings/compulsory", json=compulsory(to_location="dover"), headers=DIRECTOR
    )

    assert refused.status_code == 422
    assert refused.json()["rule"] == "LocationMustNotBeUnsuitable"
    assert "organised crime" not in refused.text

    # One supporter is not enough; Professional Standards and the Head of Resourcing both are.
    support = {"rationale": "Exceptional: specialist role only available at Dover"}
    expect(
        client.post(
            "/officers/K100/restrictions/dover/exception-support", json=support, headers=PSD
        ),
        200,
    )
    still = client.post(
        "/postings/compulsory", json=compulsory(to_location="dover"), headers=DIRECTOR
    )
    assert still.status_code == 422
    expect(
        client.post(
            "/officers/K100/restrictions/dover/exception-support",
            json=support,
            headers=HEAD_OF_RESOURCING,
        ),
        200,
    )
    allowed = client.post(
        "/postings/compulsory", json=compulsory(to_location="dover"), headers=DIRECTOR
    )
    assert allowed.status_code == 201
    assert allowed.json()["facts"]["restriction"] == {
        "restricted": True,
        "exception_supported_by_both": True,
    }


@pytest.mark.parametrize(
    ("caller", "sees_reason"),
    [
        (PSD, True),
        (HEAD_OF_RESOURCING, True),
        (HR, False),
        (DIRECTOR, False),
        (AUDITOR, False),
        (SLT_NORTH, False),
        (officer("K100"), False),
    ],
)
def test_only_psd_and_the_head_of_resourcing_see_the_reason(
    client: TestClient, caller: dict[str, str], sees_reason: bool
) -> None:
    client.post(
        "/officers/K100/restrictions",
        json={"location": "dover", "rationale": PSD_REASON},
        headers=PSD,
    )

    response = client.get("/officers/K100/restrictions", headers=caller)

    assert response.status_code == 200
    assert ("organised crime" in response.text) is sees_reason
    assert response.json()[0]["location"] == "dover"
    assert response.json()[0]["status"] == "restricted"


def test_an_officer_may_ask_not_to_be_posted_somewhere_but_not_for_someone_else(
    client: TestClient,
) -> None:
    mine = {"location": "ashford", "rationale": "My children's school run"}
    assert (
        client.post("/officers/K101/restrictions", json=mine, headers=officer("K100")).status_code
        == 403
    )
    expect(client.post("/officers/K100/restrictions", json=mine, headers=officer("K100")), 201)

    refused = client.post(
        "/postings/compulsory", json=compulsory(to_location="ashford"), headers=DIRECTOR
    )
    assert refused.json()["rule"] == "LocationMustNotBeUnsuitable"


def test_an_officers_request_and_a_psd_marking_at_one_location_are_kept_apart(
    client: TestClient,
) -> None:
    mine = {"location": "dover", "rationale": "My mother lives next to the station"}
    expect(client.post("/officers/K100/restrictions", json=mine, headers=officer("K100")), 201)
    # Professional Standards can still mark the same location; the officer's request does
    # not block it, and the answer to Professional Standards shows both.
    marked = expect(
        client.post(
            "/officers/K100/restrictions",
            json={"location": "dover", "rationale": PSD_REASON},
            headers=PSD,
        ),
        201,
    )
    assert {r["source"] for r in marked} == {"officer_request", "professional_standards"}
    # The officer sees one "restricted" entry, with no hint of a second recorder.
    seen = expect(client.get("/officers/K100/restrictions", headers=officer("K100")), 200)
    assert [(r["location"], r["status"], r["source"]) for r in seen] == [
        ("dover", "restricted", None)
    ]

    lifted = {"rationale": "My mother has moved"}
    # Another officer may not lift it, and is told so before anything about existence.
    assert (
        client.post(
            "/officers/K100/restrictions/dover/lifting", json=lifted, headers=officer("K101")
        ).status_code
        == 403
    )
    expect(
        client.post(
            "/officers/K100/restrictions/dover/lifting", json=lifted, headers=officer("K100")
        ),
        200,
    )
    # Lifting their own request leaves Professional Standards' marking in force.
    refused = client.post(
        "/postings/compulsory", json=compulsory(to_location="dover"), headers=DIRECTOR
    )
    assert refused.json()["rule"] == "LocationMustNotBeUnsuitable"
    # A second lifting finds no request of theirs: the same 404 whether or not a marking
    # by Professional Standards exists there.
    again = client.post(
        "/officers/K100/restrictions/dover/lifting", json=lifted, headers=officer("K100")
    )
    nowhere = client.post(
        "/officers/K100/restrictions/ashford/lifting", json=lifted, headers=officer("K100")
    )
    assert again.status_code == nowhere.status_code == 404
    assert again.json()["detail"].replace("dover", "X") == nowhere.json()["detail"].replace(
        "ashford", "X"
    )


def test_a_probationer_is_not_posted_to_their_home_town_without_the_directors_exception(
    client: TestClient,
) -> None:
    expect(client.patch("/officers/K100", json={"probation_ends_on": days(60)}, headers=HR), 200)

    refused = client.post(
        "/postings/compulsory", json=compulsory(to_location="ashford"), headers=DIRECTOR
    )
    assert refused.status_code == 422
    assert refused.json()["rule"] == "ProbationPostingMustNotBeToHomeTown"

    expect(client.patch("/officers/K100", json={"probation_ends_on": days(59)}, headers=HR), 200)
    ended_the_day_before = client.post(
        "/postings/compulsory", json=compulsory(to_location="ashford"), headers=DIRECTOR
    )
    assert ended_the_day_before.status_code == 201


def test_the_directors_home_town_exception_allows_it(client: TestClient) -> None:
    expect(client.patch("/officers/K100", json={"probation_ends_on": days(365)}, headers=HR), 200)
    exception = {"rationale": "Carer for a parent in Ashford; no alternative"}
    assert (
        client.post("/officers/K100/home-town-exception", json=exception, headers=HR).status_code
        == 403
    )
    expect(client.post("/officers/K100/home-town-exception", json=exception, headers=DIRECTOR), 200)

    allowed = client.post(
        "/postings/compulsory", json=compulsory(to_location="ashford"), headers=DIRECTOR
    )

    assert allowed.status_code == 201
    assert allowed.json()["facts"]["probation"]["home_town_exception"] is True


def test_travel_beyond_the_directors_limit_must_be_justified(client: TestClient) -> None:
    limit = {"limit_km": 30, "rationale": "Reasonable daily commute across the county"}
    assert client.put("/policy/travel-limit", json=limit, headers=HR).status_code == 403
    expect(client.put("/policy/travel-limit", json=limit, headers=DIRECTOR), 200)

    # Ashford (home) to Maidstone is about 30 km; to Dover about 32 km.
    far = client.post(
        "/postings/compulsory", json=compulsory(to_location="dover"), headers=DIRECTOR
    )
    assert far.status_code == 422
    assert far.json()["rule"] == "TravelBeyondTheLimitMustBeJustified"

    justified = expect(
        client.post(
            "/postings/compulsory",
            json=compulsory(to_location="dover", travel_justification="Only Dover has the vacancy"),
            headers=DIRECTOR,
        ),
        201,
    )
    assert justified["facts"]["travel"]["limit_km"] == 30
    officer_view = expect(client.get(f"/postings/{justified['id']}", headers=officer("K100")), 200)
    assert "travel" not in officer_view["facts"]


def test_welfare_factors_are_shown_to_hr_and_must_be_addressed(client: TestClient) -> None:
    expect(
        client.patch("/officers/K100", json={"welfare_factors": ["primary_carer"]}, headers=HR), 200
    )

    unaddressed = client.post("/postings/compulsory", json=compulsory(), headers=DIRECTOR)
    assert unaddressed.status_code == 422
    assert unaddressed.json()["rule"] == "WelfareFactorsMustBeAddressed"

    addressed = expect(
        client.post(
            "/postings/compulsory",
            json=compulsory(welfare_consideration="Day shifts agreed to fit childcare"),
            headers=DIRECTOR,
        ),
        201,
    )
    assert addressed["facts"]["welfare"]["factors_on_record"] == 1


@pytest.mark.parametrize(
    ("caller", "sees_welfare"),
    [
        (HR, True),
        (DIRECTOR, True),
        (HEAD_OF_RESOURCING, True),
        (AUDITOR, False),
        (SLT_NORTH, False),
        (PANEL, False),
        (officer("K100"), False),
    ],
)
def test_welfare_factors_reach_hr_roles_only_including_in_lists(
    client: TestClient, caller: dict[str, str], sees_welfare: bool
) -> None:
    client.patch("/officers/K100", json={"welfare_factors": ["occupational_health"]}, headers=HR)
    posting = decide_compulsory(client, welfare_consideration="OH advice on shift length followed")

    one = client.get("/officers/K100", headers=caller).json()
    listed = client.get("/postings", headers=caller).json()["items"]
    seen = client.get(f"/postings/{posting['id']}", headers=caller).json()

    assert (one["welfare_factors"] == ["occupational_health"]) is sees_welfare
    assert ("welfare" in seen["facts"]) is sees_welfare
    assert all(("welfare" in p["facts"]) is sees_welfare for p in listed)
    assert ("OH advice" in str(listed)) is sees_welfare


def test_officers_see_only_their_own_records(client: TestClient) -> None:
    decide_compulsory(client)
    other = officer("K101")

    assert client.get("/officers/K100", headers=other).status_code == 403
    assert client.get("/officers/K100/restrictions", headers=other).status_code == 403
    assert client.get("/officers/K100/notifications", headers=other).status_code == 403
    assert client.get("/postings", headers=other).json()["items"] == []
    assert (
        client.get("/postings", params={"officer_id": "K100"}, headers=other).json()["items"] == []
    )


# -- other kinds --------------------------------------------------------------------------------


def test_best_interests_postings_are_approved_by_the_head_of_resourcing(client: TestClient) -> None:
    body = {
        "officer_id": "K100",
        "to_location": "tonbridge",
        "likely_posting_date": days(30),
        "rationale": "A fresh start after a difficult case",
        "in_interests_of": "individual",
    }
    assert client.post("/postings/best-interests", json=body, headers=HR).status_code == 403
    posting = expect(
        client.post("/postings/best-interests", json=body, headers=HEAD_OF_RESOURCING), 201
    )
    assert (posting["kind"], posting["clause"]) == ("best_interests", "L1800 3.7.3")


def test_senior_officers_are_posted_through_the_director_of_hr(client: TestClient) -> None:
    expect(client.patch("/officers/S1", json={"rank": "chief_inspector"}, headers=HR), 200)

    as_compulsory = client.post(
        "/postings/compulsory", json=compulsory(officer_id="S1"), headers=DIRECTOR
    )
    assert as_compulsory.json()["rule"] == "SeniorOfficersArePostedThroughTheSeniorFlow"

    body = {
        "officer_id": "S1",
        "to_location": "dover",
        "likely_posting_date": days(30),
        "rationale": "District commander vacancy",
        "flow": "compulsory",
    }
    # On the compulsory flow a senior posting carries what any compulsory one does (3.7.2).
    bare = client.post("/postings/senior", json=body, headers=DIRECTOR)
    assert bare.status_code == 422
    assert {v["rule"] for v in bare.json()["violations"]} == {
        "PreferencesMustBeSoughtOrExplained",
        "ReasoningMustBeGiven",
    }
    complete = {
        **body,
        "preferences": ["dover"],
        "reasoning_for_officer": "The district needs a commander now",
    }
    short = client.post(
        "/postings/senior", json={**complete, "likely_posting_date": days(10)}, headers=DIRECTOR
    )
    assert short.json()["rule"] == "NoticePeriodMustBeGiven"
    senior = expect(client.post("/postings/senior", json=complete, headers=DIRECTOR), 201)
    assert senior["kind"] == "senior_leadership"
    assert senior["details"]["flow"] == "compulsory"
    assert senior["details"]["notice_days"] == 28
    constable = client.post(
        "/postings/senior", json={**complete, "officer_id": "K100"}, headers=DIRECTOR
    )
    assert constable.json()["rule"] == "SeniorLeadershipPostingsAreForChiefInspectorsAndAbove"


def test_a_senior_posting_on_the_selection_flow_is_confirmed_in_writing(
    client: TestClient,
) -> None:
    expect(client.patch("/officers/S1", json={"rank": "chief_inspector"}, headers=HR), 200)
    body = {
        "officer_id": "S1",
        "to_location": "dover",
        "likely_posting_date": days(30),
        "rationale": "Chosen at the superintendents' board",
        "flow": "selection",
    }
    bare = client.post("/postings/senior", json=body, headers=DIRECTOR)
    assert [v["field"] for v in bare.json()["violations"]] == [
        "selection_process",
        "slt_recipients",
    ]

    senior = expect(
        client.post(
            "/postings/senior",
            json={**body, "selection_process": "Board, Nov 2026", "slt_recipients": ["slt-east"]},
            headers=DIRECTOR,
        ),
        201,
    )
    assert senior["notified_at"] is not None
    told = expect(client.get("/officers/S1/notifications", headers=officer("S1")), 200)
    assert told[0]["recipients"] == ["S1", "slt-east", "hr_resource_planning"]


def test_a_selection_is_confirmed_in_writing_to_the_officer_and_slt(client: TestClient) -> None:
    body = {
        "officer_id": "K100",
        "to_location": "dover",
        "likely_posting_date": days(45),
        "rationale": "Successful at the Dover CID selection board",
        "selection_process": "CID trainee investigator board, October 2026",
        "slt_recipients": ["slt-north"],
        "travel_justification": None,
    }
    assert client.post("/postings/selections", json=body, headers=SLT_NORTH).status_code == 403
    posting = expect(
        client.post("/postings/selections", json=body, headers=bearer(Role.LINE_MANAGER)), 201
    )
    assert posting["details"]["confirmed_in_writing_to"] == ["K100", "slt-north"]
    assert posting["state"] == "awaiting_date"
    # The written confirmation is a record, with its recipients and content, that the
    # officer can read; it starts their appeal window (3.10.1).
    assert posting["notified_at"] is not None
    told = expect(client.get("/officers/K100/notifications", headers=officer("K100")), 200)
    assert told[0]["recipients"] == ["K100", "slt-north", "hr_resource_planning"]
    assert "CID trainee investigator board" in told[0]["content"]

    later = expect(
        client.post(
            f"/postings/{posting['id']}/date",
            json={"posting_date": days(50), "exceptional_circumstances": "Course starts then"},
            headers=HEAD_OF_RESOURCING,
        ),
        200,
    )
    delayed = expect(
        client.post(
            f"/postings/{posting['id']}/delay",
            json={"posting_date": days(80), "rationale": "Dover response cover over Christmas"},
            headers=HR,
        ),
        200,
    )
    assert (later["posting_date"], delayed["posting_date"]) == (days(50), days(80))
    earlier = client.post(
        f"/postings/{posting['id']}/delay",
        json={"posting_date": days(70), "rationale": "x"},
        headers=HR,
    )
    assert earlier.status_code == 409


def test_notifications_are_records_the_officer_can_read(client: TestClient) -> None:
    posting = decide_compulsory(client)
    expect(
        client.post(
            f"/postings/{posting['id']}/notifications",
            json={
                "recipients": ["K100"],
                "content": "You are to be posted to Tonbridge because...",
            },
            headers=HR,
        ),
        200,
    )

    mine = expect(client.get("/officers/K100/notifications", headers=officer("K100")), 200)

    assert isinstance(mine, list)
    assert mine[0]["recipients"] == ["K100"]
    assert mine[0]["content"].startswith("You are to be posted")


# -- exceptions by the HR policy owners (L1 2.4) -----------------------------------------------

POLICY_OWNER = bearer(Role.HR_POLICY_OWNER, subject="head-of-operational-hr")


def _posting_waiting_on_a_pdr(client: TestClient) -> tuple[dict[str, Any], dict[str, str]]:
    """A posting confirmed for a date, its officer's PDR still outstanding, and the body
    of an exception that would set the PDR rule aside."""
    posting = decide_compulsory(client)
    confirm_at_panel(client, posting["id"], days(60))
    expect(client.put("/officers/K100/pdr", json={"due_on": days(60)}, headers=HR), 200)
    exception = {
        "rule": "PdrMustBeCompletedBeforeTheMove",
        "rationale": "PDR reviewer on long-term sick leave; completed on arrival instead",
    }
    return posting, exception


def test_a_policy_owner_sets_a_rule_aside_for_one_case_and_the_check_cites_it(
    client: TestClient,
) -> None:
    posting, exception = _posting_waiting_on_a_pdr(client)
    assert client.post("/officers/K100/exceptions", json=exception, headers=HR).status_code == 403
    not_a_rule = client.post(
        "/officers/K100/exceptions",
        json={**exception, "rule": "LocationMustNotBeUnsuitable"},
        headers=POLICY_OWNER,
    )
    assert not_a_rule.json()["rule"] == "ExceptionMustNameAProtocolRule"
    expect(client.post("/officers/K100/exceptions", json=exception, headers=POLICY_OWNER), 201)

    moved = expect(move(client, posting["id"]), 200)

    applied = moved["facts"]["move"]["exceptions_applied"]
    assert applied[0]["rule"] == "PdrMustBeCompletedBeforeTheMove"
    assert applied[0]["clause"] == "L1 2.4"
    used = expect(client.get("/officers/K100/exceptions", headers=HR), 200)
    assert used[0]["used_for"] == f"move under posting {posting['id']}"

    # One case only: the next posting meets the rule again.
    again = decide_compulsory(client, to_location="dover", travel_justification="Dover vacancy")
    confirm_at_panel(client, again["id"], days(60))
    assert move(client, again["id"]).json()["rule"] == "PdrMustBeCompletedBeforeTheMove"


@pytest.mark.parametrize(
    ("reader", "sees"),
    [(AUDITOR, True), (bearer(Role.INTEGRATION), False), (bearer(Role.SERVICE), False)],
)
def test_the_event_feed_withholds_confidential_fields_from_all_but_auditors(
    client: TestClient, reader: dict[str, str], sees: bool
) -> None:
    client.post(
        "/officers/K100/restrictions",
        json={"location": "dover", "rationale": PSD_REASON},
        headers=PSD,
    )
    client.patch("/officers/K100", json={"welfare_factors": ["disability"]}, headers=HR)
    decide_compulsory(client, welfare_consideration="Reasonable adjustments carried over")

    feed = expect(client.get("/events", params={"limit": 1000}, headers=reader), 200)

    text = str(feed)
    assert ("organised crime" in text) is sees
    assert ("disability" in text) is sees
    assert ("Reasonable adjustments" in text) is sees
    assert "Officer.LocationRestricted" in text  # the fact of it is not hidden


def test_an_appeal_upheld_after_the_move_opens_a_reconsideration(client: TestClient) -> None:
    posting = decide_compulsory(client)
    confirm_at_panel(client, posting["id"], days(60))
    expect(move(client, posting["id"]), 200)
    app = client.app.state.runtime.application  # type: ignore[attr-defined]
    upheld = published(
        1,
        "6f0c1a52-1111-4f7e-9d55-0d0e7f3f0a01",
        3,
        NOW,
        AppealDecidedV1(
            posting_id=posting["id"],
            outcome="upheld",
            decision=DecisionV1(
                rationale="Preferences were not sought",
                actor_id="ch-supt-south",
                actor_role="divisional_commander",
                clause="L1800 3.10.1",
                facts={},
                delegation_id=None,
                effective_date=None,
                correlation_id="req-appeal",
                supersedes=None,
            ),
        ),
    )

    with app.db.unit_of_work(write=True) as session:
        appeals_handler(app, client.app.state.runtime.handlers)(session, upheld)  # type: ignore[attr-defined]

    after = expect(client.get(f"/postings/{posting['id']}", headers=HR), 200)
    assert after["state"] == "reconsideration"
    assert after["facts"]["set_aside"]["effect"] == "reconsideration"
    assert move(client, posting["id"]).status_code == 409


def test_welfare_factors_are_absent_from_the_officers_list_for_non_hr_roles(
    client: TestClient,
) -> None:
    client.patch("/officers/K100", json={"welfare_factors": ["disability"]}, headers=HR)

    for caller, sees in ((HR, True), (SLT_NORTH, False), (AUDITOR, False), (PSD, False)):
        listed = expect(client.get("/officers", headers=caller), 200)
        assert ("disability" in str(listed)) is sees


def test_a_part_time_or_flexible_pattern_is_seen_by_hr_and_the_officer_only(
    client: TestClient,
) -> None:
    """Part-time or flexible working is a welfare factor (3.1.3)."""
    client.patch("/officers/K100", json={"working_pattern": "part_time"}, headers=HR)

    for caller, sees in ((HR, True), (officer("K100"), True), (SLT_NORTH, False), (PSD, False)):
        seen = expect(client.get("/officers/K100", headers=caller), 200)
        assert (seen["working_pattern"] == "part_time") is sees
    for caller, sees in ((HR, True), (SLT_NORTH, False), (PSD, False)):  # officers: no list
        listed = expect(client.get("/officers", headers=caller), 200)
        assert ("part_time" in str(listed)) is sees


def test_both_divisions_slt_see_a_posting_that_moves_an_officer_between_them(
    client: TestClient,
) -> None:
    """K100 serves in north; a posting to Dover (south) concerns both SLTs."""
    posting = decide_compulsory(client, to_location="dover", travel_justification="Vacancy")
    slt_south = bearer(Role.SLT, subject="slt-south", division="south")
    slt_east = bearer(Role.SLT, subject="slt-east", division="east")

    for caller, sees in ((SLT_NORTH, True), (slt_south, True), (slt_east, False)):
        one = client.get(f"/postings/{posting['id']}", headers=caller)
        assert (one.status_code == 200) is sees
        listed = expect(client.get("/postings", headers=caller), 200)
        assert (listed["total"] == 1) is sees


# -- found in review ---------------------------------------------------------------------------


def test_the_move_checks_probation_again_at_the_confirmed_date(client: TestClient) -> None:
    # Decided when probation would be over, then dated by the panel inside probation.
    expect(client.patch("/officers/K100", json={"probation_ends_on": days(50)}, headers=HR), 200)
    posting = decide_compulsory(client, to_location="ashford", likely_posting_date=days(60))
    confirm_at_panel(client, posting["id"], days(40))

    refused = move(client, posting["id"])

    assert refused.json()["rule"] == "ProbationPostingMustNotBeToHomeTown"


def test_a_notification_to_others_only_does_not_start_the_appeal_window(client: TestClient) -> None:
    posting = decide_compulsory(client)
    url = f"/postings/{posting['id']}/notifications"
    to_slt = {"recipients": ["slt-north"], "content": "For information"}

    assert expect(client.post(url, json=to_slt, headers=HR), 200)["notified_at"] is None
    told = {"recipients": ["K100", "slt-north"], "content": "You are posted because..."}
    assert expect(client.post(url, json=told, headers=HR), 200)["notified_at"] is not None


def test_welfare_text_in_a_posting_reaches_hr_and_the_officer_only(client: TestClient) -> None:
    expect(
        client.patch(
            "/officers/K101",
            json={"initial_training_complete": True, "probation_ends_on": days(400)},
            headers=HR,
        ),
        200,
    )
    body = {
        "officer_id": "K101",
        "to_location": "tonbridge",
        "likely_posting_date": days(60),
        "rationale": "Tonbridge response team",
        "welfare_request": "I am primary carer for my disabled mother",
    }
    posting = expect(client.post("/postings/appointments/divisional", json=body, headers=HR), 201)

    for caller, sees in ((HR, True), (officer("K101"), True), (PSD, False), (PANEL, False)):
        seen = expect(client.get(f"/postings/{posting['id']}", headers=caller), 200)
        assert ("disabled mother" in str(seen)) is sees
    feed = expect(
        client.get("/events", params={"limit": 1000}, headers=bearer(Role.INTEGRATION)), 200
    )
    assert "disabled mother" not in str(feed)


def test_welfare_1068_reasons_reach_hr_the_officer_and_their_slt_only(client: TestClient) -> None:
    body = {
        "officer_id": "K100",
        "grounds": "welfare",
        "reasons": "Treatment at the Maidstone hospital twice a week",
        "locations_sought": ["maidstone"],
    }
    request = expect(client.post("/requests", json=body, headers=officer("K100")), 201)

    for caller, sees in (
        (HR, True),
        (officer("K100"), True),
        (SLT_NORTH, True),
        (PSD, False),
        (PANEL, False),
    ):
        seen = expect(client.get(f"/requests/{request['id']}", headers=caller), 200)
        assert ("hospital" in seen["reasons"]) is sees
        listed = expect(client.get("/requests", headers=caller), 200)
        assert ("hospital" in str(listed)) is sees
    feed = expect(client.get("/events", params={"limit": 1000}, headers=bearer(Role.SERVICE)), 200)
    assert "hospital" not in str(feed)


def test_nulls_for_required_fields_and_huge_offsets_are_422s(client: TestClient) -> None:
    for field in ("rank", "welfare_factors", "skills", "name"):
        response = client.patch("/officers/K100", json={field: None}, headers=HR)
        assert response.status_code == 422, (field, response.text)
    assert (
        client.patch("/officers/K100", json={"probation_ends_on": None}, headers=HR).status_code
        == 200
    )
    assert client.get("/postings", params={"offset": 10**30}, headers=HR).status_code == 422
    assert client.get("/events", params={"after": 10**30}, headers=AUDITOR).status_code == 422


@pytest.mark.parametrize(
    "caller",
    [
        bearer(Role.DIVISIONAL_COMMANDER, subject="cmdr-north", division="north"),
        bearer(Role.HEAD_OF_DEPARTMENT, subject="hod-north", division="north"),
        bearer(Role.LINE_MANAGER, subject="lm-1", division="north"),
    ],
)
def test_a_commander_or_line_manager_cannot_carry_forward_a_posting_that_is_not_theirs(
    client: TestClient, caller: dict[str, str]
) -> None:
    """A compulsory posting into their division is the Director of HR's and the panel's
    (3.7.1, 3.4.2), not the commander's: they may read it but not notify or move it."""
    posting = decide_compulsory(client)
    confirm_at_panel(client, posting["id"], days(60))

    notified = client.post(
        f"/postings/{posting['id']}/notifications",
        json={"recipients": ["K100"], "content": "You are posted to Tonbridge"},
        headers=caller,
    )
    moved = client.post(
        f"/postings/{posting['id']}/move", json={"rationale": "Date reached"}, headers=caller
    )

    assert notified.status_code == 403
    assert moved.status_code == 403
    assert "re-deployments" in notified.json()["detail"] or "decided" in notified.json()["detail"]


def test_an_roi_answer_that_cannot_be_read_is_a_503_and_nothing_is_stored(
    postings_settings: PostingsSettings,
) -> None:
    """A fault injected at the ROI boundary (a proxy mangling the answer): postings fails
    closed with a problem naming ROI, never a 500 (L1800 3.9)."""
    garbled = httpx.MockTransport(lambda request: httpx.Response(200, json={"bound": "maybe"}))
    roi = RoiClient(httpx.Client(base_url="http://roi", transport=garbled), lambda: "token")
    app = create_app(postings_settings, clock=FixedClock(NOW), roi=roi)
    with TestClient(app) as client:
        set_up_force(client)
        response = client.post("/postings/compulsory", json=compulsory(), headers=DIRECTOR)
        listed = expect(client.get("/postings", headers=HR), 200)

    assert response.status_code == 503
    assert response.json()["service"] == "roi"
    assert listed["items"] == []


class RoiThatGoesDown:
    """The real ROI service until ``down`` is set; then it cannot be reached."""

    def __init__(self, roi: RoiClient) -> None:
        self._roi = roi
        self.down = False
        self.asked = 0

    def status(self, **question: Any) -> dict[str, Any]:
        self.asked += 1
        if self.down:
            raise Unavailable("the ROI service cannot be reached", service="roi")
        return self._roi.status(**question)


def test_a_decision_already_answered_is_answered_again_while_roi_is_down(
    postings_settings: PostingsSettings, roi_question: RoiClient
) -> None:
    """A repeat is found by the key's claim, after ROI is asked; when ROI cannot be asked,
    the key is looked up first, so a client retrying an answered decision gets its answer,
    and only a decision never answered is the 503."""
    roi = RoiThatGoesDown(roi_question)
    app = create_app(postings_settings, clock=FixedClock(NOW), roi=roi)
    with TestClient(app) as client:
        set_up_force(client)
        sent = {**DIRECTOR, "Idempotency-Key": "before-roi-went-down"}
        first = client.post("/postings/compulsory", json=compulsory(), headers=sent)
        assert first.status_code == 201
        roi.down = True
        again = client.post("/postings/compulsory", json=compulsory(), headers=sent)
        fresh = client.post(
            "/postings/compulsory",
            json=compulsory(officer_id="K101"),
            headers={**DIRECTOR, "Idempotency-Key": "after-roi-went-down"},
        )
        listed = expect(client.get("/postings", headers=HR), 200)
    assert (again.status_code, again.json()) == (201, first.json())
    assert fresh.status_code == 503
    assert fresh.json()["service"] == "roi"
    assert [p["id"] for p in listed["items"]] == [first.json()["id"]]


def test_a_posting_is_withdrawn_before_it_takes_effect_not_after(client: TestClient) -> None:
    posting = decide_compulsory(client)
    url = f"/postings/{posting['id']}/withdrawal"
    commander = bearer(Role.DIVISIONAL_COMMANDER, subject="cmdr-north", division="north")
    assert client.post(url, json={"rationale": "x"}, headers=commander).status_code == 403
    assert client.post(url, json={"rationale": "x"}, headers=officer("K100")).status_code == 403

    withdrawn = expect(client.post(url, json={"rationale": "Vacancy filled"}, headers=HR), 200)
    assert withdrawn["state"] == "withdrawn"
    assert withdrawn["facts"]["withdrawn"]["rationale"] == "Vacancy filled"
    assert move(client, posting["id"]).status_code == 409

    moved = decide_compulsory(client)
    confirm_at_panel(client, moved["id"], days(60))
    expect(move(client, moved["id"]), 200)
    late = client.post(
        f"/postings/{moved['id']}/withdrawal", json={"rationale": "Too late"}, headers=HR
    )
    assert late.status_code == 409


# -- rebuilding the read models ----------------------------------------------------------------


def _read_models(client: TestClient) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every read-model table, in a stable order."""
    from sqlalchemy import select

    from shared import migrate

    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    with runtime.application.db.unit_of_work(write=False) as session:
        rows = {
            table.name: sorted((tuple(row) for row in session.execute(select(table))), key=repr)
            for table in migrate.service_metadata("postings").sorted_tables
            if table.name != runtime.tables.consultations.name
        }
    # The strength counts are kept in the slots of the transactions that changed them, and a
    # rebuild counts them afresh into one: what must match is each division and rank's sum.
    summed: dict[tuple[str, str], list[int]] = {}
    for division, rank, _slot, *figures in rows.pop("strength_counts"):
        total = summed.setdefault((division, rank), [0, 0, 0])
        total[:] = [a + b for a, b in zip(total, figures, strict=True)]
    rows["strength_counts"] = sorted((k, tuple(v)) for k, v in summed.items() if any(v))
    return rows


@pytest.mark.parametrize(
    ("decode_apart", "copy_from", "page"),
    [(False, None, None), (True, None, None), (True, 1, None), (True, None, 2)],
    ids=["decoded-here", "decoded-apart", "decoded-apart-copied", "decoded-apart-paged"],
)
def test_a_rebuild_reproduces_every_read_model_row_for_row(
    client: TestClient,
    decode_apart: bool,
    copy_from: int | None,
    page: int | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A rebuild holds writes back and sends them many at a time (officer updates merged,
    index rows and new rows batched), and may decode on a second process (as it does for a
    large log on PostgreSQL): the tables it leaves must be the live ones exactly,
    across restrictions added and lifted, an exception granted and used, a PDR, details
    changed, postings decided, confirmed and moved. On PostgreSQL a large flush goes by
    COPY; this scenario's flushes are small, so one case sends every flush so. Decoded
    apart on PostgreSQL, each page's writes are sent from a thread of their own while the
    next page is projected; one case makes every page two events, so that an officer's
    row and its updates fall in different pages."""
    from shared import held_writes, migrate, rebuild
    from shared.rebuild import rebuild_read_models

    if copy_from is not None:
        monkeypatch.setattr(held_writes, "COPY_FROM", copy_from)
    if page is not None:
        monkeypatch.setattr(rebuild, "PAGE", page)

    mine = {"location": "dover", "rationale": "My mother lives next to the station"}
    expect(client.post("/officers/K100/restrictions", json=mine, headers=officer("K100")), 201)
    psd = {"location": "dover", "rationale": PSD_REASON}
    expect(client.post("/officers/K100/restrictions", json=psd, headers=PSD), 201)
    lifted = {"rationale": "My mother has moved"}
    expect(
        client.post(
            "/officers/K100/restrictions/dover/lifting", json=lifted, headers=officer("K100")
        ),
        200,
    )
    expect(client.post("/officers/K100/restrictions", json=mine, headers=officer("K100")), 201)
    expect(client.patch("/officers/K101", json={"name": "Kim Renamed"}, headers=HR), 200)
    posting, exception = _posting_waiting_on_a_pdr(client)
    expect(client.post("/officers/K100/exceptions", json=exception, headers=POLICY_OWNER), 201)
    expect(move(client, posting["id"]), 200)
    # K101 moves to the south, then is posted again: the second decision's row takes the
    # division the replay has given them by then, not their first.
    south = decide_compulsory(client, officer_id="K101", to_location="ashford")
    confirm_at_panel(client, south["id"], days(30))
    expect(move(client, south["id"]), 200)
    again = decide_compulsory(client, officer_id="K101")
    before = _read_models(client)
    postings = {row[0]: row for row in before["postings"]}
    from_division = [c.name for c in postings_table.c].index("from_division")
    assert postings[south["id"]][from_division] == "north"
    assert postings[again["id"]][from_division] == "south"
    runtime = client.app.state.runtime  # type: ignore[attr-defined]

    replayed = rebuild_read_models(
        runtime.application,
        migrate.service_metadata("postings"),
        runtime.tables,
        decode_apart=decode_apart,
    )

    assert replayed > 20
    assert _read_models(client) == before
