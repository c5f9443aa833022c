"""Schemathesis against each service's own OpenAPI document, with every check it has:
generated requests (valid and not) from roles that reach most endpoints, checked for server
errors and for answers that do not match the documented responses, statuses, headers and
content types; and stateful runs that follow links from what a POST created to the
operations on it (a created officer read, changed, restricted; a posting read, dated,
withdrawn...), each step by a role the operation admits. Bounded here (``FUZZ_EXAMPLES``,
default 3 per operation; ``FUZZ_STEPS``, default 8 steps per stateful run); set them
higher for a longer run on demand."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
from requests.structures import CaseInsensitiveDict
from schemathesis.checks import ALL_CHECKS, not_a_server_error
from schemathesis.internal.checks import CheckContext
from schemathesis.stateful.state_machine import APIStateMachine

from services.appeals.main import create_app as create_appeals
from services.postings.main import create_app as create_postings
from services.roi.main import create_app as create_roi
from shared.roles import Role
from shared.settings import AppealsSettings, PostingsSettings, RoiSettings
from tests.support.roi import in_process_roi
from tests.support.tokens import bearer

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
STEPS = int(os.environ.get("FUZZ_STEPS", "8"))
#: Callers whose roles between them reach nearly every operation.
CALLERS = [
    bearer(Role.HR_RESOURCE_PLANNING, subject="fuzz-hr"),
    bearer(Role.AUDITOR, subject="fuzz-auditor"),
    bearer(Role.OFFICER, subject="K100", officer_id="K100"),
]


@pytest.fixture
def fuzz_apps(sqlite_templates: dict[str, Path], tmp_path: Path) -> Iterator[dict[str, FastAPI]]:
    urls = {}
    for service, template in sqlite_templates.items():
        shutil.copy(template, tmp_path / f"{service}.sqlite3")
        urls[service] = f"sqlite:///{tmp_path / f'{service}.sqlite3'}"
    cap = 100_000  # the fuzzer is one caller asking a great deal
    with in_process_roi(urls["roi"]) as roi:
        yield {
            "postings": create_postings(
                PostingsSettings(
                    database_url=urls["postings"],
                    audit_dir=str(tmp_path),
                    expensive_queries_per_minute=cap,
                ),
                roi=roi,
            ),
            "appeals": create_appeals(
                AppealsSettings(
                    database_url=urls["appeals"],
                    audit_dir=str(tmp_path),
                    postings_url="",
                    expensive_queries_per_minute=cap,
                )
            ),
            "roi": create_roi(
                RoiSettings(
                    database_url=urls["roi"],
                    audit_dir=str(tmp_path),
                    expensive_queries_per_minute=cap,
                )
            ),
        }


@pytest.fixture
def postings_schema(fuzz_apps: dict[str, FastAPI]) -> schemathesis.BaseSchema:
    return schemathesis.from_asgi("/openapi.json", fuzz_apps["postings"], force_schema_version="30")


@pytest.fixture
def appeals_schema(fuzz_apps: dict[str, FastAPI]) -> schemathesis.BaseSchema:
    return schemathesis.from_asgi("/openapi.json", fuzz_apps["appeals"], force_schema_version="30")


@pytest.fixture
def roi_schema(fuzz_apps: dict[str, FastAPI]) -> schemathesis.BaseSchema:
    return schemathesis.from_asgi("/openapi.json", fuzz_apps["roi"], force_schema_version="30")


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


def no_crash(_: CheckContext, response: Any, case: schemathesis.Case) -> bool | None:
    """No 5xx but a 503 saying which service this one depends on cannot answer (in this
    test the HR system, and appeals for the auditor's timeline, are not configured)."""
    status = getattr(response, "status_code", 0)
    if status == 503:
        assert response.json()["type"] == "/problems/dependency-unavailable"
        return None
    assert status < 500, f"{case.method} {case.formatted_path}: {status}"
    return None


#: Every check schemathesis has, with its server-error check replaced by ``no_crash``.
CHECKS = (no_crash, *(check for check in ALL_CHECKS if check is not not_a_server_error))


def _exercise(case: schemathesis.Case) -> None:
    generated = dict(case.headers or {})
    for headers in CALLERS:
        # In the case itself, not as call arguments: the authentication check re-sends the
        # case without (and with a broken) Authorization header and expects a 401.
        case.headers = CaseInsensitiveDict({**generated, **headers})
        response = case.call_asgi()
        case.validate_response(response, checks=CHECKS)


postings = schemathesis.from_pytest_fixture("postings_schema")
appeals = schemathesis.from_pytest_fixture("appeals_schema")
roi = schemathesis.from_pytest_fixture("roi_schema")


@postings.parametrize()
@FUZZ
def test_postings_api(case: schemathesis.Case) -> None:
    _exercise(case)


@appeals.parametrize()
@FUZZ
def test_appeals_api(case: schemathesis.Case) -> None:
    _exercise(case)


@roi.parametrize()
@FUZZ
def test_roi_api(case: schemathesis.Case) -> None:
    _exercise(case)


# -- stateful: links from what a POST created to the operations on it ------------------------


def _properties(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    if schema.get("type") == "array":
        return {}
    return dict(schema.get("properties", {}))


def link_created_resources(schema: schemathesis.BaseSchema) -> int:
    """For every POST answering 201 at a path P, link its answer to each operation under
    ``P/{param}``: the parameter is taken from the field of the created resource with the
    same name, else its ``id`` or ``code``. Returns how many links were added."""
    spec = schema.raw_schema
    added = 0
    for source_path, item in spec["paths"].items():
        created = item.get("post", {}).get("responses", {}).get("201")
        if not created:
            continue
        body = created.get("content", {}).get("application/json", {}).get("schema", {})
        fields = _properties(spec, body)
        for target_path, target in spec["paths"].items():
            if not target_path.startswith(source_path + "/{"):
                continue
            param = target_path[len(source_path) + 2 :].split("}", 1)[0]
            field = next((f for f in (param, "id", "code") if f in fields), None)
            if field is None:
                continue
            for method in target:
                if method not in {"get", "post", "put", "patch"}:
                    continue
                schema.add_link(
                    source=schema[source_path]["POST"],
                    target=schema[target_path][method.upper()],
                    status_code="201",
                    parameters={f"path.{param}": f"$response.body#/{field}"},
                )
                added += 1
    return added


def _caller(schema: schemathesis.BaseSchema, case: schemathesis.Case) -> dict[str, str]:
    """A token for the first role the operation admits (its ``x-roles``), so that a
    sequence goes as deep as the service lets it; an officer acts as K100."""
    operation = schema.raw_schema["paths"][case.path][case.method.lower()]
    roles = operation.get("x-roles") or [Role.AUDITOR.value]
    role = Role(roles[0])
    if role is Role.OFFICER:
        return bearer(role, subject="K100", officer_id="K100")
    return bearer(role, subject=f"fuzz-{role.value}", division="north")


def _run_stateful(schema: schemathesis.BaseSchema) -> None:
    assert link_created_resources(schema) > 0
    base = schema.as_state_machine()

    class Machine(base):  # type: ignore[valid-type,misc]
        def before_call(self, case: schemathesis.Case) -> None:
            case.headers = CaseInsensitiveDict(
                {**dict(case.headers or {}), **_caller(schema, case)}
            )

        def validate_response(
            self, response: Any, case: schemathesis.Case, additional_checks: Any = ()
        ) -> None:
            case.validate_response(response, checks=CHECKS)

    assert issubclass(Machine, APIStateMachine)
    run_state_machine_as_test(
        Machine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        ),
    )


def test_postings_api_stateful(postings_schema: schemathesis.BaseSchema) -> None:
    _run_stateful(postings_schema)


def test_appeals_api_stateful(appeals_schema: schemathesis.BaseSchema) -> None:
    _run_stateful(appeals_schema)


def test_roi_api_stateful(roi_schema: schemathesis.BaseSchema) -> None:
    _run_stateful(roi_schema)
