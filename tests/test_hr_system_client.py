"""Contract tests: the real OData v2 client against the SuccessFactors simulator over HTTP
(multi-page reads, throttling, authentication, filters, effective dating, upsert results)
and the date forms SuccessFactors sends."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import httpx
import pytest

from services.postings.hr_system.mapping import current_job, officer_record, pdr_cycle
from services.postings.hr_system.odata import (
    OPEN_END,
    ODataClient,
    ODataError,
    format_date,
    parse_date,
    parse_datetime,
)
from shared.errors import Unavailable
from shared.settings import PostingsSettings
from tests.sfsim.app import create_simulator
from tests.sfsim.store import Tenant
from tests.support.live import LiveServer

TODAY = date(2026, 11, 22)
BASIC = ("basic", "sfapi@KENTPOLICE", "sim-password")


@pytest.fixture
def tenant() -> Tenant:
    tenant = Tenant(today=TODAY)
    tenant.load("kent")
    return tenant


@pytest.fixture
def sim(tenant: Tenant) -> Iterator[LiveServer]:
    with LiveServer(create_simulator(tenant, page_size=2)) as server:
        yield server


def client(sim: LiveServer, auth: tuple[str, ...] = BASIC) -> ODataClient:
    return ODataClient(sim.url, auth=auth, sleep=lambda _: None)


@pytest.mark.parametrize(
    ("sent", "meant"),
    [
        ("/Date(0)/", datetime(1970, 1, 1, tzinfo=UTC)),
        ("/Date(-86400000)/", datetime(1969, 12, 31, tzinfo=UTC)),
        ("/Date(1578268800000+0000)/", datetime(2020, 1, 6, tzinfo=UTC)),
        ("/Date(1793523600000)/", datetime(2026, 11, 1, 9, 0, tzinfo=UTC)),
        ("/Date(253402214400000)/", datetime(9999, 12, 31, tzinfo=UTC)),
    ],
)
def test_odata_dates_are_read_as_sent(sent: str, meant: datetime) -> None:
    assert parse_datetime(sent) == meant


def test_the_open_end_and_payload_dates_round_trip() -> None:
    assert parse_date("/Date(253402214400000)/") == OPEN_END
    assert parse_date(format_date(date(2027, 1, 11))) == date(2027, 1, 11)
    assert format_date(date(1969, 12, 31)) == "/Date(-86400000)/"
    with pytest.raises(ValueError, match="not an OData date"):
        parse_date("2026-11-22")


def test_a_multi_page_read_follows_next_to_the_end(sim: LiveServer) -> None:
    with client(sim) as odata:
        users = list(odata.read("User", select=["userId"], page_size=1))
    assert sorted(u["userId"] for u in users) == ["K300", "K301", "S2"]
    assert all(set(u) == {"userId", "__metadata"} for u in users)


def test_a_429_is_retried_after_the_time_it_asks_for(sim: LiveServer, tenant: Tenant) -> None:
    tenant.faults.throttle, tenant.faults.retry_after = 1, "7"
    with client(sim) as odata:
        users = list(odata.read("User"))
        assert odata.waits == [7.0]
    assert len(users) == 3


def test_server_errors_are_retried_then_reported_as_unavailable(
    sim: LiveServer, tenant: Tenant
) -> None:
    tenant.faults.errors = 2
    with client(sim) as odata:
        assert len(list(odata.read("User"))) == 3
        assert len(odata.waits) == 2
        tenant.faults.errors = 10
        with pytest.raises(Unavailable):
            list(odata.read("User"))


def test_bad_credentials_and_bad_filters_are_errors_not_retries(sim: LiveServer) -> None:
    with (
        client(sim, ("basic", "sfapi@KENTPOLICE", "wrong")) as odata,
        pytest.raises(ODataError) as refused,
    ):
        list(odata.read("User"))
    assert refused.value.status == 401
    with client(sim, ("bearer", "sim-token")) as odata:
        assert len(list(odata.read("User", filter="userId eq 'K300'"))) == 1
        with pytest.raises(ODataError) as bad:
            list(odata.read("User", filter="userId like 'K%'"))
    assert bad.value.status == 400


def test_of_three_effective_dated_rows_only_the_one_in_force_is_current(sim: LiveServer) -> None:
    with client(sim) as odata:
        history = list(
            odata.read(
                "EmpJob",
                filter="userId eq 'S2'",
                from_date=date(1900, 1, 1),
                to_date=date(9999, 12, 31),
            )
        )
        today_only = list(odata.read("EmpJob", filter="userId eq 'S2'"))
        (user,) = odata.read("User", filter="userId eq 'S2'")
    assert len(history) == 3
    current = current_job(history, TODAY)
    assert current is not None
    assert (current["jobCode"], current["seqNumber"]) == ("PS", "1")
    assert [row["jobCode"] for row in today_only] == ["PS"]
    record = officer_record(user, current, PostingsSettings().hr_job_ranks)
    assert (record.rank, record.division, record.place_of_duty) == (
        "sergeant",
        "north",
        "maidstone",
    )
    # The promotion that starts next April is current then, not now.
    later = current_job(history, date(2027, 4, 1))
    assert later is not None
    assert later["jobCode"] == "INSP"


def test_a_pdr_is_the_review_due_latest_completed_when_in_the_completed_folder(
    sim: LiveServer,
) -> None:
    with client(sim) as odata:
        k300 = list(odata.read("FormHeader", filter="formSubjectId eq 'K300'"))
        k301 = list(odata.read("FormHeader", filter="formSubjectId eq 'K301'"))
    assert pdr_cycle(k300) == (date(2026, 12, 15), None)
    assert pdr_cycle(k301) == (date(2026, 6, 30), date(2026, 6, 20))


def test_an_upsert_answers_200_with_a_status_per_record(sim: LiveServer, tenant: Tenant) -> None:
    tenant.faults.failing_upserts["K300"] = 1
    record = {
        "__metadata": {"uri": "EmpJob"},
        "startDate": format_date(date(2027, 1, 11)),
        "seqNumber": "1",
        "eventReason": "POSTCOMP",
        "location": "tonbridge",
        "department": "north",
    }
    with client(sim) as odata:
        results = odata.upsert(
            [{**record, "userId": "K300"}, {**record, "userId": "K301"}, {**record, "userId": "X"}]
        )
    assert [(r["index"], r["status"], r["httpCode"]) for r in results] == [
        (0, "ERROR", 500),
        (1, "OK", 200),
        (2, "ERROR", 400),
    ]
    k301 = httpx.get(f"{sim.url}/_sim/empjob/K301").json()
    assert [parse_date(r["startDate"]) for r in k301] == [date(2020, 1, 6), date(2027, 1, 11)]
    # The row before the new one now ends the day before it starts.
    assert parse_date(k301[0]["endDate"]) == date(2027, 1, 10)
    assert httpx.get(f"{sim.url}/_sim/empjob/K300").json()[-1]["jobCode"] == "PC"
