"""The HR-system integration end to end, postings talking to the SuccessFactors simulator
over HTTP, the simulator answering as SAP documents (issue 16): a sync creates officers
(those who left too) and their PDRs and a second writes nothing; each part of a run has
its own outcome and window, and a failing part never makes the run a 500; a change in the
tenant is picked up by a delta run or an Intelligent Services signal; a posting taken into
effect reaches Employee Central as one complete EmpJob row, or is failed with SAP's
message, never stuck."""

from __future__ import annotations

import time
from collections.abc import Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import create_engine, select, text

from services.postings.hr_system.odata import parse_date
from services.postings.hr_system.outbox import DeliveryReport, _deliver_batch
from services.postings.hr_system.parts import PARTS
from services.postings.main import create_app
from services.postings.projections.tables import hr_outbox
from services.roi.main import create_app as create_roi
from shared.clock import FixedClock
from shared.roles import Role
from shared.settings import PostingsSettings, RoiSettings
from tests.force import NOW, TODAY, days, expect
from tests.helpers import HR, count_events, register_locations
from tests.sfsim.harness import Simulated, simulated
from tests.sfsim.integration_center import (
    ConfiguredField,
    IntelligentServicesIntegration,
    OutboundOAuthConfiguration,
)
from tests.support.idp import IdentityProvider, RunningProvider
from tests.support.live import LiveServer, free_port
from tests.support.tokens import bearer

INTEGRATION = bearer(Role.INTEGRATION, subject="sf-integration")
COMMANDER = bearer(Role.DIVISIONAL_COMMANDER, subject="cmdr-north", division="north")


@pytest.fixture
def sim() -> Iterator[Simulated]:
    with simulated(TODAY) as sim:
        yield sim


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def roi(roi_settings: RoiSettings, clock: FixedClock) -> Iterator[LiveServer]:
    with LiveServer(create_roi(roi_settings, clock=clock)) as server:
        yield server


def settings_for(
    postings_settings: PostingsSettings, roi: LiveServer, sim: Simulated, **more: Any
) -> PostingsSettings:
    return postings_settings.model_copy(
        update={
            "roi_url": roi.url,
            **sim.settings(),
            "hr_page_size": 2,
            "hr_positions": {"maidstone": "POS-MAID-RESP-PC"},
            "hr_codes": {"maidstone": "MAIDSTONE", "tonbridge": "TONBRIDGE"},
            **more,
        }
    )


@pytest.fixture
def client(
    postings_settings: PostingsSettings,
    roi: LiveServer,
    sim: Simulated,
    clock: FixedClock,
) -> Iterator[TestClient]:
    settings = settings_for(postings_settings, roi, sim)
    with TestClient(create_app(settings, clock=clock)) as client:
        register_locations(client)
        yield client


def sync(client: TestClient, **params: Any) -> dict[str, Any]:
    return expect(client.post("/hr-system/sync", params=params, headers=INTEGRATION), 200)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def outcomes(report: dict[str, Any]) -> dict[str, str]:
    return {name: part["outcome"] for name, part in report["parts"].items()}


def test_a_sync_creates_officers_and_their_pdrs_and_a_second_writes_nothing(
    client: TestClient, postings_settings: PostingsSettings
) -> None:
    first = sync(client)

    assert (first["officers_read"], first["problems"]) == (4, [])
    assert outcomes(first) == dict.fromkeys(("officers", "jobs", "pdrs", "learning"), "succeeded")
    s2 = expect(client.get("/officers/S2", headers=HR), 200)
    assert (s2["rank"], s2["division"], s2["place_of_duty"]) == ("sergeant", "north", "maidstone")
    # S2's managerId is NO_MANAGER: no supervisor (KBA 2203342).
    assert s2["supervisor_id"] is None
    k300 = expect(client.get("/officers/K300", headers=HR), 200)
    assert (k300["name"], k300["supervisor_id"]) == ("Jo Morgan", "S2")
    assert (k300["pdr_due_on"], k300["pdr_completed_on"]) == ("2026-12-15", None)
    k301 = expect(client.get("/officers/K301", headers=HR), 200)
    assert (k301["appointed_on"], k301["pdr_completed_on"]) == ("2020-01-06", "2026-06-20")
    # K302 has left (status f): read all the same, with an explicit status filter.
    assert expect(client.get("/officers/K302", headers=HR), 200)["name"] == "Pat Reid"
    written = count_events(postings_settings.database_url)

    again = sync(client)
    full_again = sync(client, full="true")

    assert again["events_written"] == full_again["events_written"] == 0
    assert count_events(postings_settings.database_url) == written
    runs = expect(client.get("/hr-system/sync-runs", headers=HR), 200)
    assert [r["events_written"] for r in runs["items"]] == [0, 0, first["events_written"]]
    assert at(runs["items"][1]["parts"]["officers"]["since"]) == NOW - timedelta(minutes=5)


