"""The consultation log (audit issue; DPA 2018 s.62 in spirit): every read of an officer's
personal data by a person is recorded - who, when, which officer, what, which endpoint - and
the auditor can query it. It keeps no copy of what was read."""

from __future__ import annotations

from fastapi.testclient import TestClient

from shared.roles import Role
from tests.force import AUDITOR, expect, officer
from tests.helpers import HR, register_officer
from tests.support.tokens import bearer


def consulted(client: TestClient, **params: str) -> list[dict[str, str]]:
    page = expect(client.get("/audit/consultations", params=params, headers=AUDITOR), 200)
    items: list[dict[str, str]] = page["items"]
    return items


def test_reads_of_personal_data_by_people_are_recorded_without_the_data(
    postings_client: TestClient,
) -> None:
    register_officer(postings_client, "K100")
    register_officer(postings_client, "K101")

    expect(postings_client.get("/officers/K100", headers=HR), 200)
    expect(postings_client.get("/officers/K100", headers=officer("K100")), 200)
    expect(postings_client.get("/officers", headers=HR), 200)

    entries = consulted(postings_client, officer_id="K100")
    assert [(e["actor_role"], e["what"]) for e in entries] == [
        ("hr_resource_planning", "/officers/{officer_id}"),
        ("officer", "/officers/{officer_id}"),
        ("hr_resource_planning", "/officers"),
    ]
    assert entries[0]["endpoint"] == "GET /officers/K100"
    assert "Alex Smith" not in str(consulted(postings_client))
    assert {
        e["officer_id"] for e in consulted(postings_client, actor_id="test:hr_resource_planning")
    } == {
        "K100",
        "K101",
    }


def test_machines_and_refused_reads_are_not_consultations(postings_client: TestClient) -> None:
    register_officer(postings_client, "K100")

    feed = expect(postings_client.get("/events", headers=bearer(Role.INTEGRATION)), 200)
    assert "K100" in str(feed)  # the HR-system integration read K100's record: a machine
    assert postings_client.get("/officers/K100", headers=officer("K101")).status_code == 403

    assert consulted(postings_client, officer_id="K100") == []


def test_only_auditors_read_the_consultation_log(postings_client: TestClient) -> None:
    assert postings_client.get("/audit/consultations", headers=HR).status_code == 403
