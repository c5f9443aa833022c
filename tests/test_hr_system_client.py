"""Contract tests: the real OData v2 client against the SuccessFactors simulator over HTTP,
the simulator answering as SAP documents (issue 16): SAML bearer tokens and their expiry,
Basic only where enabled, ``$metadata`` and unknown properties, both date-literal forms in
a data centre behind UTC, the active-only default for User, snapshot paging, throttling,
effective dating with NO_MANAGER, upsert results per record and request-level 400s, and
Learning's own API and token."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import httpx
import pytest

from services.postings.hr_system.auth import BasicCredentials, SamlBearerCredentials
from services.postings.hr_system.empjob import empjob_record
from services.postings.hr_system.learning import LEARNING_HISTORY
from services.postings.hr_system.mapping import current_job, officer_record, pdr_cycle
from services.postings.hr_system.odata import (
    OPEN_END,
    ODataClient,
    ODataError,
    format_date,
    format_filter_datetime,
    parse_date,
    parse_datetime,
)
from services.postings.hr_system.outbox import _Outcomes
from services.postings.hr_system.outbox import _send as send_batch
from shared.errors import Unavailable
from shared.settings import PostingsSettings
from tests.sfsim.harness import BASIC, Simulated, key_pair, simulated
from tests.sfsim.oauth import SAML2_BEARER
from tests.sfsim.store import odata_date
from tests.support.live import free_port

TODAY = date(2026, 11, 22)


@pytest.fixture
def sim() -> Iterator[Simulated]:
    with simulated(TODAY, basic=True) as sim:
        yield sim


def client(sim: Simulated, credentials: object = None) -> ODataClient:
    return ODataClient(
        sim.url,
        credentials=credentials or sim.saml(),  # type: ignore[arg-type]
        sleep=lambda _: None,
    )


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


# -- authentication -------------------------------------------------------------------------


def test_a_signed_saml_assertion_buys_one_token_for_many_calls(sim: Simulated) -> None:
    credentials = sim.saml()
    with client(sim, credentials) as odata:
        users = list(odata.read("User", select=["userId"], page_size=1))
    assert sorted(u["userId"] for u in users) == ["K300", "K301", "S2"]
    assert credentials.token.fetched == 1
    assert sim.authority.tokens_issued == 1


def test_an_assertion_signed_with_another_key_is_refused(sim: Simulated) -> None:
    other = key_pair.__wrapped__()[0]  # a fresh key the tenant has never seen
    credentials = SamlBearerCredentials(
        sim.url,
        company_id="KENTPOLICE",
        api_key="officer-postings",
        user_id="sfapi",
        private_key_pem=other,
    )
    with client(sim, credentials) as odata, pytest.raises(ODataError) as refused:
        list(odata.read("User"))
    assert refused.value.status == 401
    assert "signature does not verify" in str(refused.value)
    # Nor is a token endpoint call without the saml2-bearer grant.
    plain = httpx.post(
        f"{sim.url}/oauth/token",
        data={
            "client_id": "officer-postings",
            "company_id": "KENTPOLICE",
            "grant_type": "password",
        },
    )
    assert plain.status_code == 400
    assert SAML2_BEARER not in plain.text


def test_an_expired_token_is_refused_and_the_client_authenticates_once_more(
    sim: Simulated,
) -> None:
    credentials = sim.saml()
    with client(sim, credentials) as odata:
        list(odata.read("User"))
        sim.authority.expire_all()
        stale = httpx.get(
            f"{sim.url}/odata/v2/User",
            headers={"Authorization": credentials.authorization(httpx.Client())},
        )
        assert stale.status_code == 401
        assert "[LGN0022]" in stale.text
        assert len(list(odata.read("User"))) == 3
    assert credentials.token.fetched == 2


def test_a_token_is_renewed_before_it_expires(sim: Simulated) -> None:
    moment = [datetime.now(tz=UTC)]
    credentials = sim.saml(now=lambda: moment[0])
    with client(sim, credentials) as odata:
        list(odata.read("User"))
        # 24-hour tokens, renewed 10 minutes early: 5 minutes before expiry, a new one.
        moment[0] += timedelta(hours=23, minutes=55)
        sim.clock.offset = timedelta(hours=23, minutes=55)
        list(odata.read("User"))
    assert credentials.token.fetched == 2
    assert sim.authority.tokens_issued == 2


def test_a_401_after_a_fresh_token_is_an_error_not_a_loop(sim: Simulated) -> None:
    credentials = sim.saml()
    with client(sim, credentials) as odata:
        list(odata.read("User"))
        sim.authority.clients.clear()  # the OAuth client was deleted in the tenant
        sim.authority.expire_all()
        with pytest.raises(ODataError) as refused:
            list(odata.read("User"))
    assert refused.value.status == 401
    assert credentials.token.fetched == 1


def test_basic_is_answered_only_where_the_tenant_still_enables_it(sim: Simulated) -> None:
    with client(sim, BasicCredentials(*BASIC)) as odata:
        assert len(list(odata.read("User"))) == 3
    with (
        simulated(TODAY) as strict,
        client(strict, BasicCredentials(*BASIC)) as odata,
        pytest.raises(ODataError) as refused,
    ):
        list(odata.read("User"))
    assert refused.value.status == 401


# -- reads ------------------------------------------------------------------------------------


def test_a_multi_page_read_follows_next_to_the_end_at_most_1000_a_page(sim: Simulated) -> None:
    with client(sim) as odata:
        users = list(odata.read("User", select=["userId"], page_size=1))
        with pytest.raises(ODataError) as refused:
            list(odata.read("User", page_size=1001))
    assert sorted(u["userId"] for u in users) == ["K300", "K301", "S2"]
    assert all(set(u) == {"userId", "__metadata"} for u in users)
    assert refused.value.status == 400


def test_a_429_is_retried_after_the_time_it_asks_for(sim: Simulated) -> None:
    sim.tenant.faults.throttle, sim.tenant.faults.retry_after = 1, "7"
    with client(sim) as odata:
        users = list(odata.read("User"))
        assert odata.waits == [7.0]
    assert len(users) == 3


def test_server_errors_are_retried_then_reported_as_unavailable(sim: Simulated) -> None:
    sim.tenant.faults.errors = 2
    with client(sim) as odata:
        assert len(list(odata.read("User"))) == 3
        assert len(odata.waits) == 2
        sim.tenant.faults.errors = 10
        with pytest.raises(Unavailable):
            list(odata.read("User"))


def test_a_tenant_that_cannot_be_reached_is_unavailable() -> None:
    nowhere = ODataClient(
        f"http://127.0.0.1:{free_port()}",
        credentials=BasicCredentials(*BASIC),
        sleep=lambda _: None,
    )
    with nowhere, pytest.raises(Unavailable):
        list(nowhere.read("User"))


def test_a_redirect_to_a_login_page_is_a_refusal_that_says_where_it_led() -> None:
    login = httpx.MockTransport(
        lambda request: httpx.Response(
            302, headers={"Location": "https://sso.invalid/login"}, text="<html>Sign in</html>"
        )
    )
    odata = ODataClient(
        "https://tenant.invalid",
        credentials=BasicCredentials("sfapi@KENT", "pw"),
        transport=login,
        sleep=lambda _: None,
    )
    with odata:
        with pytest.raises(ODataError) as read:
            list(odata.read("User"))
        with pytest.raises(ODataError) as described:
            odata.properties("User")

    for refused in (read.value, described.value):
        assert (refused.status, refused.code) == (302, "REDIRECTED")
        assert "https://sso.invalid/login" in refused.message


@pytest.mark.parametrize("status", [429, 503])
def test_a_token_endpoint_that_is_busy_or_down_is_unavailable_not_a_refusal(status: int) -> None:
    def tenant(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(status, text="try later")
        return httpx.Response(200, json={"d": {"results": []}})

    credentials = SamlBearerCredentials(
        "https://tenant.invalid",
        company_id="KENT",
        api_key="key",
        user_id="sfapi",
        private_key_pem=key_pair()[0],
    )
    odata = ODataClient(
        "https://tenant.invalid",
        credentials=credentials,
        transport=httpx.MockTransport(tenant),
        sleep=lambda _: None,
    )
    with odata, pytest.raises(Unavailable) as busy:
        list(odata.read("User"))
    assert str(status) in str(busy.value)


def test_a_token_refused_at_upsert_fails_the_batch_with_one_request_for_a_token() -> None:
    token_requests: list[str] = []

    def tenant(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            token_requests.append(request.url.path)
            if len(token_requests) == 1:
                return httpx.Response(200, json={"access_token": "t", "expires_in": 86400})
            return httpx.Response(400, json={"error": "invalid_grant"})
        # The token is revoked once the batch is ready to send.
        return httpx.Response(401, json={"error": {"code": "X", "message": {"value": "no"}}})

    credentials = SamlBearerCredentials(
        "https://tenant.invalid",
        company_id="KENT",
        api_key="key",
        user_id="sfapi",
        private_key_pem=key_pair()[0],
    )
    rows = [SimpleNamespace(posting_id=f"p{n}") for n in range(8)]
    out = _Outcomes()
    with ODataClient(
        "https://tenant.invalid",
        credentials=credentials,
        transport=httpx.MockTransport(tenant),
        sleep=lambda _: None,
    ) as odata:
        send_batch(odata, rows, {row.posting_id: {"userId": "K1"} for row in rows}, out)

    assert {state for state, _ in out.by_posting.values()} == {"failed"}
    assert len(out.by_posting) == len(rows)
    assert len(token_requests) == 2


def test_metadata_names_each_property_and_an_unknown_one_is_a_400(sim: Simulated) -> None:
    stamp = f"lastModifiedDateTime gt {format_filter_datetime(datetime.now(tz=UTC))}"
    with client(sim) as odata:
        form = odata.properties("FormHeader")
        assert "formLastModifiedDate" in form
        assert "lastModifiedDateTime" not in form
        with pytest.raises(ODataError) as unknown:
            list(odata.read("FormHeader", filter=stamp))
        with pytest.raises(ODataError) as unparsable:
            list(odata.read("User", filter="userId like 'K%'"))
    assert (unknown.value.status, unknown.value.code) == (400, "COE_PROPERTY_NOT_FOUND")
    assert unparsable.value.status == 400


def test_an_unknown_property_is_coe_property_not_found(sim: Simulated) -> None:
    with client(sim) as odata, pytest.raises(ODataError) as refused:
        list(odata.read("User", select=["userId", "nickname"]))
    assert refused.value.code == "COE_PROPERTY_NOT_FOUND"


def test_orderby_and_expand_name_only_what_metadata_has_and_order_is_kept(
    sim: Simulated,
) -> None:
    token = sim.saml().authorization(httpx.Client())

    def get(path: str, **params: str) -> httpx.Response:
        return httpx.get(
            f"{sim.url}/odata/v2/{path}",
            params={"$format": "json", **params},
            headers={"Authorization": token},
        )

    by_name = get(
        "User",
        **{"$orderby": "lastName desc,userId", "$filter": "status in 't','f'"},
        customPageSize="1000",
    )
    unknown_order = get("User", **{"$orderby": "nickname asc"})
    unknown_expand = get("User", **{"$expand": "nickname"})
    unknown_entity = get("Nobody", **{"$select": "userId"})

    names = [u["lastName"] for u in by_name.json()["d"]["results"]]
    assert by_name.status_code == 200
    stored = [u["lastName"] for u in sim.tenant.records["User"] if u["status"] in ("t", "f")]
    assert names == sorted(stored, reverse=True)
    assert names != stored
    for refused in (unknown_order, unknown_expand):
        assert refused.status_code == 400
        assert refused.json()["error"]["code"] == "COE_PROPERTY_NOT_FOUND"
    assert unknown_entity.status_code == 404
    assert unknown_entity.json()["error"]["code"] == "COE_ENTITY_NOT_FOUND"


def test_a_datetime_literal_is_read_in_the_data_centre_s_time_and_datetimeoffset_is_not(
    sim: Simulated,
) -> None:
    """The data centre is five hours behind UTC: UTC sent as ``datetime'…'`` is read five
    hours later than meant, and a change an hour ago is missed (KBA 2933028)."""
    changed_at = datetime.now(tz=UTC).replace(microsecond=0)
    sim.tenant.change("User", {"userId": "K301"}, {"lastName": "Chen-Whitfield"})
    since = changed_at - timedelta(hours=1)
    naive = "datetime'" + since.strftime("%Y-%m-%dT%H:%M:%S") + "'"
    with client(sim) as odata:
        missed = list(odata.read("User", filter=f"lastModifiedDateTime gt {naive}"))
        found = list(
            odata.read("User", filter=f"lastModifiedDateTime gt {format_filter_datetime(since)}")
        )
    assert missed == []
    assert [u["userId"] for u in found] == ["K301"]


def test_a_user_query_returns_active_users_unless_it_names_status(sim: Simulated) -> None:
    with client(sim) as odata:
        default = {u["userId"] for u in odata.read("User")}
        every = {u["userId"] for u in odata.read("User", filter="status in 't','f'")}
    assert "K302" not in default
    assert every == default | {"K302"}


def test_of_three_effective_dated_rows_only_the_one_in_force_is_current(sim: Simulated) -> None:
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
    assert (current["jobCode"], current["seqNumber"], current["managerId"]) == (
        "PS",
        "1",
        "NO_MANAGER",
    )
    assert [row["jobCode"] for row in today_only] == ["PS"]
    record = officer_record(user, current, PostingsSettings().hr_job_ranks)
    assert (record.rank, record.division, record.place_of_duty) == (
        "sergeant",
        "north",
        "maidstone",
    )
    # NO_MANAGER is the absence of a manager, not a manager's id (KBA 2203342).
    assert record.supervisor_id is None
    later = current_job(history, date(2027, 4, 1))
    assert later is not None
    assert later["jobCode"] == "INSP"


def test_a_pdr_is_the_review_due_latest_completed_when_in_the_completed_folder(
    sim: Simulated,
) -> None:
    with client(sim) as odata:
        k300 = list(odata.read("FormHeader", filter="formSubjectId eq 'K300'"))
        k301 = list(odata.read("FormHeader", filter="formSubjectId eq 'K301'"))
    assert pdr_cycle(k300) == (date(2026, 12, 15), None)
    assert pdr_cycle(k301) == (date(2026, 6, 30), date(2026, 6, 20))


# -- upserts ----------------------------------------------------------------------------------


def _slice(sim: Simulated, user_id: str, **changes: str) -> dict[str, object]:
    history = sim.tenant.history(user_id)
    record = {k: v for k, v in history[-1].items() if k not in {"endDate", "lastModifiedDateTime"}}
    return {
        **record,
        "__metadata": {"uri": "EmpJob"},
        "startDate": format_date(date(2027, 1, 11)),
        "seqNumber": "1",
        **changes,
    }


def test_an_upsert_answers_200_with_a_status_per_record(sim: Simulated) -> None:
    sim.tenant.faults.failing_upserts["K300"] = 1
    partial = {
        "__metadata": {"uri": "EmpJob"},
        "userId": "K301",
        "startDate": format_date(date(2027, 1, 11)),
        "seqNumber": "1",
        "eventReason": "POSTCOMP",
        "location": "TONBRIDGE",
    }
    with client(sim) as odata:
        results = odata.upsert(
            [
                _slice(sim, "K300", location="TONBRIDGE"),
                _slice(sim, "K301", location="MAIDSTONE", eventReason="POSTREDEP"),
                {**_slice(sim, "K301"), "userId": "X"},
                {**partial, "startDate": format_date(date(2027, 2, 1))},
            ]
        )
    # Business refusals are ERROR with httpCode 500 inside the 200 (KBA 2942505, 2481513).
    assert [(r["index"], r["status"], r["httpCode"]) for r in results] == [
        (0, "ERROR", 500),
        (1, "OK", 200),
        (2, "ERROR", 500),
        (3, "ERROR", 500),
    ]
    assert "company, department, jobCode, managerId are missing" in results[3]["message"]
    k301 = sim.tenant.history("K301")
    assert [parse_date(r["startDate"]) for r in k301] == [date(2020, 1, 6), date(2027, 1, 11)]
    # The row before the new one now ends the day before it starts; the new one reads back.
    assert parse_date(k301[0]["endDate"]) == date(2027, 1, 10)
    assert (k301[1]["jobCode"], k301[1]["location"], k301[1]["managerId"]) == (
        "PC",
        "MAIDSTONE",
        "S2",
    )


def test_an_unreadable_record_is_a_400_for_the_whole_request_and_nothing_is_written(
    sim: Simulated,
) -> None:
    with client(sim) as odata:
        with pytest.raises(ODataError) as refused:
            odata.upsert([_slice(sim, "K301"), {**_slice(sim, "K300"), "nickname": "Jo"}])
        assert refused.value.status == 400
        with pytest.raises(ODataError):
            odata.upsert([{**_slice(sim, "K301"), "startDate": "2027-01-11"}])
    assert sim.tenant.upserts_received == 0


def test_seq_number_is_part_of_the_key(sim: Simulated) -> None:
    """Same day, sequence 2: a second row beside HR's own, not over it (KBA 2701624)."""
    with client(sim) as odata:
        odata.upsert([_slice(sim, "K301", eventReason="DATACHG")])
        odata.upsert([_slice(sim, "K301", seqNumber="2", location="MAIDSTONE")])
        history = list(
            odata.read(
                "EmpJob",
                filter="userId eq 'K301'",
                from_date=date(1900, 1, 1),
                to_date=date(9999, 12, 31),
            )
        )
    same_day = [r for r in history if parse_date(r["startDate"]) == date(2027, 1, 11)]
    assert sorted((r["seqNumber"], r["location"]) for r in same_day) == [
        ("1", "TONBRIDGE"),
        ("2", "MAIDSTONE"),
    ]
    assert current_job(history, date(2027, 1, 11))["location"] == "MAIDSTONE"  # type: ignore[index]