def test_reads_are_batched_a_few_queries_a_run_whatever_the_number_of_officers(
    postings_settings: PostingsSettings, roi: LiveServer, sim: Simulated
) -> None:
    settings = settings_for(postings_settings, roi, sim, hr_page_size=1000)
    with TestClient(create_app(settings, clock=FixedClock(NOW))) as client:
        register_locations(client)
        sim.tenant.requests.clear()
        sync(client)
        sync(client)
    gets = [path for method, path in sim.tenant.requests if method == "GET"]
    data = [p for p in gets if p.startswith("/odata/v2/") and not p.endswith("$metadata")]
    # The first run (no window): every User, then one query per entity for all of them
    # together, never one per officer. The second: who changed in each entity (nobody).
    assert data.count("/odata/v2/User") == 2 + 1
    assert data.count("/odata/v2/EmpJob") == 1 + 1
    assert data.count("/odata/v2/FormHeader") == 1 + 1
    # One token for both runs (tokens last 24 hours; KBA 2735876 asks for no more logins).
    assert sim.authority.tokens_issued == 1


def test_an_officer_that_could_not_be_applied_is_read_again_by_the_next_run(
    postings_settings: PostingsSettings, roi: LiveServer, sim: Simulated
) -> None:
    settings = settings_for(postings_settings, roi, sim)
    with TestClient(create_app(settings, clock=FixedClock(NOW))) as client:
        # No places of duty yet: nobody can be registered, and each says why.
        first = sync(client)
        assert {p["officer_id"] for p in first["problems"]} == {"S2", "K300", "K301", "K302"}
        register_locations(client)

        second = sync(client)

    assert (second["officers_read"], second["problems"]) == (4, [])


def test_an_officer_record_of_an_unexpected_shape_is_a_problem_not_a_500(
    client: TestClient, sim: Simulated
) -> None:
    # A User without a hire date (the field is nullable in a tenant) and a job row whose
    # code is not a string: neither may make a run or a signal answer 500.
    sim.tenant.change("User", {"userId": "K301"}, {"hireDate": None})
    for row in sim.tenant.records["EmpJob"]:
        if row["userId"] == "K300":
            row["jobCode"] = [row["jobCode"]]

    report = sync(client)
    signal = expect(
        client.post("/hr-system/events", json={"userId": "K301"}, headers=INTEGRATION),
        202,
    )

    assert {p["officer_id"] for p in report["problems"]} == {"K300", "K301"}
    assert [p["officer_id"] for p in signal["problems"]] == ["K301"]
    # The others were applied all the same.
    assert expect(client.get("/officers/S2", headers=HR), 200)["rank"] == "sergeant"


def test_a_change_in_the_tenant_is_read_by_the_next_delta_run_or_a_signal(
    client: TestClient, sim: Simulated, clock: FixedClock
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
        json={"userId": "K300", "eventType": "Change in Job Information"},
        headers=INTEGRATION,
    )
    assert expect(signal, 202)["events_written"] == 1
    assert expect(client.get("/officers/K300", headers=HR), 200)["pdr_completed_on"] is not None
    assert client.post("/hr-system/sync", headers=HR).status_code == 200
    assert (
        client.post("/hr-system/sync", headers=bearer(Role.SLT, division="north")).status_code
        == 403
    )


# -- parts and their windows --------------------------------------------------------------


