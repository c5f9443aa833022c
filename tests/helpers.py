"""Small builders shared by the API tests."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select

from services.postings.projections.tables import kernel as postings_kernel
from shared.roles import Role
from tests.support.tokens import bearer

HR = bearer(Role.HR_RESOURCE_PLANNING)
COMMANDER_NORTH = bearer(Role.DIVISIONAL_COMMANDER, subject="cmdr-north", division="north")


def officer_body(officer_id: str = "K100", **overrides: Any) -> dict[str, Any]:
    body = {
        "officer_id": officer_id,
        "name": "Alex Smith",
        "rank": "constable",
        "division": "north",
        "place_of_duty": "maidstone",
        "appointed_on": "2020-01-01",
    }
    body.update(overrides)
    return body


def redeployment_body(officer_id: str = "K100", **overrides: Any) -> dict[str, Any]:
    body = {
        "officer_id": officer_id,
        "to_location": "tonbridge",
        "posting_date": "2027-01-10",
        "rationale": "Cover for the night-time economy team",
    }
    body.update(overrides)
    return body


def register_officer(client: TestClient, officer_id: str = "K100", **overrides: Any) -> None:
    response = client.post("/officers", json=officer_body(officer_id, **overrides), headers=HR)
    assert response.status_code == 201, response.text


def count_events(database_url: str, table: Any = None) -> int:
    events = table if table is not None else postings_kernel.events
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(events)).scalar_one())
    finally:
        engine.dispose()