def test_a_slice_built_from_the_row_in_force_is_complete(sim: Simulated) -> None:
    class Row:
        officer_id, moved_on, kind = "K301", date(2027, 1, 11), "redeployment"
        to_location, division = "maidstone", "north"

    history = sim.tenant.history("K301")
    record = empjob_record(
        Row(),
        history,
        1,
        PostingsSettings().hr_event_reasons,
        None,
        {"maidstone": "MAIDSTONE", "north": "NORTH"},
    )
    with client(sim) as odata:
        (result,) = odata.upsert([record])
    assert result["status"] == "OK"
    assert sim.tenant.history("K301")[-1]["location"] == "MAIDSTONE"
    assert odata_date(date(2027, 1, 11)) == record["startDate"]


# -- Learning ---------------------------------------------------------------------------------


def test_learning_is_read_through_its_own_api_and_token(sim: Simulated) -> None:
    learning = sim.learning()
    with ODataClient(sim.url, credentials=learning, sleep=lambda _: None) as lms:
        history = list(lms.read_v4(LEARNING_HISTORY, filter="criteria/targetUserID eq 'K300'"))
        # The filter is mandatory, must name the learner with an admin token, and is eq only.
        for bad in (None, "criteria/maxNumberToRetrieve eq 10", "studentID eq 'K300'"):
            with pytest.raises(ODataError) as refused:
                list(lms.read_v4(LEARNING_HISTORY, filter=bad))
            assert refused.value.status == 400
    assert [(h["componentID"], h["completionStatusID"]) for h in history] == [("DET-1", "COMPLETE")]
    assert learning.token.fetched == 1
    # The platform's token is not Learning's, nor Learning's the platform's.
    with ODataClient(sim.url, credentials=sim.saml(), sleep=lambda _: None) as platform:
        with pytest.raises(ODataError) as refused:
            list(platform.read_v4(LEARNING_HISTORY, filter="criteria/targetUserID eq 'K300'"))
        assert refused.value.status == 401
    with ODataClient(sim.url, credentials=learning, sleep=lambda _: None) as lms:
        with pytest.raises(ODataError) as refused:
            list(lms.read("User"))
        assert refused.value.status == 401


def test_snapshot_paging_serves_the_result_as_it_was_at_the_first_page(sim: Simulated) -> None:
    """A User saved between pages neither appears in that read nor shifts a record into a
    page already served."""
    with client(sim) as odata:
        pages = odata.read("User", select=["userId"], page_size=1)
        first = next(pages)
        sim.tenant.change("User", {"userId": "A1"}, {"status": "t", "firstName": "Ann"})
        rest = list(pages)
        again = {u["userId"] for u in odata.read("User", select=["userId"], page_size=1)}
    read = [first["userId"], *(u["userId"] for u in rest)]
    assert sorted(read) == ["K300", "K301", "S2"]
    assert again == {"A1", "K300", "K301", "S2"}
