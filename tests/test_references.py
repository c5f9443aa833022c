"""References exist (L1800 3.1.1): an officer is registered at, and posted to, a place of
duty that is registered; every refusal names the code the caller sent, never an internal
id."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi.testclient import TestClient

from services.postings.domain.rules.s3_1_general import PlaceOfDutyIsRegistered
from shared.settings import PostingsSettings
from tests.force import DIRECTOR, compulsory
from tests.helpers import HR, count_events, officer_body, redeployment_body, register_officer
from tests.test_edges import COMMANDER

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-")


def refused_for_an_unknown_place(response: httpx.Response, field: str) -> None:
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["rule"] == PlaceOfDutyIsRegistered.id
    assert problem["clause"] == PlaceOfDutyIsRegistered.clause
    assert problem["violations"][0]["field"] == field
    assert "atlantis" in problem["detail"]
    assert not UUID.search(response.text)


def test_an_officer_is_not_registered_at_a_place_of_duty_that_is_not(
    postings_client: TestClient, postings_settings: PostingsSettings
) -> None:
    register_officer(postings_client)
    before = count_events(postings_settings.database_url)

    answer = postings_client.post(
        "/officers", json=officer_body("K200", place_of_duty="atlantis"), headers=HR
    )

    refused_for_an_unknown_place(answer, "place_of_duty")
    assert count_events(postings_settings.database_url) == before


@pytest.mark.parametrize(
    ("path", "body", "headers"),
    [
        ("/postings/redeployments", redeployment_body(to_location="atlantis"), COMMANDER),
        ("/postings/compulsory", compulsory(to_location="atlantis"), DIRECTOR),
    ],
    ids=["redeployment", "compulsory"],
)
def test_no_one_is_posted_to_a_place_of_duty_that_is_not_registered(
    postings_client: TestClient,
    postings_settings: PostingsSettings,
    path: str,
    body: dict[str, object],
    headers: dict[str, str],
) -> None:
    register_officer(postings_client)
    before = count_events(postings_settings.database_url)

    refused_for_an_unknown_place(
        postings_client.post(path, json=body, headers=headers), "to_location"
    )
    assert count_events(postings_settings.database_url) == before


def test_what_is_not_found_is_named_as_the_caller_named_it(postings_client: TestClient) -> None:
    for path, named in (
        ("/officers/K999", "officer K999"),
        ("/locations/atlantis", "location atlantis"),
    ):
        answer = postings_client.get(path, headers=HR)
        assert answer.status_code == 404
        assert answer.json()["detail"] == f"{named} not found"
