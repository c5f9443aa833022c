"""The authorisation matrix (OWASP API Security): every endpoint of every service called
with every role, the allowed set checked against the table in `tests/authz_table.py`
(function level), and officer A asking for officer B's records on every endpoint that can
name them (object and property level)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.appeals.main import create_app as create_appeals
from services.postings.main import create_app as create_postings
from services.roi.main import create_app as create_roi
from shared.roles import Role
from shared.settings import AppealsSettings, PostingsSettings, RoiSettings
from tests.authz_table import ALLOWED, PUBLIC
from tests.force import officer
from tests.support.http import ok
from tests.support.three_services import AUDITOR, System, build_history, running_system
from tests.support.tokens import bearer

SOME_ID = "6f0c1a52-1111-4f7e-9d55-0d0e7f3f0a01"


def token_for(role: Role) -> dict[str, str]:
    if role is Role.OFFICER:
        return officer("K100")
    return bearer(role, subject=f"matrix-{role.value}", division="north")


def concrete(path: str, values: dict[str, str] | None = None) -> str:
    values = values or {}
    return re.sub(
        r"\{([^}]+)\}",
        lambda m: values.get(m.group(1), SOME_ID if m.group(1).endswith("id") else "K100"),
        path,
    ).replace("/officers/" + SOME_ID, "/officers/K100")


@pytest.fixture
def apps(sqlite_templates: dict[str, Path], tmp_path: Path) -> Iterator[dict[str, TestClient]]:
    import shutil

    urls = {}
    for service, template in sqlite_templates.items():
        target = tmp_path / f"{service}.sqlite3"
        shutil.copy(template, target)
        urls[service] = f"sqlite:///{target}"
    built: dict[str, FastAPI] = {
        "postings": create_postings(
            PostingsSettings(database_url=urls["postings"], audit_dir=str(tmp_path / "p"))
        ),
        "appeals": create_appeals(
            AppealsSettings(
                database_url=urls["appeals"], audit_dir=str(tmp_path / "a"), postings_url=""
            )
        ),
        "roi": create_roi(RoiSettings(database_url=urls["roi"], audit_dir=str(tmp_path / "r"))),
    }
    with (
        TestClient(built["postings"]) as p,
        TestClient(built["appeals"]) as a,
        TestClient(built["roi"]) as r,
    ):
        yield {"postings": p, "appeals": a, "roi": r}


def documented(client: TestClient, service: str) -> dict[tuple[str, str, str], frozenset[str]]:
    app: FastAPI = client.app  # type: ignore[assignment]
    found = {}
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            roles = operation.get("x-roles")
            delegated = operation.get("x-roles-by-delegation", [])
            found[(service, method.upper(), path)] = (
                PUBLIC if roles is None else frozenset([*roles, *delegated])
            )
    return found


def test_every_endpoint_is_in_the_table_with_the_roles_it_enforces(
    apps: dict[str, TestClient],
) -> None:
    actual: dict[tuple[str, str, str], frozenset[str]] = {}
    for service, client in apps.items():
        actual.update(documented(client, service))
    assert set(actual) == set(ALLOWED), "an endpoint was added or removed: update the table"
    differing = {k: (sorted(v), sorted(ALLOWED[k])) for k, v in actual.items() if v != ALLOWED[k]}
    assert differing == {}


def test_every_endpoint_refuses_every_role_outside_its_set(apps: dict[str, TestClient]) -> None:
    wrong: list[tuple[str, str, str, str, int]] = []
    for (service, method, path), allowed in sorted(ALLOWED.items()):
        if allowed is PUBLIC:
            continue
        client = apps[service]
        url = concrete(path)
        anonymous = client.request(method, url, json={})
        if anonymous.status_code != 401:
            wrong.append((service, method, path, "no token", anonymous.status_code))
        for role in Role:
            status = client.request(method, url, json={}, headers=token_for(role)).status_code
            refused = status == 403
            # 503: a service it depends on is not configured here, a clear problem, not a crash.
            if (role.value in allowed) == refused or (status >= 500 and status != 503):
                wrong.append((service, method, path, role.value, status))
    assert wrong == []


# -- officer A asking for officer B's records ---------------------------------------------


@pytest.fixture
def system(database_urls: dict[str, str], tmp_path: Path) -> Iterator[System]:
    with running_system(database_urls, tmp_path) as running:
        yield running


def _officers_get_endpoints() -> list[tuple[str, str]]:
    return sorted(
        (service, path)
        for (service, method, path), allowed in ALLOWED.items()
        if method == "GET" and "officer" in allowed
    )


@pytest.mark.e2e
def test_an_officer_never_reads_another_officers_records(system: System) -> None:
    """K100's history exists in all three services; K101 asks for it on every endpoint an
    officer may call, by K100's ids, and by listing: denied, or nothing of K100's."""
    history = build_history(system)
    ids = {
        "officer_id": "K100",
        "posting_id": history["posting"]["id"],
        "appeal_id": history["appeal"]["id"],
        "commitment_id": history["commitment"]["id"],
        "case_id": history["posting"]["id"],
    }
    requests = ok(
        system.postings.post(
            "/requests",
            json={
                "officer_id": "K100",
                "grounds": "welfare",
                "reasons": "My mother's care",
                "roles_sought": [],
                "locations_sought": ["ashford"],
            },
            headers=officer("K100"),
        ),
        201,
    )
    ids["request_id"] = requests["id"]
    clients = {"postings": system.postings, "appeals": system.appeals, "roi": system.roi}
    other = officer("K101")
    leaks = []
    for service, path in _officers_get_endpoints():
        response = clients[service].get(concrete(path, ids), headers=other)
        if response.status_code >= 500:
            leaks.append((service, path, response.status_code))
        elif response.status_code == 200 and _mentions_k100(response.json()):
            leaks.append((service, path, 200))
    assert leaks == []
    # The same endpoints do answer K100 about themselves, so the check above is not empty.
    assert ok(system.postings.get(f"/postings/{ids['posting_id']}", headers=officer("K100")))
    assert ok(system.appeals.get(f"/appeals/{ids['appeal_id']}", headers=officer("K100")))
    assert system.postings.get("/audit/decisions", headers=officer("K100")).status_code == 403
    assert ok(system.postings.get("/audit/decisions", headers=AUDITOR))["total"] > 0


def _mentions_k100(document: Any) -> bool:
    if isinstance(document, dict):
        return any(
            (k in ("officer_id", "subject_officer_id") and v == "K100") or _mentions_k100(v)
            for k, v in document.items()
        )
    if isinstance(document, list):
        return any(_mentions_k100(item) for item in document)
    return False
