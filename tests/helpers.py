"""Small builders shared by the API tests."""

from __future__ import annotations

import threading
from typing import Any

import httpx
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


#: Kent places of duty used across the tests (coordinates of the towns).
LOCATIONS = {
    "maidstone": ("Maidstone police station", "north", "Maidstone", 51.2720, 0.5290),
    "tonbridge": ("Tonbridge police station", "north", "Tonbridge", 51.1950, 0.2750),
    "ashford": ("Ashford police station", "south", "Ashford", 51.1465, 0.8750),
    "dover": ("Dover police station", "south", "Dover", 51.1279, 1.3134),
    "college": ("Kent Police College", "headquarters", "Maidstone", 51.2590, 0.5100),
    "headquarters-hr": ("Force headquarters, HR", "headquarters", "Maidstone", 51.2640, 0.5220),
}


def register_locations(client: httpx.Client) -> None:
    for code, (name, division, town, lat, lon) in LOCATIONS.items():
        body = {
            "code": code,
            "name": name,
            "division": division,
            "town": town,
            "lat": lat,
            "lon": lon,
            "kind": "college" if code == "college" else "station",
        }
        response = client.post("/locations", json=body, headers=HR)
        assert response.status_code in (201, 409), response.text


def register_officer(client: httpx.Client, officer_id: str = "K100", **overrides: Any) -> None:
    if client.get("/locations/maidstone", headers=HR).status_code == 404:
        register_locations(client)
    response = client.post("/officers", json=officer_body(officer_id, **overrides), headers=HR)
    assert response.status_code == 201, response.text


#: What one posting decision stores: the Posting.Decided, and the posting opened on the
#: officer, who owns the rule that one is on its way at a time.
DECISION_EVENTS = 2


#: A refused command is kept as a record of its own (shared.refusals), never on a case.
REFUSAL_TOPIC = ":Refusal.Recorded"


def count_events(database_url: str, table: Any = None, *, refusals: bool = False) -> int:
    """How many events the log holds about cases: what a refused command must not change.
    Refusals themselves (which it does record) are counted only when asked for."""
    events = table if table is not None else postings_kernel.events
    query = select(func.count()).select_from(events)
    if not refusals:
        query = query.where(events.c.topic.notlike(f"%{REFUSAL_TOPIC}"))
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(query).scalar_one())
    finally:
        engine.dispose()


def designate_until(
    client: Any, stop: threading.Event, written: list[int], worker: int, headers: dict[str, str]
) -> None:
    """One writer for tests that read while the log is written: designates course after
    course in ROI until told to stop, counting each in ``written``."""
    n = 0
    while not stop.is_set():
        n += 1
        body = {
            "course_code": f"W{worker}-{n}",
            "title": f"Course {worker}/{n}",
            "quarter": "2026-Q4",
            "reasons": ["high_cost"],
            "proposed_by": ["head_of_l_and_d"],
            "rationale": "High cost",
        }
        answer = client.post("/designations", json=body, headers=headers)
        assert answer.status_code == 201, answer.text
        written.append(1)
