"""Schemathesis 4 against each service's own OpenAPI document, with every check it has.

Two kinds of run per service:

- **Per operation**: every phase schemathesis has for one operation (the documented
  examples, the coverage of each constraint's edges, valid and invalid, and random
  fuzzing), each case sent as the caller the operation admits first among HR Resource
  Planning, the Director of HR, officer K100 and the auditor, and, with
  ``FUZZ_EVERY_CALLER=1``, as each of them.
- **Stateful**: scenarios that follow the links schemathesis infers from the documents
  (what a POST created, read, changed, dated, withdrawn...), each step sent as the first
  role its operation admits, with every check including the stateful ones.

Every answer is checked for server errors and for conformance to the documented
responses, statuses, headers and content types. Bounded by default so that the suite stays
a tool; a deeper run is on demand (docs/fuzzing.md):
``FUZZ_EXAMPLES`` (random cases per operation, default 3), ``FUZZ_SCENARIOS`` (stateful
scenarios per service, default 20) and ``FUZZ_STEPS`` (steps per scenario, default 8).
How many requests each run sent is written to ``var/fuzz-counts/``.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.generation.stateful.state_machine import APIStateMachine
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import positive_data_acceptance

from services.appeals.main import create_app as create_appeals
from services.postings.main import create_app as create_postings
from services.roi.main import create_app as create_roi
from shared.roles import Role
from shared.settings import AppealsSettings, PostingsSettings, RoiSettings
from tests.support.roi import in_process_roi
from tests.support.tokens import bearer

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
SCENARIOS = int(os.environ.get("FUZZ_SCENARIOS", "20"))
STEPS = int(os.environ.get("FUZZ_STEPS", "8"))
EVERY_CALLER = os.environ.get("FUZZ_EVERY_CALLER") == "1"
COUNTS = Path(__file__).resolve().parent.parent / "var" / "fuzz-counts"

#: The callers, in the order a case picks the first its operation admits: HR and the
#: Director between them reach nearly every command, the officer their own records, the
#: auditor every read.
CALLERS: dict[Role, dict[str, str]] = {
    Role.HR_RESOURCE_PLANNING: bearer(Role.HR_RESOURCE_PLANNING, subject="fuzz-hr"),
    Role.DIRECTOR_OF_HR: bearer(Role.DIRECTOR_OF_HR, subject="fuzz-director"),
    Role.OFFICER: bearer(Role.OFFICER, subject="K100", officer_id="K100"),
    Role.AUDITOR: bearer(Role.AUDITOR, subject="fuzz-auditor"),
}


@schemathesis.check
def no_crash(ctx: Any, response: Any, case: schemathesis.Case) -> bool | None:
    """No 5xx but a 503 saying that a service this one depends on cannot answer (here the
    HR system, and appeals for the auditor's timeline, are not configured)."""
    if response.status_code == 503:
        assert response.json()["type"] == "/problems/dependency-unavailable"
        return None
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path}: {response.status_code}"
    )
    return None


#: A request the schema allows may still be refused for what it means: a rule of the
#: protocol broken (422 naming the rule), an Idempotency-Key already used for another
#: request (422, as the Idempotency-Key draft prescribes), or If-Match naming a record that
#: is not there (412, RFC 9110 13.1.1). What it may not get is a refusal as malformed
#: (``invalid-request``, ``unparseable-body``): the document and the checks disagreeing.
REFUSED_FOR_WHAT_IT_MEANS = frozenset(
    {
        (422, "/problems/rule-broken"),
        (422, "/problems/idempotency-key-reused"),
        (412, "/problems/precondition-failed"),
    }
)


@schemathesis.check
def schema_valid_requests_are_read(ctx: Any, response: Any, case: schemathesis.Case) -> bool | None:
    """Schemathesis's own acceptance check, but for a refusal for what the request means."""
    if None in (case.path_parameters or {}).values():
        # A stateful step whose link took a null the earlier answer rightly held (a refused
        # batch entry has no posting id): no request a schema admits, "None" in the path.
        return None
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if (response.status_code, _problem_type(response)) in REFUSED_FOR_WHAT_IT_MEANS:
            return None
        raise


