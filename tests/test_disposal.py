"""Disposal of an officer's personal data at the end of its retention period (L1, Retention
& Disposal of Records), three services running: afterwards nothing about the officer reads
in clear (answers, feeds, read models, exports), every chain still verifies, and the
non-personal decision history (kind, clause, dates, outcome) still replays."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.roles import Role
from tests.force import days
from tests.helpers import HR
from tests.support.http import eventually, ok
from tests.support.three_services import AUDITOR, System, build_history, running_system
from tests.support.tokens import bearer

POLICY_OWNER = bearer(Role.HR_POLICY_OWNER, subject="head-of-operational-hr")
DISPOSAL = {"retention_ended_on": days(-1), "rationale": "HR Disposal Schedule: 6 years after"}


@pytest.fixture
def system(database_urls: dict[str, str], tmp_path: Path) -> Iterator[System]:
    with running_system(database_urls, tmp_path) as running:
        yield running


def dispose_everywhere(system: System) -> None:
    for client in (system.postings, system.appeals, system.roi):
        ok(
            client.post("/retention/officers/K100/disposal", json=DISPOSAL, headers=POLICY_OWNER),
            201,
        )


@pytest.mark.e2e
def test_after_disposal_nothing_personal_reads_and_the_history_still_replays(
    system: System, tmp_path: Path
) -> None:
    history = build_history(system)
    posting_id = history["posting"]["id"]
    before = ok(system.postings.get(f"/postings/{posting_id}", headers=HR))
    assert ok(system.postings.get("/officers/K100", headers=HR))["name"] == "Alex Smith"

    dispose_everywhere(system)

    officer = ok(system.postings.get("/officers/K100", headers=HR))
    assert officer["name"] == "[disposed]"
    posting = ok(system.postings.get(f"/postings/{posting_id}", headers=HR))
    assert posting["rationale"] == "[disposed]"
    # The non-personal history stands: kind, clause, decider, dates, state.
    for field in ("kind", "clause", "decided_by", "posting_date", "state", "to_location"):
        assert posting[field] == before[field], field
    for client in (system.postings, system.appeals, system.roi):
        feed = client.get("/events", params={"limit": 1000}, headers=AUDITOR).text
        for personal in ("Alex Smith", "My travel was not weighed", "Response strength"):
            assert personal not in feed
        assert ok(client.get("/audit/verify", headers=AUDITOR))["ok"] is True
    appeal = ok(system.appeals.get(f"/appeals/{history['appeal']['id']}", headers=AUDITOR))
    assert appeal["grounds"] == "[disposed]"
    assert appeal["outcome"] == "dismissed"
    # Appeals' view of posting decisions comes back from postings' feed after the rebuild.
    eventually(
        lambda: (
            system.appeals.get(f"/posting-decisions/{posting_id}", headers=AUDITOR).status_code
            == 200
        )
    )

    # An export taken now holds nothing personal, nor does its key file hold K100's key;
    # replayed without any service, the decision history is rebuilt all the same.
    env = {**os.environ, **system.env}
    export, keys = tmp_path / "postings.jsonl", tmp_path / "postings.keys"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "shared.cli",
            "export",
            "postings",
            "--out",
            str(export),
            "--keys",
            str(keys),
        ],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert "Alex Smith" not in export.read_text()
    assert "K100" not in json.loads(keys.read_text())["keys"]
    states = tmp_path / "states.jsonl"
    replayed = subprocess.run(
        [
            sys.executable,
            "-m",
            "shared.cli",
            "replay",
            str(export),
            "--keys",
            str(keys),
            "--states",
            str(states),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    rebuilt = {s["case_id"]: s for s in map(json.loads, states.read_text().splitlines())}
    assert rebuilt[posting_id]["state"]["kind"] == "compulsory"
    assert rebuilt[posting_id]["state"]["state"] == "date_confirmed"
    assert rebuilt[posting_id]["state"]["posting_date"] == days(61)
    # The kind's details were personal: nothing of them is left to read.
    assert rebuilt[posting_id]["state"]["details"] is None
    assert "Alex Smith" not in states.read_text()


@pytest.mark.e2e
def test_disposal_is_a_decision_taken_once_by_a_policy_owner(system: System) -> None:
    build_history(system)
    url = "/retention/officers/K100/disposal"
    assert system.postings.post(url, json=DISPOSAL, headers=HR).status_code == 403
    early = system.postings.post(
        url, json={**DISPOSAL, "retention_ended_on": days(30)}, headers=POLICY_OWNER
    )
    assert early.status_code == 422
    assert early.json()["rule"] == "RetentionPeriodMustHaveEnded"
    nobody = system.postings.post(
        "/retention/officers/K555/disposal", json=DISPOSAL, headers=POLICY_OWNER
    )
    assert nobody.status_code == 404

    ok(system.postings.post(url, json=DISPOSAL, headers=POLICY_OWNER), 201)

    again = system.postings.post(url, json=DISPOSAL, headers=POLICY_OWNER)
    assert again.status_code == 409
    # Nothing more is recorded about a disposed officer.
    changed = system.postings.patch("/officers/K100", json={"rank": "sergeant"}, headers=HR)
    assert changed.status_code == 409
    # The disposal is itself in the decision history, in clear.
    found = ok(
        system.postings.get(
            "/audit/decisions",
            params={"clause": "L1 Retention & Disposal of Records", "outcome": "decided"},
            headers=AUDITOR,
        )
    )
    (entry,) = found["items"]
    assert entry["officer_id"] == "K100"
    assert entry["decision"]["actor_id"] == "head-of-operational-hr"
    assert entry["decision"]["rationale"] == DISPOSAL["rationale"]


@pytest.mark.e2e
def test_a_stored_answer_holding_personal_data_is_not_replayed_after_disposal(
    system: System,
) -> None:
    """An answer kept for an Idempotency-Key that never names the officer (a restrictions
    list) but holds their data is forgotten by the disposal: the repeat is then a new
    request, refused because nothing more is recorded about them."""
    psd = {**bearer(Role.PSD, subject="psd-1"), "Idempotency-Key": "restrict-K100-dover"}
    body = {"location": "dover", "rationale": "PSD CONFIDENTIAL association at Dover"}
    first = ok(system.postings.post("/officers/K100/restrictions", json=body, headers=psd), 201)
    assert "PSD CONFIDENTIAL" in json.dumps(first)
    assert "K100" not in json.dumps(first)

    ok(
        system.postings.post(
            "/retention/officers/K100/disposal", json=DISPOSAL, headers=POLICY_OWNER
        ),
        201,
    )
    again = system.postings.post("/officers/K100/restrictions", json=body, headers=psd)

    assert again.headers.get("Idempotent-Replayed") is None
    assert "PSD CONFIDENTIAL" not in again.text
    # Sent anew, it is refused on the officer's record as it is now.
    assert again.status_code == 409, again.text
    assert again.json()["rule"] in {
        "LocationIsRestrictedOnceBySource",
        "NothingIsRecordedAfterDisposal",
    }