def test_a_failing_part_does_not_stop_the_others_and_keeps_its_window(
    client: TestClient, sim: Simulated, clock: FixedClock
) -> None:
    sync(client)
    clock.set(NOW + timedelta(hours=1))
    sim.tenant.faults.forbidden.add("FormHeader")  # the API user lost that permission
    sim.tenant.change("User", {"userId": "K301"}, {"lastName": "Chen-Whitfield"})

    second = sync(client)

    assert outcomes(second) == {
        "officers": "succeeded",
        "jobs": "succeeded",
        "pdrs": "failed",
        "learning": "succeeded",
    }
    assert "No permission to read FormHeader" in second["parts"]["pdrs"]["problem"]
    assert expect(client.get("/officers/K301", headers=HR), 200)["name"] == "Alex Chen-Whitfield"

    clock.set(NOW + timedelta(hours=2))
    sim.tenant.faults.forbidden.clear()
    third = sync(client)

    assert outcomes(third)["pdrs"] == "succeeded"
    # PDRs read from where they last succeeded; the others from the second run.
    assert at(third["parts"]["pdrs"]["since"]) == NOW - timedelta(minutes=5)
    assert at(third["parts"]["officers"]["since"]) == NOW + timedelta(minutes=55)
    runs = expect(client.get("/hr-system/sync-runs", headers=HR), 200)["items"]
    assert [r["parts"]["pdrs"]["outcome"] for r in runs] == ["succeeded", "failed", "succeeded"]


def test_job_information_that_cannot_be_read_fails_the_jobs_part_and_is_read_again(
    client: TestClient, sim: Simulated, clock: FixedClock
) -> None:
    sim.tenant.faults.forbidden.add("EmpJob")

    first = sync(client)

    assert outcomes(first)["jobs"] == "failed"
    assert "No permission to read EmpJob" in first["parts"]["jobs"]["problem"]
    assert {p["officer_id"] for p in first["problems"]} == {"S2", "K300", "K301", "K302"}
    assert client.get("/officers/K300", headers=HR).status_code == 404

    clock.set(NOW + timedelta(hours=1))
    sim.tenant.faults.forbidden.clear()
    second = sync(client)

    assert (outcomes(second)["jobs"], second["problems"]) == ("succeeded", [])
    assert expect(client.get("/officers/K300", headers=HR), 200)["name"] == "Jo Morgan"


def test_a_property_missing_from_metadata_is_named_and_fails_its_part_alone(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    entity, _, key, needed = PARTS["pdrs"]
    # As the client was before issue 16: FormHeader filtered on lastModifiedDateTime.
    monkeypatch.setitem(PARTS, "pdrs", (entity, "lastModifiedDateTime", key, needed))

    report = sync(client)

    assert report["parts"]["pdrs"] == {
        "outcome": "failed",
        "since": None,
        "changed": 0,
        "problem": "FormHeader's $metadata has no lastModifiedDateTime",
    }
    assert outcomes(report)["officers"] == "succeeded"


def test_a_tenant_that_cannot_answer_fails_every_part_and_the_run_is_still_recorded(
    client: TestClient, sim: Simulated
) -> None:
    sim.tenant.faults.throttle, sim.tenant.faults.retry_after = 10_000, "0"

    report = sync(client)

    assert outcomes(report) == {
        "officers": "failed",
        "jobs": "failed",
        "pdrs": "failed",
        "learning": "succeeded",  # ROI has nothing awaiting completion
    }
    runs = expect(client.get("/hr-system/sync-runs", headers=HR), 200)["items"]
    assert runs[0]["completed_at"] is not None
    assert "429" in runs[0]["parts"]["officers"]["problem"]


# -- deliveries ---------------------------------------------------------------------------


# On PostgreSQL only: SQLite has one writer at a time, so two completions cannot overlap.
@pytest.mark.parametrize("backend", ["postgresql"])
def test_two_runs_completing_at_once_both_complete_and_keep_a_window(
    client: TestClient, postings_settings: PostingsSettings, backend: str
) -> None:
    sync(client)
    engine = create_engine(postings_settings.database_url)
    try:
        watcher = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        with watcher, engine.connect() as other, ThreadPoolExecutor(1) as pool:
            # Another run completing: it has removed the officers' window and not yet
            # written its own when this run comes to complete.
            completing = other.begin()
            other.execute(text("DELETE FROM hr_sync_windows WHERE part = 'officers'"))
            running = pool.submit(client.post, "/hr-system/sync", headers=INTEGRATION)
            deadline = time.monotonic() + 120
            # Each look is its own transaction: pg_stat_activity is a snapshot per one.
            while not watcher.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database() AND query ILIKE '%hr_sync_windows%'"
                )
            ).scalar_one():
                assert time.monotonic() < deadline, "the run never came to complete"
                assert not running.done(), running.result().text
                time.sleep(0.05)
            other.execute(
                text("INSERT INTO hr_sync_windows (part, since) VALUES ('officers', :since)"),
                {"since": NOW},
            )
            completing.commit()
            response = running.result(timeout=120)
    finally:
        engine.dispose()

    assert response.status_code == 200, response.text
    runs = expect(client.get("/hr-system/sync-runs", headers=HR), 200)["items"]
    assert [r["completed_at"] is not None for r in runs] == [True, True]
    assert at(sync(client)["parts"]["officers"]["since"]) == NOW - timedelta(minutes=5)