def _problem_type(response: Any) -> str | None:
    try:
        return str(response.json().get("type"))
    except ValueError:
        return None


#: Schemathesis's checks that ours replace.
REPLACED = frozenset({"not_a_server_error", "positive_data_acceptance"})


def every_check_but_the_replaced() -> list[Any]:
    """Every check schemathesis has, with two replaced by ``no_crash`` and
    ``schema_valid_requests_are_read``."""
    load_all_checks()
    checks = [check for check in CHECKS.get_all() if check.__name__ not in REPLACED]
    assert {no_crash, schema_valid_requests_are_read} <= set(checks)
    return checks


@pytest.fixture(scope="module")
def checks() -> list[Any]:
    return every_check_but_the_replaced()


@pytest.fixture
def fuzz_databases(sqlite_templates: dict[str, Path], tmp_path: Path) -> dict[str, Path]:
    """Each service's database, a copy of its migrated template."""
    databases = {}
    for service, template in sqlite_templates.items():
        databases[service] = tmp_path / f"{service}.sqlite3"
        shutil.copy(template, databases[service])
    return databases


def restore(databases: dict[str, Path], templates: dict[str, Path]) -> None:
    """Each database back to its template, in place (SQLite's online backup), under the
    apps' open connections: a scenario starts from the same state whatever ran before."""
    for service, path in databases.items():
        with (
            closing(sqlite3.connect(templates[service])) as source,
            closing(sqlite3.connect(path)) as target,
        ):
            source.backup(target)


@pytest.fixture
def fuzz_apps(fuzz_databases: dict[str, Path], tmp_path: Path) -> Iterator[dict[str, FastAPI]]:
    urls = {service: f"sqlite:///{path}" for service, path in fuzz_databases.items()}
    cap = 1_000_000  # the fuzzer is one caller asking a great deal
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


def _schema(app: FastAPI) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture
def postings_schema(fuzz_apps: dict[str, FastAPI]) -> Any:
    return _schema(fuzz_apps["postings"])


@pytest.fixture
def appeals_schema(fuzz_apps: dict[str, FastAPI]) -> Any:
    return _schema(fuzz_apps["appeals"])


@pytest.fixture
def roi_schema(fuzz_apps: dict[str, FastAPI]) -> Any:
    return _schema(fuzz_apps["roi"])


class Tally:
    """Requests sent by one test, by status, written where docs/fuzzing.md reads them."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.cases = 0
        self.statuses: Counter[int] = Counter()
        self.roles: Counter[str] = Counter()

    def count(self, status: int, sender: str) -> None:
        self.cases += 1
        self.statuses[status] += 1
        self.roles[sender] += 1

    def write(self) -> None:
        COUNTS.mkdir(parents=True, exist_ok=True)
        record = {
            "cases": self.cases,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "roles": dict(sorted(self.roles.items())),
            "examples": EXAMPLES,
            "scenarios": SCENARIOS,
            "steps": STEPS,
            "every_caller": EVERY_CALLER,
        }
        (COUNTS / f"{self.name}.json").write_text(json.dumps(record, indent=2) + "\n")


TALLIES: dict[str, Tally] = {}


@pytest.fixture
def tally(request: pytest.FixtureRequest) -> Iterator[Tally]:
    """One tally per test function, summed over its operations (a parametrized test's
    node names its operation after the function's name)."""
    name = request.node.originalname
    current = TALLIES.setdefault(name, Tally(name))
    yield current
    current.write()


def _first_admitted(case: schemathesis.Case) -> Role:
    """The first of ``CALLERS`` the operation admits, else its first role (``x-roles``)."""
    operation = case.operation.definition.raw
    roles = [Role(r) for r in operation.get("x-roles") or [Role.AUDITOR.value]]
    return next((role for role in CALLERS if role in roles), roles[0])


def _token(role: Role) -> dict[str, str]:
    """An officer acts as K100, a divisional role for the north division."""
    if role in CALLERS:
        return CALLERS[role]
    return bearer(role, subject=f"fuzz-{role.value}", division="north")


@schemathesis.auth(refresh_interval=None)  # a token per case: cases differ in who sends
class FirstAdmittedRole:
    """Schemathesis's own way of giving a case its credentials, so that it knows them for
    what they are: the cases it makes without, or with broken, credentials (to see them
    refused with 401) are left as they are, and its authentication checks re-send a case
    without and with broken credentials."""

    def get(self, case: schemathesis.Case, ctx: Any) -> str:
        return _token(_first_admitted(case))["Authorization"]

    def set(self, case: schemathesis.Case, data: str, ctx: Any) -> None:
        case.headers["Authorization"] = data


def _sender(case: schemathesis.Case) -> str:
    """Who a case went as: the role given by ``FirstAdmittedRole``, or nobody for a case
    schemathesis made without credentials or with broken ones."""
    return _first_admitted(case).value if case._has_explicit_auth else "nobody"


def _exercise(case: schemathesis.Case, checks: list[Any], tally: Tally) -> None:
    response = case.call()
    tally.count(response.status_code, _sender(case))
    case.validate_response(response, checks=checks)
    if not (EVERY_CALLER and case._has_explicit_auth):
        return
    for role, headers in CALLERS.items():
        case.headers.update(headers)
        if "Idempotency-Key" in case.headers:
            # Another caller's request is another request: a key of its own.
            case.headers["Idempotency-Key"] = f"{role.value}-{uuid.uuid4()}"
        response = case.call()
        tally.count(response.status_code, role.value)
        case.validate_response(response, checks=checks)


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)

