"""The log exported over HTTP (issue 17, point 4): the auditor alone may ask for it; it is
the command-line export's JSON Lines, streamed; personal data stays sealed in it and the
officers' keys are never part of it; it is filtered by officer and by when events were
recorded, and capped as an expensive query."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.postings.clients.roi import RoiClient
from shared.export import FORMAT, officer_keys
from shared.roles import Role
from shared.settings import PostingsSettings
from tests.force import AUDITOR
from tests.helpers import register_officer
from tests.support.tokens import bearer


def exported(client: TestClient, **params: str) -> list[dict[str, Any]]:
    response = client.get("/audit/export", params=params, headers=AUDITOR)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in response.text.splitlines()]


def test_every_role_but_the_auditor_is_refused(postings_client: TestClient) -> None:
    refused = {
        role.value: postings_client.get(
            "/audit/export", headers=bearer(role, officer_id="K100", division="north")
        ).status_code
        for role in Role
        if role is not Role.AUDITOR
    }
    assert set(refused.values()) == {403}, refused
    assert postings_client.get("/audit/export").status_code == 401


def test_the_export_is_every_event_with_its_hashes_and_personal_data_sealed(
    postings_client: TestClient,
) -> None:
    register_officer(postings_client, "K100")
    register_officer(postings_client, "K101", name="Sam Jones")

    response = postings_client.get("/audit/export", headers=AUDITOR)

    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    header, *events = [json.loads(line) for line in response.text.splitlines()]
    assert header["format"] == FORMAT
    assert header["service"] == "postings"
    assert header["filters"] == {"officer_id": None, "since": None, "until": None}
    assert events, "the officers' registrations are in the log"
    positions = [e["position"] for e in events]
    assert positions == sorted(positions)
    # Each event follows on from the one before it in the chain.
    for before, after in itertools.pairwise(events):
        assert after["prev_chain_hash"] == before["chain_hash"]
    assert {"Officer.Registered"} <= {e["event"]["type"] for e in events}
    # Names are sealed with each officer's key, and no key is in the export.
    assert "Alex Smith" not in response.text
    assert "Sam Jones" not in response.text
    runtime = postings_client.app.state.runtime  # type: ignore[attr-defined]
    keys = officer_keys(runtime.db.engine, runtime.tables, None)
    assert set(keys) >= {"K100", "K101"}
    assert not any(key in response.text for key in keys.values())


def test_the_export_holds_one_officers_cases_or_a_time_range(
    postings_client: TestClient,
) -> None:
    register_officer(postings_client, "K100")
    register_officer(postings_client, "K101", name="Sam Jones")
    everything = exported(postings_client)[1:]

    header, *k101 = exported(postings_client, officer_id="K101")

    assert header["filters"]["officer_id"] == "K101"
    assert k101
    assert len(k101) < len(everything)
    assert all("K100" not in json.dumps(e["event"]) for e in k101)

    first = min(datetime.fromisoformat(e["event"]["occurred_at"]) for e in everything)
    later = (first + timedelta(days=1)).isoformat()
    assert exported(postings_client, since=later)[1:] == []
    assert exported(postings_client, until=(first - timedelta(days=1)).isoformat())[1:] == []
    within = exported(postings_client, since=first.isoformat(), until=later)
    assert len(within[1:]) == len(everything)
    assert within[0]["filters"]["since"] == first.isoformat()


def test_a_moment_without_its_offset_is_refused_naming_the_parameter(
    postings_client: TestClient,
) -> None:
    response = postings_client.get(
        "/audit/export", params={"since": "2026-11-22T10:00"}, headers=AUDITOR
    )

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == ["query.since"]


@pytest.fixture
def capped_client(
    postings_settings: PostingsSettings, roi_question: RoiClient
) -> Iterator[TestClient]:
    from services.postings.main import create_app

    settings = postings_settings.model_copy(update={"expensive_queries_per_minute": 1})
    with TestClient(create_app(settings, roi=roi_question)) as client:
        yield client


def test_an_export_counts_as_an_expensive_query(capped_client: TestClient) -> None:
    assert capped_client.get("/audit/export", headers=AUDITOR).status_code == 200

    again = capped_client.get("/audit/export", headers=AUDITOR)

    assert again.status_code == 429
    assert int(again.headers["Retry-After"]) >= 1


def test_an_export_of_one_officers_cases_is_a_consultation_of_their_record(
    postings_client: TestClient,
) -> None:
    register_officer(postings_client, "K101", name="Sam Jones")

    exported(postings_client, officer_id="K101")

    log = postings_client.get(
        "/audit/consultations", params={"officer_id": "K101"}, headers=AUDITOR
    ).json()
    assert [entry["what"] for entry in log["items"]] == ["/audit/export"]