def move(client: TestClient, officer_id: str, to: str = "maidstone") -> str:
    posting = expect(
        client.post(
            "/postings/redeployments",
            json={
                "officer_id": officer_id,
                "to_location": to,
                "posting_date": days(0),
                "rationale": "Maidstone response team short after two retirements",
            },
            headers=COMMANDER,
        ),
        201,
    )
    expect(
        client.post(f"/postings/{posting['id']}/move", json={"rationale": "Today"}, headers=HR),
        200,
    )
    return str(posting["id"])


def deliver(client: TestClient) -> dict[str, Any]:
    return expect(client.post("/hr-system/deliveries/run", headers=INTEGRATION), 200)


def test_a_posting_reaches_employee_central_as_one_complete_row_after_a_throttled_attempt(
    client: TestClient, sim: Simulated, clock: FixedClock
) -> None:
    sync(client)
    posting_id = move(client, "K301")
    sim.tenant.faults.throttle, sim.tenant.faults.retry_after = 10, "0"

    first = deliver(client)

    assert (first["delivered"], first["retrying"], first["failed"]) == (0, 1, 0)
    waiting = expect(client.get("/hr-system/deliveries?state=retrying", headers=HR), 200)
    assert waiting["items"][0]["posting_id"] == posting_id
    assert "429" in waiting["items"][0]["last_error"]
    assert deliver(client)["attempted"] == 0  # not due again yet

    sim.tenant.faults.throttle = 0
    clock.set(NOW + timedelta(hours=1))
    second = deliver(client)
    third = deliver(client)

    assert second["delivered"] == 1
    assert third["attempted"] == 0
    rows = httpx.get(f"{sim.url}/_sim/empjob/K301").json()
    posted = [r for r in rows if parse_date(r["startDate"]) == TODAY]
    assert len(posted) == 1
    # Every field the tenant requires, from the slice in force, in the tenant's spelling.
    assert {k: posted[0][k] for k in ("eventReason", "location", "department", "position")} == {
        "eventReason": "POSTREDEP",
        "location": "MAIDSTONE",
        "department": "NORTH",
        "position": "POS-MAID-RESP-PC",
    }
    assert (posted[0]["jobCode"], posted[0]["company"], posted[0]["managerId"]) == (
        "PC",
        "KENT",
        "S2",
    )
    delivered = expect(client.get("/hr-system/deliveries?state=delivered", headers=HR), 200)
    assert delivered["items"][0]["attempts"] == 2


def test_a_run_racing_a_delivery_never_undoes_it(
    client: TestClient, sim: Simulated, postings_settings: PostingsSettings
) -> None:
    hr = client.app.state.hr_system  # type: ignore[attr-defined]
    hr.sleep = lambda _: None
    sync(client)
    move(client, "K301")
    # A second run took the same due row before the first recorded its delivery ...
    with hr._app.db.unit_of_work(write=False) as session:
        taken = session.execute(select(hr_outbox)).all()
    assert deliver(client)["delivered"] == 1
    # ... and meets a tenant that cannot answer, after the first run has finished.
    sim.tenant.faults.errors = 100
    odata = hr.client()
    try:
        _deliver_batch(
            hr._app.db,
            odata,
            taken,
            postings_settings.hr_event_reasons,
            None,
            {},
            NOW,
            DeliveryReport(),
        )
    finally:
        odata.close()

    delivered = expect(client.get("/hr-system/deliveries?state=delivered", headers=HR), 200)
    assert [d["posting_id"] for d in delivered["items"]] == [taken[0].posting_id]


def test_a_request_level_server_error_is_retried_later_not_failed(
    client: TestClient, sim: Simulated, clock: FixedClock
) -> None:
    client.app.state.hr_system.sleep = lambda _: None  # type: ignore[attr-defined]
    sync(client)
    move(client, "K301")
    sim.tenant.faults.errors = 10  # every attempt the client makes this run

    first = deliver(client)

    assert (first["retrying"], first["failed"]) == (1, 0)
    sim.tenant.faults.errors = 0
    clock.set(NOW + timedelta(hours=1))
    assert deliver(client)["delivered"] == 1


