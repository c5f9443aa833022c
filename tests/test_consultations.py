"""The consultation log (audit issue; DPA 2018 s.62 in spirit): every read of an officer's
personal data by a person is recorded - who, when, which officer, what, which endpoint - and
the auditor can query it. It keeps no copy of what was read."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.consultations import officer_ids_in, officer_ids_in_json
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


def test_an_answer_naming_the_officer_only_in_its_address_is_a_consultation(
    postings_client: TestClient,
) -> None:
    """Their restrictions, personal file and notifications name them in the path alone."""
    register_officer(postings_client, "K100")
    for what in ("restrictions", "personal-file", "notifications"):
        expect(postings_client.get(f"/officers/K100/{what}", headers=HR), 200)

    assert [e["what"] for e in consulted(postings_client, officer_id="K100")] == [
        "/officers/{officer_id}/restrictions",
        "/officers/{officer_id}/personal-file",
        "/officers/{officer_id}/notifications",
    ]


def test_machines_and_refused_reads_are_not_consultations(postings_client: TestClient) -> None:
    register_officer(postings_client, "K100")

    feed = expect(postings_client.get("/events", headers=bearer(Role.INTEGRATION)), 200)
    assert "K100" in str(feed)  # the HR-system integration read K100's record: a machine
    assert postings_client.get("/officers/K100", headers=officer("K101")).status_code == 403

    assert consulted(postings_client, officer_id="K100") == []


def test_only_auditors_read_the_consultation_log(postings_client: TestClient) -> None:
    assert postings_client.get("/audit/consultations", headers=HR).status_code == 403


#: Strings built of the pieces that could fool a reading of the text: quotes, backslashes,
#: the key itself, colons, white space and a non-ASCII letter.
_TRICKY_TEXT = st.lists(
    st.sampled_from(['"', "\\", ":", " ", "officer_id", '"officer_id":"K9"', "K1", "é", "\n"]),
    max_size=6,
).map("".join)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | _TRICKY_TEXT,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["officer_id", "facts", '"officer_id"', '"officer_id', 'x\\"officer_id']
            )
            | _TRICKY_TEXT,
            inner,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(document=_JSON, ensure_ascii=st.booleans(), indent=st.sampled_from([None, 2]))
def test_officers_read_off_the_json_text_are_those_a_parse_finds(
    document: Any, ensure_ascii: bool, indent: int | None
) -> None:
    text = json.dumps(document, ensure_ascii=ensure_ascii, indent=indent).encode()
    assert officer_ids_in_json(text) == officer_ids_in(document)
