"""A small force for postings tests: locations, officers and the people who decide, on a
fixed day (Sunday 22 November 2026, London)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.postings.clients.roi import RoiClient
from services.postings.main import create_app
from shared.clock import FixedClock
from shared.roles import Role
from shared.settings import PostingsSettings
from tests.helpers import HR, register_locations
from tests.support.tokens import bearer

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 22)

DIRECTOR = bearer(Role.DIRECTOR_OF_HR, subject="dhr")
HEAD_OF_RESOURCING = bearer(Role.HEAD_OF_RESOURCING, subject="hor")
PANEL = bearer(Role.DEPLOYMENT_PANEL, subject="panel-chair")
PSD = bearer(Role.PSD, subject="psd-1")
SLT_NORTH = bearer(Role.SLT, subject="slt-north", division="north")
AUDITOR = bearer(Role.AUDITOR)


def officer(officer_id: str) -> dict[str, str]:
    return bearer(Role.OFFICER, subject=officer_id, officer_id=officer_id)


def days(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


def expect(response: Any, status: int) -> Any:
    """The JSON body of a response that must have this status."""
    assert response.status_code == status, response.text
    return response.json()


@pytest.fixture(name="client")
def force_client(
    postings_settings: PostingsSettings, roi_question: RoiClient
) -> Iterator[TestClient]:
    """Postings in process on this test's databases, on the force's fixed day, with the
    force set up (``set_up_force``). A module uses it as its ``client`` by importing it."""
    app = create_app(postings_settings, clock=FixedClock(NOW), roi=roi_question)
    with TestClient(app) as client:
        set_up_force(client)
        yield client


def set_up_force(client: TestClient) -> None:
    """Locations, a constable K100 in Maidstone (north) living in Ashford, and their
    sergeant S1 with another constable K101 under them."""
    register_locations(client)
    expect(
        client.post(
            "/officers",
            json={
                "officer_id": "S1",
                "name": "Sam Sergeant",
                "rank": "sergeant",
                "division": "north",
                "place_of_duty": "maidstone",
                "appointed_on": "2012-04-01",
                "home_town": "Maidstone",
                "home": {"lat": 51.2720, "lon": 0.5290},
            },
            headers=HR,
        ),
        201,
    )
    for officer_id in ("K100", "K101"):
        expect(
            client.post(
                "/officers",
                json={
                    "officer_id": officer_id,
                    "name": f"Officer {officer_id}",
                    "rank": "constable",
                    "division": "north",
                    "place_of_duty": "maidstone",
                    "appointed_on": "2020-01-06",
                    "home_town": "Ashford",
                    "home": {"lat": 51.1465, "lon": 0.8750},
                    "supervisor_id": "S1",
                },
                headers=HR,
            ),
            201,
        )


def compulsory(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "officer_id": "K100",
        "to_location": "tonbridge",
        "likely_posting_date": days(60),
        "rationale": "Response strength in Tonbridge is 20% under establishment",
        "reasoning_for_officer": "Tonbridge needs experienced response officers",
        "preferences": ["tonbridge", "ashford"],
    }
    body.update(overrides)
    return body
