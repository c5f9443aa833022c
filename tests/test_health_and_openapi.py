"""Probes, and the OpenAPI contract: every endpoint documents its roles and its errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.appeals.main import create_app as create_appeals
from services.postings.api.hr_system import RUNS
from services.postings.main import create_app as create_postings
from services.roi.main import create_app as create_roi
from shared import migrate
from shared.api.commands import IF_MATCH_PATTERN
from shared.api.feed import FEED_LIMIT_MAX
from shared.settings import AppealsSettings, PostingsSettings, RoiSettings

FACTORIES = {
    "postings": lambda url: create_postings(PostingsSettings(database_url=url)),
    "appeals": lambda url: create_appeals(AppealsSettings(database_url=url)),
    "roi": lambda url: create_roi(RoiSettings(database_url=url)),
}


@pytest.mark.parametrize("service", migrate.SERVICES)
def test_healthz_and_readyz_answer_when_migrated(
    service: str, database_urls: dict[str, str]
) -> None:
    app = FACTORIES[service](database_urls[service])
    with TestClient(app) as client:
        assert client.get("/healthz").json() == {"status": "ok", "service": service}
        ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["revision"] == migrate.head_revision(service)


def test_readyz_fails_while_migrations_are_not_at_head(tmp_path: Path) -> None:
    app = create_postings(PostingsSettings(database_url=f"sqlite:///{tmp_path}/empty.sqlite3"))
    with TestClient(app) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert "migrations at None" in response.json()["detail"]


def test_readyz_fails_while_the_database_is_unreachable() -> None:
    # A port nothing listens on: the connection is refused at once.
    url = "postgresql+psycopg://postgres@127.0.0.1:9/nowhere?connect_timeout=1"
    app = create_postings(PostingsSettings(database_url=url))
    with TestClient(app) as client:
        response = client.get("/readyz")
        assert client.get("/healthz").status_code == 200
    assert response.status_code == 503
    assert "database unreachable" in response.json()["detail"]


def _apps(tmp_path: Path) -> dict[str, FastAPI]:
    return {name: make(f"sqlite:///{tmp_path}/{name}.sqlite3") for name, make in FACTORIES.items()}


OPEN = {"/healthz", "/readyz"}


def test_every_endpoint_documents_roles_and_errors(tmp_path: Path) -> None:
    for name, app in _apps(tmp_path).items():
        spec = app.openapi()
        assert spec["components"]["securitySchemes"] == {
            "HTTPBearer": {
                "type": "http",
                "scheme": "bearer",
                "description": "JWT issued for officer-postings",
            }
        }
        for path, operations in spec["paths"].items():
            for method, operation in operations.items():
                where = f"{name} {method.upper()} {path}"
                if path in OPEN:
                    assert "security" not in operation, where
                    continue
                assert operation.get("x-roles"), f"{where} does not say who may call it"
                # The bearer token the edge asks for, as OpenAPI's clients read it.
                assert operation.get("security") == [{"HTTPBearer": []}], where
                assert "**Roles:**" in operation.get("description", ""), where
                for status in ("401", "403"):
                    assert status in operation["responses"], f"{where} lacks {status}"
                    assert "application/problem+json" in operation["responses"][status]["content"]
                if method == "post":
                    assert "422" in operation["responses"], f"{where} lacks 422"


#: Commands on a path with a parameter that act on no existing record of their own: the
#: disposal of an officer's personal data (its own once-only record).
NO_RECORD = {"/retention/officers/{officer_id}/disposal"}


def test_state_changing_endpoints_document_idempotency_key_and_if_match(tmp_path: Path) -> None:
    """Every command takes Idempotency-Key; a command on one existing record (a path that
    names it) takes If-Match in the form the API's ETags have; one that creates its record
    takes none."""
    for app in _apps(tmp_path).values():
        for path, operations in app.openapi()["paths"].items():
            for method in ("post", "put", "patch"):
                operation = operations.get(method)
                if not operation or path in RUNS:  # idempotent by design: see RUNS
                    continue
                headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
                assert "Idempotency-Key" in headers, path
                # PUT and PATCH change a record in place (the policy settings have one).
                on_a_record = method != "post" or ("{" in path and path not in NO_RECORD)
                assert ("If-Match" in headers) == on_a_record, f"{method.upper()} {path}"
                if on_a_record:
                    schema = headers["If-Match"]["schema"]
                    forms = [s.get("pattern") for s in schema.get("anyOf", [schema])]
                    assert IF_MATCH_PATTERN in forms, path


def test_every_list_documents_its_largest_page(tmp_path: Path) -> None:
    for app in _apps(tmp_path).values():
        for path, operations in app.openapi()["paths"].items():
            for operation in operations.values():
                for parameter in operation.get("parameters", []):
                    if parameter["in"] == "query" and parameter["name"] == "limit":
                        # A list's page is capped by the settings (100); the feed's its own.
                        expected = 100 if path != "/events" else FEED_LIMIT_MAX
                        assert parameter["schema"]["maximum"] == expected, path


def test_cors_origins_are_a_setting(tmp_path: Path) -> None:
    settings = PostingsSettings(
        database_url=f"sqlite:///{tmp_path}/p.sqlite3", cors_origins=["https://hr.example"]
    )
    with TestClient(create_postings(settings)) as client:
        allowed = client.options(
            "/postings",
            headers={"Origin": "https://hr.example", "Access-Control-Request-Method": "GET"},
        )
        refused = client.options(
            "/postings",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
        )
    assert allowed.headers["access-control-allow-origin"] == "https://hr.example"
    assert "access-control-allow-origin" not in refused.headers


def test_an_oversized_body_gets_a_413_problem(tmp_path: Path) -> None:
    settings = PostingsSettings(database_url=f"sqlite:///{tmp_path}/p.sqlite3", max_body_bytes=2048)
    with TestClient(create_postings(settings)) as client:
        response = client.post(
            "/officers",
            content=b"{" + b" " * 4096 + b"}",
            headers={"Content-Type": "application/json"},
        )
    assert response.status_code == 413
    assert response.json()["type"] == "/problems/body-too-large"


def test_x_roles_separate_who_acts_in_their_own_right_from_who_needs_a_delegation(
    tmp_path: Path,
) -> None:
    """Every operation whose body names the delegation relied on (the Director of HR's
    powers, 'or appropriate delegate') lists the Director in ``x-roles`` and the HR people
    who act only as delegates in ``x-roles-by-delegation``; no other operation has them."""
    seen = []
    for name, app in _apps(tmp_path).items():
        spec = app.openapi()
        schemas = spec["components"]["schemas"]
        for path, operations in spec["paths"].items():
            for method, operation in operations.items():
                ref = (
                    operation.get("requestBody", {})
                    .get("content", {})
                    .get("application/json", {})
                    .get("schema", {})
                    .get("$ref", "")
                )
                body = schemas.get(ref.rsplit("/", 1)[-1], {}) if ref else {}
                names_a_delegation = "delegation_id" in body.get("properties", {})
                delegated = set(operation.get("x-roles-by-delegation", []))
                where = f"{name} {method.upper()} {path}"
                assert bool(delegated) == names_a_delegation, where
                if names_a_delegation:
                    seen.append(where)
                    assert "director_of_hr" in operation["x-roles"], where
                    assert "hr_resource_planning" in delegated, where
                    assert not delegated & set(operation["x-roles"]), where
                    assert "delegation from the Director of HR" in operation["description"]
    assert len(seen) >= 7, seen
