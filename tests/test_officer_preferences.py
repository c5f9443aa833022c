"""An officer's preferences, sought and considered before a compulsory posting (L1800
3.7.2), over HTTP on SQLite and PostgreSQL: stated by the officer alone, read by them, HR
and auditors, and recorded as a fact on the compulsory decision that considered them."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

# force_client below is this module's ``client`` fixture: postings with the force set up.
from tests.force import (
    AUDITOR,
    DIRECTOR,
    PSD,
    SLT_NORTH,
    compulsory,
    expect,
    force_client,  # noqa: F401
    officer,
)
from tests.helpers import HR

MINE = {"places": ["tonbridge", "ashford"], "rationale": "Closest to home; I know Tonbridge"}


def test_an_officer_states_preferences_and_those_who_decide_read_them(
    client: TestClient,
) -> None:
    before = expect(client.get("/officers/K100/preferences", headers=officer("K100")), 200)
    assert (before["places"], before["said"], before["stated_at"]) == ([], None, None)

    stated = expect(
        client.put("/officers/K100/preferences", json=MINE, headers=officer("K100")), 200
    )
    assert stated["places"] == ["tonbridge", "ashford"]
    assert stated["said"] == MINE["rationale"]
    assert stated["version"] > before["version"]

    for reader in (officer("K100"), HR, DIRECTOR, AUDITOR):
        read = client.get("/officers/K100/preferences", headers=reader)
        assert read.status_code == 200
        assert read.json()["places"] == ["tonbridge", "ashford"]
        assert read.headers["ETag"] == f'"{stated["version"]}"'
    # Divisional roles and Professional Standards decide no compulsory posting; another
    # officer is refused before anything about K100 is looked up.
    for stranger in (SLT_NORTH, PSD, officer("K101")):
        refused = client.get("/officers/K100/preferences", headers=stranger)
        assert refused.status_code == 403
        assert "ashford" not in refused.text
        assert "Tonbridge" not in refused.text


def test_only_the_officer_states_their_own_preferences(client: TestClient) -> None:
    for caller in (officer("K101"), HR, DIRECTOR):
        refused = client.put("/officers/K100/preferences", json=MINE, headers=caller)
        assert refused.status_code == 403, caller
    assert expect(client.get("/officers/K100/preferences", headers=HR), 200)["places"] == []


def test_a_new_statement_replaces_the_last_and_saying_it_again_changes_nothing(
    client: TestClient,
) -> None:
    first = expect(
        client.put("/officers/K100/preferences", json=MINE, headers=officer("K100")), 200
    )
    again = expect(
        client.put("/officers/K100/preferences", json=MINE, headers=officer("K100")), 200
    )
    assert again["version"] == first["version"]

    anywhere = {"places": [], "rationale": "Anywhere in the force suits me now"}
    replaced = expect(
        client.put("/officers/K100/preferences", json=anywhere, headers=officer("K100")), 200
    )
    assert (replaced["places"], replaced["said"]) == ([], anywhere["rationale"])
    assert replaced["version"] == first["version"] + 1


def test_a_statement_against_an_older_version_is_refused_and_changes_nothing(
    client: TestClient,
) -> None:
    read = client.get("/officers/K100/preferences", headers=officer("K100"))
    expect(client.put("/officers/K100/preferences", json=MINE, headers=officer("K100")), 200)

    stale = client.put(
        "/officers/K100/preferences",
        json={"places": ["dover"], "rationale": "Dover after all"},
        headers={**officer("K100"), "If-Match": read.headers["ETag"]},
    )

    assert stale.status_code in (409, 412)
    assert stale.headers["content-type"].startswith("application/problem+json")
    now = expect(client.get("/officers/K100/preferences", headers=officer("K100")), 200)
    assert now["places"] == ["tonbridge", "ashford"]


@pytest.mark.parametrize(
    ("places", "rule"),
    [
        (["tonbridge", "atlantis"], "PlaceOfDutyIsRegistered"),
        (["tonbridge", "ashford", "tonbridge"], "StatedPreferencesNameEachPlaceOnce"),
    ],
)
def test_an_unknown_or_repeated_place_is_refused_naming_the_rule(
    client: TestClient, places: list[str], rule: str
) -> None:
    refused = client.put(
        "/officers/K100/preferences",
        json={"places": places, "rationale": "As I see it"},
        headers=officer("K100"),
    )

    assert refused.status_code == 422
    violation = refused.json()["violations"][0]
    assert (violation["rule"], violation["field"], violation["clause"]) == (
        rule,
        "places",
        "L1800 3.7.2" if rule.startswith("Stated") else violation["clause"],
    )
    assert expect(client.get("/officers/K100/preferences", headers=HR), 200)["places"] == []


def test_too_many_places_or_no_words_is_a_validation_problem(client: TestClient) -> None:
    many = {"places": [f"p{i}" for i in range(11)], "rationale": "All of them"}
    blank = {"places": ["dover"], "rationale": "   "}
    for body in (many, blank):
        refused = client.put("/officers/K100/preferences", json=body, headers=officer("K100"))
        assert refused.status_code == 422
        assert refused.json()["errors"]


def test_a_compulsory_decision_records_what_the_officer_had_said(client: TestClient) -> None:
    stated = expect(
        client.put("/officers/K100/preferences", json=MINE, headers=officer("K100")), 200
    )

    posting = expect(client.post("/postings/compulsory", json=compulsory(), headers=DIRECTOR), 201)

    fact = posting["facts"]["preferences_stated"]
    assert fact == {
        "places": ["tonbridge", "ashford"],
        "stated_at": stated["stated_at"].replace("Z", "+00:00"),
        "officer_version": stated["version"],
    }
    # Where the officer would rather serve is not for their division's SLT to read, as a
    # fact or as the preferences the decision records; the officer reads their own.
    seen = expect(client.get(f"/postings/{posting['id']}", headers=SLT_NORTH), 200)
    assert "preferences_stated" not in seen["facts"]
    assert seen["details"]["preferences"] is None
    listed = expect(client.get("/postings?officer_id=K100", headers=SLT_NORTH), 200)
    assert "ashford" not in str(listed)
    own = expect(client.get(f"/postings/{posting['id']}", headers=officer("K100")), 200)
    assert own["details"]["preferences"] == ["tonbridge", "ashford"]


def test_a_compulsory_decision_records_that_nothing_had_been_said(client: TestClient) -> None:
    posting = expect(client.post("/postings/compulsory", json=compulsory(), headers=DIRECTOR), 201)

    assert posting["facts"]["preferences_stated"] is None


def test_the_officers_view_gives_the_version_their_preferences_moved_it_to(
    client: TestClient,
) -> None:
    """Stating preferences moves the officer's record on: their view says so, and a change
    sent with the ETag it gives is taken, not refused as stale."""
    stated = expect(
        client.put("/officers/K100/preferences", json=MINE, headers=officer("K100")), 200
    )
    seen = client.get("/officers/K100", headers=HR)
    assert seen.status_code == 200
    assert seen.json()["version"] == stated["version"]
    assert seen.headers["ETag"] == f'"{stated["version"]}"'
    changed = client.patch(
        "/officers/K100",
        json={"skills": ["firearms"]},
        headers={**HR, "If-Match": seen.headers["ETag"]},
    )
    assert changed.status_code == 200, changed.text
