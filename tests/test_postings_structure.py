"""Units and their heads, establishment and strength (L1800 3.1.2-3.1.3, 3.6.1), and the
Head of Resourcing's monitoring figures (7.1), over HTTP."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from shared.roles import Role

# force_client below is this module's ``client`` fixture: postings with the force set up.
from tests.force import (
    AUDITOR,
    DIRECTOR,
    HEAD_OF_RESOURCING,
    SLT_NORTH,
    compulsory,
    days,
    expect,
    force_client,  # noqa: F401
    officer,
)
from tests.helpers import HR, redeployment_body
from tests.support.tokens import bearer


def row(rows: list[dict[str, Any]], division: str, category: str, key: str) -> dict[str, Any]:
    (found,) = [
        r for r in rows if (r["division"], r["category"], r["key"]) == (division, category, key)
    ]
    return found


def test_strength_against_establishment_now_and_after_planned_postings(client: TestClient) -> None:
    expect(
        client.put(
            "/establishment/south",
            json={"category": "rank", "key": "constable", "target": 3},
            headers=HR,
        ),
        200,
    )
    assert (
        client.put(
            "/establishment/south",
            json={"category": "rank", "key": "constable", "target": 3},
            headers=SLT_NORTH,
        ).status_code
        == 403
    )
    expect(client.patch("/officers/K100", json={"skills": ["taser"]}, headers=HR), 200)

    posting = expect(
        client.post(
            "/postings/compulsory",
            json=compulsory(to_location="dover", travel_justification="Dover vacancy"),
            headers=DIRECTOR,
        ),
        201,
    )

    rows = expect(client.get("/strength", headers=HEAD_OF_RESOURCING), 200)["items"]
    assert row(rows, "north", "rank", "constable") | {"target": None} == {
        "division": "north",
        "category": "rank",
        "key": "constable",
        "target": None,
        "now": 2,
        "projected": 1,
    }
    south = row(rows, "south", "rank", "constable")
    assert (south["target"], south["now"], south["projected"]) == (3, 0, 1)
    assert row(rows, "south", "skill", "taser")["projected"] == 1
    # The decision showed the strength it was taken against.
    assert posting["facts"]["strength"]["destination"] == {"target": 3, "now": 0, "projected": 0}
    # The next decision counts the first as planned: leaving north, joining south.
    second = expect(
        client.post(
            "/postings/compulsory",
            json=compulsory(
                officer_id="K101", to_location="dover", travel_justification="Dover vacancy"
            ),
            headers=DIRECTOR,
        ),
        201,
    )
    assert second["facts"]["strength"]["origin"] == {"target": None, "now": 2, "projected": 1}
    assert second["facts"]["strength"]["destination"] == {"target": 3, "now": 0, "projected": 1}
    assert client.get("/strength", headers=officer("K100")).status_code == 403


def test_the_units_head_on_record_is_who_redeploys_within_it(client: TestClient) -> None:
    expect(
        client.post(
            "/units",
            json={
                "code": "north",
                "name": "North Division",
                "kind": "division",
                "head_id": "cmdr-north",
            },
            headers=HR,
        ),
        201,
    )
    impostor = bearer(Role.DIVISIONAL_COMMANDER, subject="cmdr-acting", division="north")
    refused = client.post("/postings/redeployments", json=redeployment_body(), headers=impostor)
    assert refused.json()["rule"] == "RedeploymentIsForTheUnitsCommanderOrHead"

    expect(client.put("/units/north/head", json={"head_id": "cmdr-acting"}, headers=HR), 200)
    allowed = client.post("/postings/redeployments", json=redeployment_body(), headers=impostor)
    assert allowed.status_code == 201
    assert allowed.json()["state"] == "date_confirmed"


def test_monitoring_figures_for_the_head_of_resourcing(client: TestClient) -> None:
    expect(client.post("/postings/compulsory", json=compulsory(), headers=DIRECTOR), 201)
    selection = expect(
        client.post(
            "/postings/selections",
            json={
                "officer_id": "K101",
                "to_location": "tonbridge",
                "likely_posting_date": days(40),
                "rationale": "Successful at the neighbourhood team board",
                "selection_process": "Neighbourhood board",
                "slt_recipients": ["slt-north"],
            },
            headers=bearer(Role.LINE_MANAGER),
        ),
        201,
    )
    expect(
        client.post(
            f"/postings/{selection['id']}/date",
            json={"posting_date": days(40), "exceptional_circumstances": "Team launch date"},
            headers=HEAD_OF_RESOURCING,
        ),
        200,
    )

    figures = expect(client.get("/monitoring", headers=HEAD_OF_RESOURCING), 200)

    assert figures["compulsory_postings"] == 1
    assert {
        (r["kind"], r["division"], r["postings"]) for r in figures["postings_by_kind_and_division"]
    } == {
        ("compulsory", "north", 1),
        ("selection", "north", 1),
    }
    assert figures["selection_to_posting_date"] == {
        "postings": 1,
        "mean_days": 40.0,
        "median_days": 40.0,
    }
    assert client.get("/monitoring", headers=AUDITOR).status_code == 200
    assert client.get("/monitoring", headers=HR).status_code == 403


def test_a_batch_is_decided_under_one_rationale_with_a_result_per_officer(
    client: TestClient,
) -> None:
    expect(
        client.post(
            "/officers/K101/restrictions",
            json={"location": "tonbridge", "rationale": "Conflict of interest with a local family"},
            headers=bearer(Role.PSD),
        ),
        201,
    )
    body = {
        "rationale": "Rebalancing response officers after the boundary review",
        "reasoning_for_officer": "The boundary review moved demand to Tonbridge",
        "postings": [
            {
                "officer_id": "K100",
                "to_location": "tonbridge",
                "likely_posting_date": days(60),
                "preferences": [],
            },
            {
                "officer_id": "K101",
                "to_location": "tonbridge",
                "likely_posting_date": days(60),
                "preferences": [],
            },
            {
                "officer_id": "K999",
                "to_location": "tonbridge",
                "likely_posting_date": days(60),
                "preferences": [],
            },
        ],
    }
    assert client.post("/postings/batches", json=body, headers=SLT_NORTH).status_code == 403

    batch = expect(client.post("/postings/batches", json=body, headers=DIRECTOR), 201)

    k100, k101, k999 = batch["results"]
    assert k100["posting_id"]
    assert k100["refused"] is None
    assert k101["posting_id"] is None
    assert [v["rule"] for v in k101["refused"]] == ["LocationMustNotBeUnsuitable"]
    assert "Conflict of interest" not in str(batch)
    assert k999["refused"][0]["rule"] == "PostingNamesRegisteredOfficerAndPlace"
    decided = expect(client.get(f"/postings/{k100['posting_id']}", headers=HR), 200)
    assert decided["rationale"] == body["rationale"]
    listed = expect(client.get("/postings", params={"kind": "compulsory"}, headers=HR), 200)
    assert listed["total"] == 1
    # The batch's answer is found again where its Location header says.
    created = client.post("/postings/batches", json=body, headers=DIRECTOR)
    again = expect(client.get(created.headers["location"], headers=AUDITOR), 200)
    assert [r["officer_id"] for r in again["results"]] == ["K100", "K101", "K999"]
    assert client.get(created.headers["location"], headers=SLT_NORTH).status_code == 403
