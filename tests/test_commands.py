"""The command pipeline over HTTP, on SQLite and PostgreSQL: blank rationale refused,
idempotent repeats, stale versions, and nothing stored by a refusal."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from services.postings.domain.rules.s3_1_general import PostingMustChangePlaceOfDuty
from services.postings.domain.rules.s3_6_redeployment import (
    RedeploymentMustStayWithinTheDecidersUnit,
)
from shared.roles import Role
from shared.settings import PostingsSettings
from tests.helpers import (
    COMMANDER_NORTH,
    DECISION_EVENTS,
    HR,
    count_events,
    redeployment_body,
    register_officer,
)
from tests.support.tokens import bearer


def test_blank_rationale_is_refused_with_a_problem_and_nothing_is_stored(
    postings_client: TestClient, postings_settings: PostingsSettings
) -> None:
    register_officer(postings_client)
    before = count_events(postings_settings.database_url)

    response = postings_client.post(
        "/postings/redeployments",
        json=redeployment_body(rationale="   \n\t "),
        headers=COMMANDER_NORTH,
    )

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert [e["field"] for e in problem["errors"]] == ["body.rationale"]
    assert count_events(postings_settings.database_url) == before


def test_authority_outside_ones_division_is_a_403_naming_the_rule_and_stores_nothing(
    postings_client: TestClient, postings_settings: PostingsSettings
) -> None:
    register_officer(postings_client)
    before = count_events(postings_settings.database_url)
    south = bearer(Role.DIVISIONAL_COMMANDER, division="south")
    response = postings_client.post(
        "/postings/redeployments", json=redeployment_body(), headers=south
    )

    assert response.status_code == 403
    problem = response.json()
    assert problem["rule"] == RedeploymentMustStayWithinTheDecidersUnit.id
    assert problem["clause"] == "L1800 3.6.1"
    # Authority over the officer is asked first: nothing about the destination is said.
    assert [v["field"] for v in problem["violations"]] == ["officer_id"]
    assert count_events(postings_settings.database_url) == before


def test_a_commander_posting_into_another_division_is_refused_for_the_destination(
    postings_client: TestClient, postings_settings: PostingsSettings
) -> None:
    """The officer serves in the commander's division; the destination does not: a 403
    for authority naming the destination alone (L1800 3.6.1), never a claim about where the
    officer serves."""
    register_officer(postings_client)
    before = count_events(postings_settings.database_url)

    response = postings_client.post(
        "/postings/redeployments",
        json=redeployment_body(to_location="dover"),
        headers=COMMANDER_NORTH,
    )

    assert response.status_code == 403
    problem = response.json()
    assert problem["rule"] == RedeploymentMustStayWithinTheDecidersUnit.id
    assert [v["field"] for v in problem["violations"]] == ["to_location"]
    assert "serves" not in problem["detail"]
    assert count_events(postings_settings.database_url) == before


def test_a_broken_rule_names_the_rule_and_clause_and_stores_nothing(
    postings_client: TestClient, postings_settings: PostingsSettings
) -> None:
    register_officer(postings_client)
    before = count_events(postings_settings.database_url)
    response = postings_client.post(
        "/postings/redeployments",
        json=redeployment_body(to_location="maidstone"),
        headers=COMMANDER_NORTH,
    )

    assert response.status_code == 422
    problem = response.json()
    assert problem["rule"] == PostingMustChangePlaceOfDuty.id
    assert problem["clause"] == PostingMustChangePlaceOfDuty.clause
    assert count_events(postings_settings.database_url) == before


def test_a_repeated_idempotency_key_yields_one_event_and_the_same_response(
    postings_client: TestClient, postings_settings: PostingsSettings
) -> None:
    register_officer(postings_client)
    before = count_events(postings_settings.database_url)
    headers = {**COMMANDER_NORTH, "Idempotency-Key": "redeploy-K100-1"}

    first = postings_client.post(
        "/postings/redeployments", json=redeployment_body(), headers=headers
    )
    second = postings_client.post(
        "/postings/redeployments", json=redeployment_body(), headers=headers
    )

    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert first.headers["etag"] == second.headers["etag"]
    assert first.headers["location"] == second.headers["location"]
    assert second.headers["idempotent-replayed"] == "true"
    assert count_events(postings_settings.database_url) == before + DECISION_EVENTS


def test_twenty_concurrent_repeats_yield_one_event_and_identical_responses(
    postings_client: TestClient, postings_settings: PostingsSettings
) -> None:
    register_officer(postings_client)
    before = count_events(postings_settings.database_url)
    headers = {**COMMANDER_NORTH, "Idempotency-Key": "concurrent-1"}

    def send(_: int) -> tuple[int, dict[str, object]]:
        response = postings_client.post(
            "/postings/redeployments", json=redeployment_body(), headers=headers
        )
        return response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(send, range(20)))

    assert {status for status, _ in results} == {201}
    assert len({str(body) for _, body in results}) == 1
    assert count_events(postings_settings.database_url) == before + DECISION_EVENTS


def test_reusing_a_key_for_a_different_request_is_refused(postings_client: TestClient) -> None:
    register_officer(postings_client)
    headers = {**COMMANDER_NORTH, "Idempotency-Key": "k"}
    assert (
        postings_client.post(
            "/postings/redeployments", json=redeployment_body(), headers=headers
        ).status_code
        == 201
    )

    response = postings_client.post(
        "/postings/redeployments", json=redeployment_body(to_location="ashford"), headers=headers
    )

    assert response.status_code == 422
    assert response.json()["type"] == "/problems/idempotency-key-reused"


def test_a_stale_if_match_is_a_409_and_nothing_is_stored(
    postings_client: TestClient, postings_settings: PostingsSettings
) -> None:
    register_officer(postings_client)
    created = postings_client.post(
        "/postings/redeployments", json=redeployment_body(), headers=COMMANDER_NORTH
    )
    posting_id = created.json()["id"]
    assert created.headers["etag"] == '"1"'
    notice = {"recipients": ["K100"], "content": "You are re-deployed to Tonbridge"}
    fresh = postings_client.post(
        f"/postings/{posting_id}/notifications", json=notice, headers={**HR, "If-Match": '"1"'}
    )
    assert fresh.status_code == 200
    assert fresh.headers["etag"] == '"2"'
    before = count_events(postings_settings.database_url)

    stale = postings_client.post(
        f"/postings/{posting_id}/notifications", json=notice, headers={**HR, "If-Match": '"1"'}
    )

    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    assert count_events(postings_settings.database_url) == before


def test_page_size_is_capped(postings_client: TestClient) -> None:
    response = postings_client.get("/postings", params={"limit": 10_000}, headers=HR)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.limit"


def _place(code: str) -> dict[str, object]:
    return {
        "code": code,
        "name": f"{code} police station",
        "division": "south",
        "town": "Hythe",
        "lat": 51.071,
        "lon": 1.084,
        "kind": "station",
    }


def test_a_repeat_its_handler_would_now_refuse_is_answered_as_the_first_was(
    postings_client: TestClient,
) -> None:
    """Registering a place takes no record's lock, and a second registration of it is
    refused by its handler: sent again under its key, it is the first answer replayed,
    not that refusal (the key is claimed before the refusal is given, shared.key_claims)."""
    headers = {**HR, "Idempotency-Key": "place-once"}
    first = postings_client.post("/locations", json=_place("hythe"), headers=headers)
    assert first.status_code == 201, first.text
    again = postings_client.post("/locations", json=_place("hythe"), headers=headers)
    assert again.status_code == 201, again.text
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    # Without the key, the same registration is the handler's refusal.
    refused = postings_client.post("/locations", json=_place("hythe"), headers=HR)
    assert refused.status_code == 409, refused.text


def test_concurrent_repeats_of_a_command_taking_no_lock_are_one_and_answered_alike(
    postings_client: TestClient, postings_settings: PostingsSettings
) -> None:
    """Its key claimed just before its answer is kept: the repeats that decided too are
    undone, and answer as the first did."""
    before = count_events(postings_settings.database_url)
    headers = {**HR, "Idempotency-Key": "place-concurrent"}

    def send(_: int) -> tuple[int, str]:
        response = postings_client.post("/locations", json=_place("folkestone"), headers=headers)
        return response.status_code, response.text

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(send, range(10)))

    assert {status for status, _ in results} == {201}, results
    assert len({body for _, body in results}) == 1
    assert count_events(postings_settings.database_url) == before + 1