def test_a_tenant_that_cannot_be_reached_leaves_the_posting_retrying(
    postings_settings: PostingsSettings, roi: LiveServer, sim: Simulated
) -> None:
    with TestClient(
        create_app(settings_for(postings_settings, roi, sim), clock=FixedClock(NOW))
    ) as up:
        register_locations(up)
        sync(up)
        move(up, "K301")
    unreachable = settings_for(
        postings_settings, roi, sim, hr_url=f"http://127.0.0.1:{free_port()}"
    )
    with TestClient(create_app(unreachable, clock=FixedClock(NOW))) as down:
        down.app.state.hr_system.sleep = lambda _: None  # type: ignore[attr-defined]
        report = deliver(down)
        runs = sync(down)

    assert (report["retrying"], report["failed"]) == (1, 0)
    assert "cannot be reached" in report["problems"][0]["problem"]
    assert outcomes(runs)["officers"] == "failed"


def test_a_signing_key_that_cannot_be_read_fails_the_run_s_parts_not_the_service(
    postings_settings: PostingsSettings, roi: LiveServer, sim: Simulated
) -> None:
    settings = settings_for(
        postings_settings, roi, sim, hr_saml_private_key=SecretStr("not a PEM key")
    )
    with TestClient(create_app(settings, clock=FixedClock(NOW))) as client:
        report = sync(client)

    assert {outcomes(report)[p] for p in ("officers", "jobs", "pdrs")} == {"failed"}
    assert "SAML signing key cannot be read" in report["parts"]["officers"]["problem"]


def test_a_record_refused_with_http_code_500_is_failed_with_sap_s_message(
    client: TestClient, sim: Simulated
) -> None:
    sync(client)
    move(client, "K301")
    sim.tenant.faults.failing_upserts["K301"] = 1

    report = deliver(client)

    assert (report["failed"], report["retrying"]) == (1, 0)
    failed = expect(client.get("/hr-system/deliveries?state=failed", headers=HR), 200)
    assert failed["items"][0]["last_error"] == "The record is locked by another change"
    assert (
        client.get("/hr-system/deliveries", headers=bearer(Role.SLT, division="north")).status_code
        == 403
    )


def test_a_record_for_someone_the_tenant_does_not_know_is_failed(
    client: TestClient, sim: Simulated
) -> None:
    sync(client)
    move(client, "K301")
    sim.tenant.records["User"] = [u for u in sim.tenant.records["User"] if u["userId"] != "K301"]

    report = deliver(client)

    assert report["failed"] == 1
    failed = expect(client.get("/hr-system/deliveries?state=failed", headers=HR), 200)
    assert "Invalid userId" in failed["items"][0]["last_error"]


def test_a_request_level_400_isolates_the_bad_record_and_delivers_the_rest(
    client: TestClient, sim: Simulated
) -> None:
    sim.tenant.change("FormHeader", {"formDataId": "9001"}, {"formDataStatus": "3"})
    sync(client)
    moved = {
        officer: move(client, officer, to)
        for officer, to in (("K300", "tonbridge"), ("K301", "maidstone"), ("S2", "tonbridge"))
    }
    sim.tenant.faults.unreadable_upserts.add("K301")

    report = deliver(client)

    assert (report["delivered"], report["failed"], report["retrying"]) == (2, 1, 0)
    failed = expect(client.get("/hr-system/deliveries?state=failed", headers=HR), 200)
    assert [d["posting_id"] for d in failed["items"]] == [moved["K301"]]
    assert "BadRequestException" in failed["items"][0]["last_error"]
    for officer in ("K300", "S2"):
        rows = httpx.get(f"{sim.url}/_sim/empjob/{officer}").json()
        assert [r["eventReason"] for r in rows if parse_date(r["startDate"]) == TODAY] == [
            "POSTREDEP"
        ]


