"""The auditor reads and replays everything and changes nothing (DOMAIN.md, 'Who acts'):
every state-changing endpoint of every service answers the auditor's token with 403 and
stores nothing. The one write an auditor makes is a signed checkpoint of the log, which is
kept outside the database and changes no record."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.appeals.main import create_app as create_appeals
from services.appeals.projections.tables import kernel as appeals_kernel
from services.postings.main import create_app as create_postings
from services.postings.projections.tables import kernel as postings_kernel
from services.roi.main import create_app as create_roi
from services.roi.projections.tables import kernel as roi_kernel
from shared.roles import Role
from shared.settings import AppealsSettings, PostingsSettings, RoiSettings
from tests.helpers import count_events
from tests.support.tokens import bearer

AUDITOR = bearer(Role.AUDITOR, subject="internal-audit")
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
#: Signing a checkpoint writes outside the database and changes no record (issue 6).
AUDITORS_OWN = {("POST", "/audit/checkpoints")}
EVENTS = {
    "postings": postings_kernel.events,
    "appeals": appeals_kernel.events,
    "roi": roi_kernel.events,
}
SOME_ID = "6f0c1a52-1111-4f7e-9d55-0d0e7f3f0a01"


def state_changing_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every command the service documents (its OpenAPI is generated from its routes)."""
    found = []
    for path, operations in app.openapi()["paths"].items():
        for method in operations:
            if method.upper() in STATE_CHANGING and (method.upper(), path) not in AUDITORS_OWN:
                found.append((method.upper(), path))
    return found


def concrete(path: str) -> str:
    """A path with every parameter filled: ids as UUIDs, anything else as a code."""
    return re.sub(r"\{([^}]+)\}", lambda m: SOME_ID if m.group(1).endswith("id") else "K100", path)


@pytest.mark.parametrize(
    ("service", "factory"),
    [
        ("postings", lambda s: create_postings(s["postings"])),
        ("appeals", lambda s: create_appeals(s["appeals"])),
        ("roi", lambda s: create_roi(s["roi"])),
    ],
)
def test_the_auditor_cannot_change_anything(
    service: str,
    factory: Callable[[dict[str, Any]], FastAPI],
    postings_settings: PostingsSettings,
    appeals_settings: AppealsSettings,
    roi_settings: RoiSettings,
    database_urls: dict[str, str],
) -> None:
    app = factory({"postings": postings_settings, "appeals": appeals_settings, "roi": roi_settings})
    routes = state_changing_routes(app)
    assert routes, "every service has commands"
    with TestClient(app) as client:
        before = count_events(database_urls[service], EVENTS[service])
        answers = {
            (method, path): client.request(
                method, concrete(path), json={}, headers=AUDITOR
            ).status_code
            for method, path in routes
        }
    assert {k: v for k, v in answers.items() if v != 403} == {}
    assert count_events(database_urls[service], EVENTS[service]) == before
