"""If-Match on every command that changes one existing record, by one mechanism
(shared.api.commands): each such command found in the three OpenAPI documents is sent, over
real HTTP on PostgreSQL, with a malformed If-Match (422 naming the header), a stale one
(409 with the record's current version) and none at all on a command that creates its
record (422: there is no version it could mean). Nothing is stored by any of them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.appeals.projections.tables import kernel as appeals_kernel
from services.postings.projections.tables import kernel as postings_kernel
from services.roi.projections.tables import kernel as roi_kernel
from shared.api.commands import parse_if_match
from shared.api.problems import ApiProblem
from shared.roles import Role
from tests.force import DIRECTOR, PANEL, days, officer
from tests.helpers import HR, count_events
from tests.support.examples import example
from tests.support.http import ok
from tests.support.three_services import HEARER, System, build_history, running_system
from tests.support.tokens import bearer

EVENTS = {
    "postings": postings_kernel.events,
    "appeals": appeals_kernel.events,
    "roi": roi_kernel.events,
}
#: Who sends each command: the first of these roles the operation admits.
PREFERRED = [
    Role.HR_RESOURCE_PLANNING,
    Role.DIRECTOR_OF_HR,
    Role.HEAD_OF_RESOURCING,
    Role.DEPLOYMENT_PANEL,
    Role.FORCE_RESOURCING_PANEL,
    Role.HEAD_OF_L_AND_D,
    Role.PSD,
    Role.HR_POLICY_OWNER,
    Role.SLT,
    Role.DIVISIONAL_COMMANDER,
    Role.HEAD_OF_DEPARTMENT,
    Role.OFFICER,
    Role.SERVICE,
]


#: Where a body needs more than its schema's required fields to be valid (fields that
#: depend on each other): what is added to the smallest instance the schema admits.
VALID_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("post", "/panel-sittings/{sitting_id}/outcomes"): {"outcome": "deferred"},
}


@pytest.fixture
def backend() -> str:
    return "postgresql"


@pytest.fixture
def world(database_urls: dict[str, str], tmp_path: Path) -> Iterator[tuple[System, dict[str, str]]]:
    """The three services with one record of every kind a command may name."""
    with running_system(database_urls, tmp_path) as system:
        history = build_history(system)
        postings = system.postings
        sitting = ok(
            postings.post("/panel-sittings", json={"sits_on": days(7)}, headers=PANEL), 201
        )
        request = ok(
            postings.post(
                "/requests",
                json={
                    "officer_id": "K100",
                    "grounds": "development",
                    "reasons": "Investigative experience",
                    "roles_sought": ["CID trainee investigator"],
                    "locations_sought": ["tonbridge"],
                },
                headers=officer("K100"),
            ),
            201,
        )
        delegation = ok(
            postings.post(
                "/delegations",
                json={
                    "delegate_id": "hr-deputy",
                    "powers": ["compulsory_posting"],
                    "valid_from": days(-1),
                    "valid_to": days(90),
                    "rationale": "Leave cover",
                },
                headers=DIRECTOR,
            ),
            201,
        )
        ok(
            postings.post(
                "/units", json={"code": "north", "name": "North", "kind": "division"}, headers=HR
            ),
            201,
        )
        ok(
            postings.put(
                "/establishment/north",
                json={"category": "rank", "key": "constable", "target": 100},
                headers=HR,
            )
        )
        ok(
            postings.put(
                "/policy/travel-limit",
                json={"limit_km": 40, "rationale": "Kent roads"},
                headers=DIRECTOR,
            )
        )
        yield (
            system,
            {
                "posting_id": history["posting"]["id"],
                "appeal_id": history["appeal"]["id"],
                "commitment_id": history["commitment"]["id"],
                "sitting_id": sitting["id"],
                "request_id": request["id"],
                "delegation_id": delegation["id"],
                "officer_id": "K100",
                "code": "north",
                "division": "north",
                "location": "dover",
            },
        )


#: Where the record names who acts on it (authority is asked before the version): the
#: person it names in the world built here.
ACTS_ON_THE_RECORD = {
    ("post", "/appeals/{appeal_id}/evidence"): bearer(Role.HEAD_OF_RESOURCING, subject="hor"),
    ("post", "/appeals/{appeal_id}/outcome"): HEARER,
}


def _caller(operation: dict[str, Any], method: str = "", path: str = "") -> dict[str, str]:
    if (method, path) in ACTS_ON_THE_RECORD:
        return ACTS_ON_THE_RECORD[(method, path)]
    admitted = {Role(r) for r in operation["x-roles"]}
    role = next(r for r in PREFERRED if r in admitted)
    if role is Role.OFFICER:
        return officer("K100")
    return bearer(role, subject=f"if-match-{role.value}", division="north")


Command = tuple[str, httpx.Client, str, str, dict[str, Any], dict[str, Any]]


def _commands(
    system: System,
) -> Iterator[Command]:
    for service, client in (
        ("postings", system.postings),
        ("appeals", system.appeals),
        ("roi", system.roi),
    ):
        spec = client.get("/openapi.json").json()
        for path, operations in spec["paths"].items():
            for method, operation in operations.items():
                if method in ("post", "put", "patch"):
                    yield service, client, method, path, operation, spec


def _takes_if_match(operation: dict[str, Any]) -> bool:
    return any(
        p["in"] == "header" and p["name"] == "If-Match" for p in operation.get("parameters", [])
    )


def _body(operation: dict[str, Any], spec: dict[str, Any]) -> Any:
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    return example(schema, spec) if schema is not None else None


def test_every_command_on_a_record_refuses_a_stale_or_malformed_if_match(
    world: tuple[System, dict[str, str]], database_urls: dict[str, str]
) -> None:
    system, records = world
    walked = []
    for service, client, method, path, operation, spec in _commands(system):
        if not _takes_if_match(operation):
            continue
        url = path.format(**records)
        body = _body(operation, spec)
        if isinstance(body, dict):
            body.update(VALID_BODIES.get((method, path), {}))
            for name, value in body.items():
                if name in records and isinstance(value, str):
                    body[name] = records[name]
        headers = _caller(operation, method, path)
        before = count_events(database_urls[service], EVENTS[service])

        stale = client.request(method, url, json=body, headers={**headers, "If-Match": '"999"'})
        malformed = client.request(method, url, json=body, headers={**headers, "If-Match": "three"})
        unbalanced = client.request(method, url, json=body, headers={**headers, "If-Match": '"3'})

        where = f"{service} {method.upper()} {path}"
        assert stale.status_code == 409, f"{where}: {stale.text}"
        current = stale.json()["current_version"]
        assert isinstance(current, int), where
        assert current >= 1, where
        assert malformed.status_code == 422, f"{where}: {malformed.text}"
        assert "header.If-Match" in [e["field"] for e in malformed.json()["errors"]], where
        assert unbalanced.status_code == 422, f"{where}: {unbalanced.text}"
        assert count_events(database_urls[service], EVENTS[service]) == before, where
        walked.append(where)
    # Every kind of record a command changes is among them.
    assert len(walked) >= 30, walked


def test_the_current_version_goes_through_and_answers_the_next_etag(
    world: tuple[System, dict[str, str]],
) -> None:
    system, records = world
    url = f"/officers/{records['officer_id']}"
    etag = (
        ok(system.postings.get(url, headers=HR))
        and system.postings.get(url, headers=HR).headers["ETag"]
    )

    changed = system.postings.patch(
        url, json={"name": "Alex Smyth"}, headers={**HR, "If-Match": etag}
    )
    again = system.postings.patch(
        url, json={"name": "Alex Smith"}, headers={**HR, "If-Match": etag}
    )

    assert changed.status_code == 200, changed.text
    assert changed.headers["ETag"] == f'"{int(etag.strip(chr(34))) + 1}"'
    assert again.status_code == 409
    assert again.json()["current_version"] == int(etag.strip('"')) + 1


@pytest.mark.parametrize(
    ("path", "body", "caller"),
    [
        ("/postings/{posting_id}/notice-agreement", {"agreed_days": 7}, officer("K101")),
        (
            "/postings/{posting_id}/notifications",
            {"recipients": ["K100"], "content": "Posted"},
            bearer(Role.DIVISIONAL_COMMANDER, subject="cmdr-south", division="south"),
        ),
        (
            "/postings/{posting_id}/withdrawal",
            {"rationale": "No longer needed"},
            bearer(Role.DIVISIONAL_COMMANDER, subject="cmdr-south", division="south"),
        ),
        (
            "/requests/{request_id}/support",
            {"rationale": "Good case"},
            bearer(Role.SLT, subject="slt-south", division="south"),
        ),
        (
            "/requests/{request_id}/decline",
            {"rationale": "Not now"},
            bearer(Role.SLT, subject="slt-south", division="south"),
        ),
    ],
)
def test_a_stale_version_from_someone_who_may_not_act_is_a_403_not_the_version(
    world: tuple[System, dict[str, str]],
    database_urls: dict[str, str],
    path: str,
    body: dict[str, Any],
    caller: dict[str, str],
) -> None:
    """Authority is asked before the record's version: a caller who may not act on it
    learns neither its version nor its state."""
    system, records = world
    before = count_events(database_urls["postings"], EVENTS["postings"])

    answer = system.postings.post(
        path.format(**records), json=body, headers={**caller, "If-Match": '"77"'}
    )

    assert answer.status_code == 403, answer.text
    assert "current_version" not in answer.json()
    assert count_events(database_urls["postings"], EVENTS["postings"]) == before


def test_if_match_on_a_record_that_is_not_there_is_a_412_not_a_conflict(
    world: tuple[System, dict[str, str]], database_urls: dict[str, str]
) -> None:
    """There is no version to be stale against: the precondition is false (RFC 9110
    13.1.1), whether it names a version or any (*)."""
    system, _ = world
    before = count_events(database_urls["postings"], EVENTS["postings"])

    answer = system.postings.patch(
        "/officers/K999", json={"name": "Nobody"}, headers={**HR, "If-Match": '"1"'}
    )

    any_version = system.postings.put(
        "/establishment/east",
        json={"category": "rank", "key": "constable", "target": 10},
        headers={**HR, "If-Match": "*"},
    )
    twice = system.postings.patch(
        "/officers/K100",
        json={"name": "Alex Smyth"},
        headers=[*HR.items(), ("If-Match", '"1"'), ("If-Match", '"99"')],
    )

    assert answer.status_code == 412, answer.text
    assert "current_version" not in answer.json()
    assert any_version.status_code == 412, "* matches a record that exists, not none"
    assert twice.status_code == 422, twice.text
    assert count_events(database_urls["postings"], EVENTS["postings"]) == before


def test_a_command_that_creates_its_record_refuses_an_if_match(
    world: tuple[System, dict[str, str]], database_urls: dict[str, str]
) -> None:
    system, _ = world
    before = count_events(database_urls["postings"], EVENTS["postings"])

    answer = system.postings.post(
        "/panel-sittings", json={"sits_on": days(14)}, headers={**PANEL, "If-Match": '"1"'}
    )

    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == ["header.If-Match"]
    assert count_events(database_urls["postings"], EVENTS["postings"]) == before


@pytest.mark.parametrize(
    ("sent", "version"),
    [('"3"', 3), ('W/"3"', 3), ("3", 3), (" * ", None), (None, None)],
)
def test_the_forms_of_if_match_understood(sent: str | None, version: int | None) -> None:
    assert parse_if_match(sent) == version


@pytest.mark.parametrize("sent", ["W/3", '"3', 'W/"3', "three", '"-3"', 'W/ "3"', '"3", "4"'])
def test_a_malformed_if_match_names_the_header(sent: str) -> None:
    """A weak tag is quoted (RFC 9110 8.8.3): ``W/3`` is not one."""
    with pytest.raises(ApiProblem) as refused:
        parse_if_match(sent)
    assert refused.value.status == 422
    assert [e["field"] for e in refused.value.extensions["errors"]] == ["header.If-Match"]