def test_a_same_day_hr_row_is_kept_and_the_officer_reads_back_unchanged_but_for_the_move(
    client: TestClient, sim: Simulated
) -> None:
    sync(client)
    # HR's own row for K301 today (a data change), sequence 1.
    hr_row = {**sim.tenant.history("K301")[-1]}
    sim.tenant.upsert_empjob(
        {
            **hr_row,
            "startDate": f"/Date({int(NOW.replace(hour=0).timestamp()) * 1000})/",
            "seqNumber": "1",
            "eventReason": "DATACHG",
        },
        0,
    )
    before = expect(client.get("/officers/K301", headers=HR), 200)
    move(client, "K301")

    assert deliver(client)["delivered"] == 1
    after_move = expect(client.get("/officers/K301", headers=HR), 200)
    report = sync(client, full="true")

    today = [r for r in sim.tenant.history("K301") if parse_date(r["startDate"]) == TODAY]
    assert [(r["seqNumber"], r["eventReason"]) for r in today] == [
        ("1", "DATACHG"),
        ("2", "POSTREDEP"),
    ]
    assert report["problems"] == []
    after_sync = expect(client.get("/officers/K301", headers=HR), 200)
    # Reading back what was written changes nothing: the officer is as the move left them.
    assert after_sync == after_move
    unchanged = {"name", "rank", "division", "supervisor_id", "appointed_on", "pdr_due_on"}
    assert {k: after_sync[k] for k in unchanged} == {k: before[k] for k in unchanged}
    assert after_sync["place_of_duty"] == "maidstone"


# -- learning -----------------------------------------------------------------------------

LD = bearer(Role.HEAD_OF_L_AND_D, subject="head-ld")