postings = schemathesis.pytest.from_fixture("postings_schema")
appeals = schemathesis.pytest.from_fixture("appeals_schema")
roi = schemathesis.pytest.from_fixture("roi_schema")


@postings.parametrize()
@FUZZ
def test_postings_api(case: schemathesis.Case, checks: list[Any], tally: Tally) -> None:
    _exercise(case, checks, tally)


@appeals.parametrize()
@FUZZ
def test_appeals_api(case: schemathesis.Case, checks: list[Any], tally: Tally) -> None:
    _exercise(case, checks, tally)


@roi.parametrize()
@FUZZ
def test_roi_api(case: schemathesis.Case, checks: list[Any], tally: Tally) -> None:
    _exercise(case, checks, tally)


# -- stateful: the links schemathesis infers, each step by a role its operation admits ------


def _run_stateful(schema: Any, checks: list[Any], tally: Tally, fresh: Callable[[], None]) -> None:
    base = schema.as_state_machine()
    transitions = schema.statistic.transitions
    assert transitions.selected > 0, "no links inferred: the scenarios would be single calls"

    class Machine(base):  # type: ignore[valid-type,misc]
        def setup(self) -> None:
            # Every scenario from the same empty force: Hypothesis replays the steps a
            # scenario shares with an earlier one and expects the same answers, which a
            # state left by that earlier scenario would change.
            super().setup()
            fresh()

        def after_call(self, response: Any, case: schemathesis.Case) -> None:
            super().after_call(response, case)
            tally.count(response.status_code, _sender(case))

        def validate_response(
            self, response: Any, case: schemathesis.Case, additional_checks: Any = None, **_: Any
        ) -> None:
            case.validate_response(response, checks=checks, recorder=self.recorder)

    assert issubclass(Machine, APIStateMachine)
    Machine.run(
        settings=settings(
            max_examples=SCENARIOS,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
    )


@pytest.fixture
def fresh_force(
    fuzz_databases: dict[str, Path], sqlite_templates: dict[str, Path]
) -> Callable[[], None]:
    """Puts every service's database back as migrated: what each scenario starts from."""
    return lambda: restore(fuzz_databases, sqlite_templates)


def test_postings_api_stateful(
    postings_schema: Any, checks: list[Any], tally: Tally, fresh_force: Callable[[], None]
) -> None:
    _run_stateful(postings_schema, checks, tally, fresh_force)


def test_appeals_api_stateful(
    appeals_schema: Any, checks: list[Any], tally: Tally, fresh_force: Callable[[], None]
) -> None:
    _run_stateful(appeals_schema, checks, tally, fresh_force)


def test_roi_api_stateful(
    roi_schema: Any, checks: list[Any], tally: Tally, fresh_force: Callable[[], None]
) -> None:
    _run_stateful(roi_schema, checks, tally, fresh_force)
