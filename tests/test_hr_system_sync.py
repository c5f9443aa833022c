"""The HR-system integration end to end, postings talking to the SuccessFactors simulator
over HTTP: a sync creates officers and their PDRs; a second writes nothing; a change in the
tenant is picked up by a delta run or an Intelligent Services signal; a posting taken into
effect reaches Employee Central as exactly one EmpJob row, even when the first delivery
attempt fails."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from services.postings.hr_system.odata import parse_date
from services.postings.main import create_app
from services.roi.main import create_app as create_roi
from shared.clock import FixedClock
from shared.roles import Role
from shared.settings import PostingsSettings, RoiSettings
from tests.force import NOW, TODAY, days, expect
from tests.helpers import HR, count_events, register_locations
from tests.sfsim.app import create_simulator
from tests.sfsim.store import Tenant
from tests.support.live import LiveServer
from tests.support.tokens import bearer

INTEGRATION = bearer(Role.INTEGRATION, subject="sf-integration")
COMMANDER = bearer(Role.DIVISIONAL_COMMANDER, subject="cmdr-north", division="north")


@pytest.fixture
def tenant() -> Tenant:
    tenant = Tenant(today=TODAY)
    tenant.load("kent")
    return tenant


@pytest.fixture
def sim(tenant: Tenant) -> Iterator[LiveServer]:
    with LiveServer(create_simulator(tenant, page_size=2)) as server:
        yield server


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def roi(roi_settings: RoiSettings, clock: FixedClock) -> Iterator[LiveServer]:
    with LiveServer(create_roi(roi_settings, clock=clock)) as server:
        yield server


@pytest.fixture
def client(
    postings_settings: PostingsSettings,
    roi: LiveServer,
    sim: LiveServer,
    clock: FixedClock,
) -> Iterator[TestClient]:
    settings = postings_settings.model_copy(
        update={
            "roi_url": roi.url,
            "hr_url": sim.url,
            "hr_username": "sfapi@KENTPOLICE",
            "hr_password": SecretStr("sim-password"),
            "hr_page_size": 2,
            "hr_positions": {"maidstone": "POS-MAID-RESP-PC"},
        }
    )
    with TestClient(create_app(settings, clock=clock)) as client:
        register_locations(client)
        yield client


def sync(client: TestClient, **params: Any) -> dict[str, Any]:
    return expect(client.post("/hr-system/sync", params=params, headers=INTEGRATION), 200)


def test_a_sync_creates_officers_and_their_pdrs_and_a_second_writes_nothing(
    client: TestClient, postings_settings: PostingsSettings
) -> None:
    first = sync(client)

    assert (first["officers_read"], first["problems"]) == (3, [])
    s2 = expect(client.get("/officers/S2", headers=HR), 200)
    assert (s2["rank"], s2["division"], s2["place_of_duty"]) == ("sergeant", "north", "maidstone")
    k300 = expect(client.get("/officers/K300", headers=HR), 200)
    assert (k300["name"], k300["supervisor_id"]) == ("Jo Morgan", "S2")
    assert (k300["pdr_due_on"], k300["pdr_completed_on"]) == ("2026-12-15", None)
    k301 = expect(client.get("/officers/K301", headers=HR), 200)
    assert (k301["appointed_on"], k301["pdr_completed_on"]) == ("2020-01-06", "2026-06-20")
    written = count_events(postings_settings.database_url)

    again = sync(client)
    full_again = sync(client, full="true")

    assert again["events_written"] == full_again["events_written"] == 0
    assert count_events(postings_settings.database_url) == written
    runs = expect(client.get("/hr-system/sync-runs", headers=HR), 200)
    assert [r["events_written"] for r in runs["items"]] == [0, 0, first["events_written"]]


def test_an_officer_that_could_not_be_applied_is_read_again_by_the_next_run(
    postings_settings: PostingsSettings, roi: LiveServer, sim: LiveServer
) -> None:
    settings = postings_settings.model_copy(
        update={
            "roi_url": roi.url,
            "hr_url": sim.url,
            "hr_username": "sfapi@KENTPOLICE",
            "hr_password": SecretStr("sim-password"),
        }
    )
    with TestClient(create_app(settings, clock=FixedClock(NOW))) as client:
        # No places of duty yet: nobody can be registered, and each says why.
        first = sync(client)
        assert {p["officer_id"] for p in first["problems"]} == {"S2", "K300", "K301"}
        register_locations(client)

        second = sync(client)

    assert (second["officers_read"], second["problems"]) == (3, [])


def test_a_change_in_the_tenant_is_read_by_the_next_delta_run_or_a_signal(
    client: TestClient, sim: LiveServer, clock: FixedClock
) -> None:
    sync(client)
    clock.set(NOW + timedelta(hours=1))
    httpx.post(
        f"{sim.url}/_sim/change/User",
        json={"key": {"userId": "K301"}, "values": {"lastName": "Chen-Whitfield"}},
    )

    delta = sync(client)

    assert (delta["officers_read"], delta["events_written"]) == (1, 1)
    assert expect(client.get("/officers/K301", headers=HR), 200)["name"] == "Alex Chen-Whitfield"
    httpx.post(
        f"{sim.url}/_sim/change/FormHeader",
        json={"key": {"formDataId": "9001"}, "values": {"formDataStatus": "3"}},
    )
    signal = client.post(
        "/hr-system/events",
        json={"events": [{"userId": "K300", "eventType": "Change in Job Information"}]},
        headers=INTEGRATION,
    )
    assert expect(signal, 202)["events_written"] == 1
    assert expect(client.get("/officers/K300", headers=HR), 200)["pdr_completed_on"] is not None
    assert client.post("/hr-system/sync", headers=HR).status_code == 200
    assert (
        client.post("/hr-system/sync", headers=bearer(Role.SLT, division="north")).status_code
        == 403
    )


def test_a_posting_taken_into_effect_reaches_employee_central_exactly_once(
    client: TestClient, sim: LiveServer, tenant: Tenant, clock: FixedClock
) -> None:
    sync(client)
    posting = expect(
        client.post(
            "/postings/redeployments",
            json={
                "officer_id": "K301",
                "to_location": "maidstone",
                "posting_date": days(0),
                "rationale": "Maidstone response team short after two retirements",
            },
            headers=COMMANDER,
        ),
        201,
    )
    expect(
        client.post(f"/postings/{posting['id']}/move", json={"rationale": "Today"}, headers=HR), 200
    )
    tenant.faults.failing_upserts["K301"] = 1

    first = expect(client.post("/hr-system/deliveries/run", headers=INTEGRATION), 200)

    assert (first["delivered"], first["retrying"]) == (0, 1)
    waiting = expect(client.get("/hr-system/deliveries?state=retrying", headers=HR), 200)
    assert waiting["items"][0]["posting_id"] == posting["id"]
    assert waiting["items"][0]["last_error"] == "Internal error; please retry"
    # Not due again yet: nothing is sent.
    assert (
        expect(client.post("/hr-system/deliveries/run", headers=INTEGRATION), 200)["attempted"] == 0
    )

    clock.set(NOW + timedelta(hours=1))
    second = expect(client.post("/hr-system/deliveries/run", headers=INTEGRATION), 200)
    third = expect(client.post("/hr-system/deliveries/run", headers=INTEGRATION), 200)

    assert second["delivered"] == 1
    assert third["attempted"] == 0
    rows = httpx.get(f"{sim.url}/_sim/empjob/K301").json()
    posted = [r for r in rows if parse_date(r["startDate"]) == TODAY]
    assert len(posted) == 1
    assert (posted[0]["eventReason"], posted[0]["location"], posted[0]["position"]) == (
        "POSTREDEP",
        "maidstone",
        "POS-MAID-RESP-PC",
    )
    delivered = expect(client.get("/hr-system/deliveries?state=delivered", headers=HR), 200)
    assert delivered["items"][0]["attempts"] == 2


def test_a_record_the_tenant_refuses_is_shown_to_hr_as_failed(
    client: TestClient, sim: LiveServer, tenant: Tenant
) -> None:
    sync(client)
    posting = expect(
        client.post(
            "/postings/redeployments",
            json={
                "officer_id": "K301",
                "to_location": "maidstone",
                "posting_date": days(0),
                "rationale": "Maidstone response team short",
            },
            headers=COMMANDER,
        ),
        201,
    )
    expect(
        client.post(f"/postings/{posting['id']}/move", json={"rationale": "Today"}, headers=HR), 200
    )
    tenant.records["User"] = [u for u in tenant.records["User"] if u["userId"] != "K301"]

    report = expect(client.post("/hr-system/deliveries/run", headers=INTEGRATION), 200)

    assert report["failed"] == 1
    failed = expect(client.get("/hr-system/deliveries?state=failed", headers=HR), 200)
    assert "Invalid userId" in failed["items"][0]["last_error"]
    assert (
        client.get("/hr-system/deliveries", headers=bearer(Role.SLT, division="north")).status_code
        == 403
    )


LD = bearer(Role.HEAD_OF_L_AND_D, subject="head-ld")


def test_a_course_completed_in_learning_starts_the_roi_period_in_roi(
    client: TestClient, roi: LiveServer
) -> None:
    """K300 finished DET-1 on 30 October (Learning says COMPLETE); K301 has not."""
    with httpx.Client(base_url=roi.url) as r:
        designation = expect(
            r.post(
                "/designations",
                json={
                    "course_code": "DET-1",
                    "title": "Initial detective training",
                    "quarter": "2026-Q4",
                    "reasons": ["scarce_skill"],
                    "proposed_by": ["head_of_l_and_d"],
                    "rationale": "Detective shortfall",
                },
                headers=LD,
            ),
            201,
        )
        enrolled = {}
        for officer_id in ("K300", "K301"):
            enrolled[officer_id] = expect(
                r.post(
                    "/commitments",
                    json={
                        "officer_id": officer_id,
                        "designation_id": designation["id"],
                        "starts_on": days(-60),
                        "ends_on": days(-20),
                    },
                    headers=LD,
                ),
                201,
            )

        first = sync(client)
        second = sync(client)

        k300 = expect(r.get(f"/commitments/{enrolled['K300']['id']}", headers=LD), 200)
        k301 = expect(r.get(f"/commitments/{enrolled['K301']['id']}", headers=LD), 200)
    assert (first["completions_recorded"], second["completions_recorded"]) == (1, 0)
    assert (k300["state"], k300["completed_on"]) == ("completed", "2026-10-30")
    assert k301["state"] == "enrolled"
