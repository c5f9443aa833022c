"""Schemathesis against each service's own OpenAPI document: generated requests (valid and
not) from roles that reach most endpoints, checked for server errors and for answers that
do not match the documented responses. Bounded here (``FUZZ_EXAMPLES``, default 3 per
operation); set it higher for a longer run on demand."""

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
from schemathesis.internal.checks import CheckContext
from schemathesis.specs.openapi.checks import status_code_conformance

from services.appeals.main import create_app as create_appeals
from services.postings.main import create_app as create_postings
from services.roi.main import create_app as create_roi
from shared.roles import Role
from shared.settings import AppealsSettings, PostingsSettings, RoiSettings
from tests.support.roi import in_process_roi
from tests.support.tokens import bearer

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
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


CHECKS = (no_crash, status_code_conformance)


def _exercise(case: schemathesis.Case) -> None:
    for headers in CALLERS:
        response = case.call_asgi(headers=headers)
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
