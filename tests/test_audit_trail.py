"""The auditor's view over real HTTP, three services running: an officer's decision
timeline across postings, appeals and ROI; search by clause, decider, kind and date; a
case's history and its state as it stood between two decisions; and who may read it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from shared.api.audit_trail import DecisionFilter
from tests.force import DIRECTOR, HEAD_OF_RESOURCING, NOW, days, officer
from tests.helpers import HR
from tests.support.http import ok
from tests.support.three_services import AUDITOR, System, build_history, running_system


@pytest.fixture
def system(database_urls: dict[str, str], tmp_path: Path) -> Iterator[System]:
    with running_system(database_urls, tmp_path) as running:
        yield running


@pytest.mark.e2e
def test_an_officers_timeline_spans_the_three_services_in_time_order(system: System) -> None:
    history = build_history(system)

    timeline = ok(system.postings.get("/audit/officers/K100/timeline", headers=AUDITOR))

    entries = timeline["entries"]
    # Every act on K100's cases, decisions and acts that decide nothing alike.
    assert [(e["service"], e["type"], e["outcome"]) for e in entries] == [
        ("postings", "Officer.Registered", "recorded"),
        ("roi", "Commitment.Enrolled", "recorded"),
        ("roi", "Commitment.NoticeRecorded", "recorded"),
        ("roi", "Commitment.Completed", "recorded"),
        ("roi", "Commitment.Released", "decided"),
        ("postings", "Posting.Decided", "decided"),
        ("postings", "Posting.OfficerNotified", "recorded"),
        ("postings", "Posting.DateConfirmed", "decided"),
        ("appeals", "Appeal.Lodged", "recorded"),
        ("appeals", "Appeal.Assigned", "decided"),
        ("appeals", "Appeal.Decided", "decided"),
    ]
    times = [datetime.fromisoformat(e["occurred_at"]) for e in entries]
    assert times == sorted(times)
    assert all(e["actor_id"] and e["actor_role"] for e in entries)
    notified = entries[6]
    assert notified["act"]["recipients"] == ["K100"]
    assert notified["act"]["starts_appeal_window"] is True
    assert (notified["actor_id"], notified["clause"], notified["decision"]) == (
        "test:hr_resource_planning",
        None,
        None,
    )
    told = entries[2]
    assert told["act"]["notified_on"] == days(-70)  # told of the ROI before the course
    lodged = entries[8]
    assert (lodged["actor_id"], lodged["actor_role"]) == ("K100", "officer")
    decided = entries[5]
    assert decided["case_id"] == history["posting"]["id"]
    assert decided["kind"] == "compulsory"
    assert decided["decision"]["actor_id"] == "dhr"
    assert decided["decision"]["actor_role"] == "director_of_hr"
    assert decided["decision"]["clause"] == "L1800 3.7.1"
    assert decided["decision"]["rationale"].startswith("Response strength")
    assert decided["decision"]["facts"]["roi"]["bound"] is False
    assert entries[10]["decision"]["rationale"] == "Travel was justified by the vacancy"
    assert timeline["counts"] == {"postings": 4, "appeals": 3, "roi": 4}
    # Reading the timeline is a consultation of K100's data, in each service's log.
    for client in (system.postings, system.appeals, system.roi):
        logged = ok(
            client.get("/audit/consultations", params={"officer_id": "K100"}, headers=AUDITOR)
        )
        assert "internal-audit" in {c["actor_id"] for c in logged["items"]}


@pytest.mark.e2e
def test_decisions_are_found_by_clause_decider_kind_and_date(system: System) -> None:
    build_history(system)
    postings = system.postings

    def found(**params: str) -> list[str]:
        page = ok(postings.get("/audit/decisions", params=params, headers=AUDITOR))
        return [item["type"] for item in page["items"]]

    assert found(clause="L1800 3.7.1") == ["Posting.Decided"]
    assert found(actor_id="hor") == ["Posting.DateConfirmed"]
    assert found(kind="compulsory") == [
        "Posting.Decided",
        "Posting.OfficerNotified",
        "Posting.DateConfirmed",
    ]
    assert found(kind="compulsory", outcome="decided") == [
        "Posting.Decided",
        "Posting.DateConfirmed",
    ]
    assert found(type="Posting.OfficerNotified", outcome="recorded") == ["Posting.OfficerNotified"]
    hour = NOW + timedelta(hours=1, minutes=30)
    assert found(**{"from": hour.isoformat(), "outcome": "decided"}) == ["Posting.DateConfirmed"]
    assert found(**{"to": hour.isoformat(), "officer_id": "K100", "outcome": "decided"}) == [
        "Posting.Decided"
    ]
    assert found(clause="L1800 9.9.9") == []
    # A filter is taken by its documented name alone: a field's own name in the query is
    # an unknown parameter, ignored as every endpoint ignores one (found by the tester).
    everything = found(outcome="decided")
    assert found(decided_from=hour.isoformat(), outcome="decided") == everything
    assert found(decided_to="garbage", outcome="decided") == everything


def test_a_filter_built_in_code_refuses_a_name_it_does_not_have() -> None:
    """Code names the fields (``decided_from``); a misspelt one is refused, not ignored."""
    moment = NOW + timedelta(hours=1)
    assert DecisionFilter(decided_from=moment).decided_from == moment
    with pytest.raises(ValidationError):
        DecisionFilter(decided_form=moment)  # type: ignore[call-arg]


@pytest.mark.e2e
def test_a_case_as_it_stood_between_two_decisions(system: System) -> None:
    history = build_history(system)
    case = f"/audit/cases/{history['posting']['id']}"

    between = ok(
        system.postings.get(
            f"{case}/state",
            params={"at": (NOW + timedelta(hours=1, minutes=30)).isoformat()},
            headers=AUDITOR,
        )
    )
    after = ok(
        system.postings.get(
            f"{case}/state",
            params={"at": (NOW + timedelta(hours=2, minutes=30)).isoformat()},
            headers=AUDITOR,
        )
    )
    before = system.postings.get(f"{case}/state", params={"at": NOW.isoformat()}, headers=AUDITOR)

    assert between["state"]["state"] == "awaiting_date"
    assert between["state"]["posting_date"] is None
    assert between["version"] == 2  # decided, then notified
    assert after["state"]["state"] == "date_confirmed"
    # Three dates, each its own field: the day decided, the likely and the confirmed date.
    assert between["state"]["decided_on"] == (NOW + timedelta(hours=1)).date().isoformat()
    assert between["state"]["likely_posting_date"] == days(60)
    assert after["state"]["posting_date"] == days(61)
    assert before.status_code == 404
    events = ok(system.postings.get(case, headers=AUDITOR))
    assert [e["type"] for e in events] == [
        "Posting.Decided",
        "Posting.OfficerNotified",
        "Posting.DateConfirmed",
    ]
    assert all(len(e["leaf_hash"]) == len(e["chain_hash"]) == 64 for e in events)


@pytest.mark.e2e
def test_only_the_auditor_reads_the_audit_trail(system: System) -> None:
    history = build_history(system)
    case = history["posting"]["id"]
    for headers in (officer("K100"), HR, DIRECTOR, HEAD_OF_RESOURCING):
        for path in (
            "/audit/officers/K100/timeline",
            "/audit/decisions",
            f"/audit/cases/{case}",
            f"/audit/cases/{case}/state",
        ):
            assert system.postings.get(path, headers=headers).status_code == 403, path
        assert system.appeals.get("/audit/decisions", headers=headers).status_code == 403
        assert system.roi.get("/audit/decisions", headers=headers).status_code == 403


@pytest.mark.e2e
def test_a_timeline_missing_a_service_is_a_503_not_a_partial_answer(system: System) -> None:
    build_history(system)
    system.appeals_server.__exit__(None, None, None)

    response = system.postings.get("/audit/officers/K100/timeline", headers=AUDITOR)

    assert response.status_code == 503
    assert response.json()["service"] == "appeals"


def test_a_naive_moment_is_refused_with_the_field_named(system: System) -> None:
    response = system.postings.get(
        f"/audit/cases/{'0' * 8}-0000-4000-8000-{'0' * 12}/state",
        params={"at": "2026-11-22T10:00:00"},
        headers=AUDITOR,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.at"