def _enrol(roi: LiveServer, officers: tuple[str, ...]) -> dict[str, dict[str, Any]]:
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
        return {
            officer_id: expect(
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
            for officer_id in officers
        }


def test_a_course_completed_in_learning_starts_the_roi_period_in_roi(
    client: TestClient, roi: LiveServer
) -> None:
    """K300 finished DET-1 on 30 October (Learning says COMPLETE); K301 has not."""
    enrolled = _enrol(roi, ("K300", "K301"))

    first = sync(client)
    second = sync(client)

    with httpx.Client(base_url=roi.url) as r:
        k300 = expect(r.get(f"/commitments/{enrolled['K300']['id']}", headers=LD), 200)
        k301 = expect(r.get(f"/commitments/{enrolled['K301']['id']}", headers=LD), 200)
    assert (first["completions_recorded"], second["completions_recorded"]) == (1, 0)
    assert outcomes(first)["learning"] == "succeeded"
    assert (k300["state"], k300["completed_on"]) == ("completed", "2026-10-30")
    assert k301["state"] == "enrolled"


def test_learning_refusing_our_token_fails_learning_alone(
    postings_settings: PostingsSettings, roi: LiveServer, sim: Simulated
) -> None:
    _enrol(roi, ("K300",))
    settings = settings_for(
        postings_settings, roi, sim, hr_learning_client_secret=SecretStr("not-the-secret")
    )
    with TestClient(create_app(settings, clock=FixedClock(NOW))) as client:
        register_locations(client)
        report = sync(client)

    assert outcomes(report) == {
        "officers": "succeeded",
        "jobs": "succeeded",
        "pdrs": "succeeded",
        "learning": "failed",
    }
    assert "403" in report["parts"]["learning"]["problem"]
    assert report["events_written"] > 0


# -- Intelligent Services -----------------------------------------------------------------

#: The Intelligent Services event as the flow in docs/hr-system.md is configured to send
#: it: ``userId`` associated with the event's User ID, ``eventType`` a default value, and
#: other fields a flow may carry (an effective date, the person id), which are ignored.
FLOW_FIELDS = (
    ConfiguredField("userId", associated="userId"),
    ConfiguredField("eventType", default="Change in Job Information"),
    ConfiguredField("effectiveStartDate", associated="effectiveStartDate"),
    ConfiguredField("personIdExternal", associated="personIdExternal"),
)
PUBLISHED = {
    "userId": "K301",
    "personIdExternal": "K301",
    "effectiveStartDate": "/Date(1795219200000)/",
}


class ReSigned(httpx.Auth):
    """The project's helpers send development tokens; here the force's provider issues
    every token, with the same claims."""

    def __init__(self, provider: IdentityProvider) -> None:
        self.provider = provider

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme == "Bearer":
            claims = jwt.decode(token, options={"verify_signature": False})
            subject = claims.pop("sub")
            for registered in ("iss", "aud", "iat", "exp", "nbf", "jti"):
                claims.pop(registered, None)
            request.headers["authorization"] = f"Bearer {self.provider.mint(subject, **claims)}"
        yield request


def test_an_integration_center_flow_re_reads_its_officer_with_a_token_from_the_force(
    postings_settings: PostingsSettings, roi: LiveServer, sim: Simulated, clock: FixedClock
) -> None:
    """Point 7 of issue 16: the flow as SAP documents it (tests/sfsim/integration_center.py)
    fetches a client-credentials token from the force's identity provider and sends one
    flat JSON object per event; postings, verifying RS256 tokens against that provider's
    key set, re-reads the officer. A flow whose client is not the integration is refused."""
    provider = IdentityProvider()
    flow_secret = provider.register("sf-intelligent-services", role="integration")
    other_secret = provider.register("sf-other-flow", role="hr_resource_planning")
    with RunningProvider(provider) as idp:
        settings = settings_for(
            postings_settings, roi, sim, jwt_algorithm="RS256", jwks_url=idp.jwks_url
        )
        with (
            LiveServer(create_app(settings, clock=clock)) as postings,
            httpx.Client(base_url=postings.url, auth=ReSigned(provider)) as http,
        ):
            register_locations(http)
            expect(http.post("/hr-system/sync", headers=INTEGRATION), 200)
            sim.tenant.change("User", {"userId": "K301"}, {"lastName": "Chen-Whitfield"})

            def integration(client_id: str, secret: str) -> IntelligentServicesIntegration:
                return IntelligentServicesIntegration(
                    name="Postings: job information changed",
                    event="Change in Job Information",
                    rest_api_url=f"{postings.url}/hr-system/events",
                    oauth=OutboundOAuthConfiguration(
                        "Postings", client_id, secret, token_url=idp.token_url
                    ),
                    fields=FLOW_FIELDS,
                )

            refused = integration("sf-other-flow", other_secret).publish(PUBLISHED)
            assert refused.status_code == 403
            assert expect(http.get("/officers/K301", headers=HR), 200)["name"] == "Alex Chen"

            flow = integration("sf-intelligent-services", flow_secret)
            assert flow.body(PUBLISHED) == {
                "userId": "K301",
                "eventType": "Change in Job Information",
                "effectiveStartDate": "/Date(1795219200000)/",
                "personIdExternal": "K301",
            }
            report = expect(flow.publish(PUBLISHED), 202)

            assert (report["officers_read"], report["events_written"]) == (1, 1)
            assert report["problems"] == []
            officer = expect(http.get("/officers/K301", headers=HR), 200)
            assert officer["name"] == "Alex Chen-Whitfield"
    assert provider.token_requests == [
        {"client_id": "sf-other-flow", "auth": "basic"},
        {"client_id": "sf-intelligent-services", "auth": "basic"},
    ]


def test_a_callback_needs_the_integration_s_token_and_names_one_officer(
    client: TestClient, sim: Simulated
) -> None:
    body = {"userId": "K301", "eventType": "Change in Job Information"}

    without_token = client.post("/hr-system/events", json=body)
    other_role = client.post("/hr-system/events", json=body, headers=HR)
    a_list = client.post("/hr-system/events", json=[body], headers=INTEGRATION)
    no_user = client.post("/hr-system/events", json={"eventType": "x"}, headers=INTEGRATION)

    assert without_token.status_code == 401
    assert without_token.headers["content-type"].startswith("application/problem+json")
    assert other_role.status_code == 403
    assert (a_list.status_code, no_user.status_code) == (422, 422)
    assert "userId" in no_user.text


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b'{"userId": ""}', 422),
        (b'{"userId": 5}', 422),
        (b'["K300"]', 422),
        # Not JSON at all: the request cannot be read (400), not a value refused (422).
        (b"[" * 10_000, 400),
        (b"\xff\xfe", 400),
    ],
    ids=["empty-id", "number-id", "a-list", "deep", "not-utf8"],
)
def test_a_hostile_callback_body_is_a_problem_and_reads_nothing(
    client: TestClient, sim: Simulated, body: bytes, status: int
) -> None:
    sim.tenant.requests.clear()
    json_body = {"content-type": "application/json"}

    anonymous = client.post("/hr-system/events", content=body, headers=json_body)
    refused = client.post("/hr-system/events", content=body, headers={**HR, **json_body})
    invalid = client.post("/hr-system/events", content=body, headers={**INTEGRATION, **json_body})

    # The role is checked before the body is looked at.
    assert (anonymous.status_code, refused.status_code, invalid.status_code) == (401, 403, status)
    for response in (anonymous, refused, invalid):
        assert response.headers["content-type"].startswith("application/problem+json")
    assert sim.tenant.requests == []
