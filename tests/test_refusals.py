"""Refusals on the record (DOMAIN.md 'Refusals'; ADR 0007), three services running: a
command refused by a protocol rule, and a refused exercise of authority by a signed-in
person, are each kept with the rule, clause, facts checked, actor, role, time and
correlation id, in the service's chained log; they change no case, leave the
Idempotency-Key free, show on the officer's timeline and under
/audit/decisions?outcome=refused. Malformed input is not recorded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shared.roles import Role
from tests.force import DIRECTOR, HEAD_OF_RESOURCING, compulsory, days, officer
from tests.helpers import HR, redeployment_body
from tests.support.http import ok
from tests.support.three_services import AUDITOR, System, running_system
from tests.support.tokens import bearer


@pytest.fixture
def system(database_urls: dict[str, str], tmp_path: Path) -> Iterator[System]:
    with running_system(database_urls, tmp_path) as running:
        yield running


def refusals(system: System, **params: str) -> list[dict[str, Any]]:
    page = ok(
        system.postings.get(
            "/audit/decisions", params={"outcome": "refused", **params}, headers=AUDITOR
        )
    )
    items: list[dict[str, Any]] = page["items"]
    return items


def dated_posting(system: System) -> str:
    """K100's compulsory posting to Tonbridge, dated outside a sitting, with their annual PDR
    falling due within 60 days of the posting date and not done (L1800 3.1.4)."""
    postings = system.postings
    ok(postings.put("/officers/K100/pdr", json={"due_on": days(70)}, headers=HR))
    posting = ok(postings.post("/postings/compulsory", json=compulsory(), headers=DIRECTOR), 201)
    date = {"posting_date": days(61), "exceptional_circumstances": "Court dates"}
    ok(postings.post(f"/postings/{posting['id']}/date", json=date, headers=HEAD_OF_RESOURCING))
    return str(posting["id"])


@pytest.mark.e2e
def test_a_move_refused_for_an_outstanding_pdr_is_kept_and_changes_nothing(
    system: System,
) -> None:
    postings = system.postings
    posting_id = dated_posting(system)
    before = postings.get(f"/postings/{posting_id}", headers=HR).headers["ETag"]
    sent = {**HR, "Idempotency-Key": "move-K100", "X-Request-ID": "req-move-1"}
    move = {"rationale": "Posting date reached"}

    refused = postings.post(f"/postings/{posting_id}/move", json=move, headers=sent)

    assert refused.status_code == 422
    assert refused.json()["rule"] == "PdrMustBeCompletedBeforeTheMove"
    (kept,) = refusals(system, officer_id="K100")
    assert (kept["type"], kept["outcome"], kept["case_id"]) == (
        "Refusal.Recorded",
        "refused",
        posting_id,
    )
    assert (kept["clause"], kept["actor_id"], kept["actor_role"]) == (
        "L1800 3.1.4",
        "test:hr_resource_planning",
        "hr_resource_planning",
    )
    act = kept["act"]
    assert (act["asked"], act["status"], act["correlation_id"]) == (
        "MoveOfficer",
        422,
        "req-move-1",
    )
    assert act["reasons"][0]["rule"] == "PdrMustBeCompletedBeforeTheMove"
    assert act["reasons"][0]["details"], "the facts that were checked"
    # No case changed.
    assert postings.get(f"/postings/{posting_id}", headers=HR).headers["ETag"] == before
    # On the officer's timeline.
    timeline = ok(postings.get("/audit/officers/K100/timeline", headers=AUDITOR))
    assert [e["type"] for e in timeline["entries"] if e["outcome"] == "refused"] == [
        "Refusal.Recorded"
    ]
    # The key was not taken: once the PDR is done, the same request goes through.
    ok(
        postings.put(
            "/officers/K100/pdr", json={"due_on": days(70), "completed_on": days(0)}, headers=HR
        )
    )
    moved = postings.post(f"/postings/{posting_id}/move", json=move, headers=sent)
    assert moved.status_code == 200, moved.text
    assert moved.headers.get("Idempotent-Replayed") is None
    # Kept in the chained log like the rest: it still verifies.
    assert ok(postings.get("/audit/verify", headers=AUDITOR))["ok"] is True


@pytest.mark.e2e
def test_a_refused_exercise_of_authority_is_kept(system: System) -> None:
    """A commander redeploying outside their division (the handler's 403), and a role the
    operation does not admit (the edge's 403): both on the record, naming their rules."""
    postings = system.postings
    south = bearer(Role.DIVISIONAL_COMMANDER, subject="cmdr-south", division="south")
    slt = bearer(Role.SLT, subject="slt-north", division="north")

    outside = postings.post("/postings/redeployments", json=redeployment_body(), headers=south)
    by_role = postings.post("/postings/compulsory", json=compulsory(), headers=slt)

    assert (outside.status_code, by_role.status_code) == (403, 403)
    kept = refusals(system)
    assert [(k["actor_id"], k["act"]["status"], k["act"]["rule"]) for k in kept] == [
        ("cmdr-south", 403, "RedeploymentMustStayWithinTheDecidersUnit"),
        ("slt-north", 403, "ActsOnlyInARoleGivenThePower"),
    ]
    assert kept[0]["officer_id"] == "K100"
    assert kept[1]["act"]["asked"] == "POST /postings/compulsory"


@pytest.mark.e2e
def test_an_edge_refusal_keeps_only_an_officer_id_that_is_one(system: System) -> None:
    """An officer naming another in the path is refused and that is kept; what the path
    held is not kept as an officer id unless it is one (here a NUL)."""
    body = {"location": "dover", "rationale": "Not Dover"}
    for path in ("/officers/K101/restrictions", "/officers/a%00b/restrictions"):
        answer = system.postings.post(path, json=body, headers=officer("K100"))
        assert answer.status_code == 403, answer.text

    kept = refusals(system)
    assert [(k["officer_id"], k["act"]["rule"]) for k in kept] == [
        ("K101", "OfficersActOnTheirOwnRecordsOnly"),
        (None, "OfficersActOnTheirOwnRecordsOnly"),
    ]


@pytest.mark.e2e
def test_malformed_input_and_reads_are_not_refusals(system: System) -> None:
    postings = system.postings
    blank = postings.post(
        "/postings/compulsory", json=compulsory(rationale="   "), headers=DIRECTOR
    )
    read = postings.get("/hr-system/deliveries", headers=bearer(Role.PSD, subject="psd-1"))

    assert (blank.status_code, read.status_code) == (422, 403)
    assert refusals(system) == []
