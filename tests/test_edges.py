"""The edge (shared.api.edge): what every endpoint refuses before FastAPI reads the request,
each with a problem naming what failed, and nothing stored. Hostile input as an outside
client would send it: NUL and lone surrogates in bodies, paths and queries; bodies nested
too deep, numbers too long, not JSON or not UTF-8; bodies larger than the limit, chunked
or not; tokens with claims of the wrong type or missing what their role needs; bodies sent
without a token or by a role that may not act."""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from fastapi.testclient import TestClient

from services.postings.clients.roi import RoiClient
from services.postings.main import create_app as create_postings
from shared.checkpoints import CheckpointStore
from shared.roles import Role
from shared.settings import PostingsSettings
from tests.force import officer
from tests.helpers import (
    HR,
    count_events,
    officer_body,
    redeployment_body,
    register_locations,
    register_officer,
)
from tests.support.live import LiveServer
from tests.support.tokens import bearer

JSON = {"Content-Type": "application/json"}
COMMANDER = bearer(Role.DIVISIONAL_COMMANDER, subject="cmdr-north", division="north")


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


def fields_of(body: dict[str, Any]) -> list[str]:
    return [e["field"] for e in body.get("errors", [])]


# -- text that cannot be stored ------------------------------------------------------------


def test_a_nul_in_a_body_field_is_a_422_naming_it_and_stores_nothing(
    postings_client: TestClient, postings_settings: PostingsSettings
) -> None:
    register_officer(postings_client)
    before = count_events(postings_settings.database_url)

    created = postings_client.post(
        "/officers", json=officer_body("K200", name="Al\0ex"), headers=HR
    )
    changed = postings_client.patch("/officers/K100", json={"home_town": "Dover\0"}, headers=HR)

    assert fields_of(problem(created, 422)) == ["body.name"]
    assert problem(created, 422)["errors"][0]["type"] == "unstorable_text"
    assert fields_of(problem(changed, 422)) == ["body.home_town"]
    assert count_events(postings_settings.database_url) == before


def test_a_lone_surrogate_in_a_body_is_a_422_naming_the_field(
    postings_client: TestClient,
) -> None:
    # Valid JSON that decodes to text no encoding can hold: json.dumps cannot even make it.
    body = b'{"officer_id": "K200", "name": "\\ud800", "rank": "constable"}'

    answer = postings_client.post("/officers", content=body, headers={**HR, **JSON})

    assert fields_of(problem(answer, 422)) == ["body.name"]


def test_a_nul_in_a_path_or_query_parameter_is_a_422_naming_it(
    postings_client: TestClient, postings_settings: PostingsSettings
) -> None:
    register_officer(postings_client)
    before = count_events(postings_settings.database_url)

    read = postings_client.get("/officers/K1%0000", headers=HR)
    command = postings_client.put(
        "/officers/K1%0000/pdr", json={"due_on": "2027-03-01"}, headers=HR
    )
    query = postings_client.get("/officers", params={"division": "north\0"}, headers=HR)

    assert fields_of(problem(read, 422)) == ["path.officer_id"]
    assert fields_of(problem(command, 422)) == ["path.officer_id"]
    assert fields_of(problem(query, 422)) == ["query.division"]
    assert count_events(postings_settings.database_url) == before


# -- bodies that cannot be parsed ----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "kind", "field"),
    [
        (b"[" * 10_000 + b"]" * 10_000, "too_deep", "body"),
        (
            b'{"officer_id": "K200", "name": {"a": ' + b"[" * 40 + b"]" * 40 + b"}}",
            "too_deep",
            "body.name.a",
        ),
        (
            b'{"officer_id": "K200", "home": {"lat": ' + b"9" * 5000 + b"}}",
            "number_out_of_range",
            "body.home.lat",
        ),
        (b'{"officer_id": "K200", "home": {"lat": 1e999}}', "number_out_of_range", "body.home.lat"),
        (b'{"officer_id": "K200", "home": {"lat": NaN}}', "number_out_of_range", "body.home.lat"),
        (b'{"officer_id": "K200",', "json_invalid", "body"),
        (b'{"officer_id": "K\xff200"}', "not_utf8", "body"),
    ],
    ids=["10000-deep", "deep-in-a-field", "5000-digits", "overflow", "nan", "truncated", "latin-1"],
)
def test_a_body_that_cannot_be_parsed_is_a_400_saying_what_failed_and_where(
    postings_client: TestClient, raw: bytes, kind: str, field: str
) -> None:
    answer = postings_client.post("/officers", content=raw, headers={**HR, **JSON})

    found = problem(answer, 400)
    assert found["type"] == "/problems/unparseable-body"
    assert [(e["type"], e["field"]) for e in found["errors"]] == [(kind, field)]


def test_the_parse_errors_and_the_body_limit_are_documented(
    postings_client: TestClient,
) -> None:
    spec = postings_client.get("/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if "requestBody" not in operation:
                continue
            for status in ("400", "413", "422"):
                documented = operation["responses"].get(status)
                assert documented, f"{method.upper()} {path} does not document {status}"
                assert "application/problem+json" in documented["content"]


# -- who calls, before anything is read ----------------------------------------------------


def test_no_token_is_a_401_before_the_body_is_read(postings_client: TestClient) -> None:
    for body in (b"{not json", b"[" * 10_000, b'{"officer_id": "\\u0000"}'):
        answer = postings_client.post("/officers", content=body, headers=JSON)
        assert problem(answer, 401)["type"] == "/problems/unauthenticated"


def test_a_role_that_may_not_act_is_a_403_before_the_body_is_read(
    postings_client: TestClient,
) -> None:
    answer = postings_client.post("/officers", content=b"{not json", headers={**COMMANDER, **JSON})

    assert problem(answer, 403)["allowed_roles"] == ["hr_resource_planning", "integration"]


def test_an_officer_naming_another_officer_is_a_403_before_the_body_is_read(
    postings_client: TestClient,
) -> None:
    register_officer(postings_client, "K101")

    answer = postings_client.post(
        "/officers/K101/restrictions", content=b"{not json", headers={**officer("K100"), **JSON}
    )
    read = postings_client.get("/officers/K101", headers=officer("K100"))

    assert problem(answer, 403)["detail"] == "an officer acts on their own records only"
    assert problem(read, 403)["detail"] == "an officer acts on their own records only"


def _token(**claims: Any) -> dict[str, str]:
    settings = PostingsSettings()
    now = int(time.time())
    base: dict[str, Any] = {
        "sub": "someone",
        "role": "hr_resource_planning",
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + 600,
    }
    base.update(claims)
    for name in [k for k, v in base.items() if v is None]:
        del base[name]
    token = jwt.encode(base, settings.jwt_secret.get_secret_value(), algorithm="HS256")
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": str(int(time.time()) + 3600)},
        {"exp": True},
        {"nbf": "0"},
        {"iat": "yesterday"},
        {"role": "slt"},
        {"role": "divisional_commander", "division": ""},
        {"role": "head_of_department", "division": 7},
        {"role": "officer"},
        {"role": "officer", "officer_id": "K1/../K2"},
        {"sub": "x" * 201},
        {"sub": "line\nbreak"},
        {"sub": "hr-eve\n"},
        {"role": "officer", "officer_id": "K100\n"},
        {"role": ["auditor"]},
    ],
    ids=[
        "exp-as-text",
        "exp-as-bool",
        "nbf-as-text",
        "iat-as-text",
        "slt-without-division",
        "commander-with-empty-division",
        "head-with-numeric-division",
        "officer-without-officer-id",
        "officer-id-not-an-identifier",
        "subject-too-long",
        "subject-with-control-character",
        "subject-ending-in-a-newline",
        "officer-id-ending-in-a-newline",
        "role-as-list",
    ],
)
def test_a_token_whose_claims_are_missing_or_mistyped_is_a_401(
    postings_client: TestClient, claims: dict[str, Any]
) -> None:
    register_officer(postings_client)

    answer = postings_client.get("/officers/K100", headers=_token(**claims))

    assert problem(answer, 401)["type"] == "/problems/unauthenticated"


def test_a_well_formed_token_of_each_kind_is_accepted(postings_client: TestClient) -> None:
    register_officer(postings_client)
    for claims in (
        {},
        {"role": "slt", "division": "north"},
        {"role": "officer", "officer_id": "K100", "sub": "K100"},
        {"exp": float(time.time() + 600)},
    ):
        assert postings_client.get("/officers/K100", headers=_token(**claims)).status_code == 200


# -- the body's size, on the stream ---------------------------------------------------------


@pytest.fixture
def small_limit_server(tmp_path: Path, sqlite_templates: dict[str, Path]) -> Iterator[str]:
    import shutil

    shutil.copy(sqlite_templates["postings"], tmp_path / "postings.sqlite3")
    settings = PostingsSettings(
        database_url=f"sqlite:///{tmp_path / 'postings.sqlite3'}",
        audit_dir=str(tmp_path / "audit"),
        max_body_bytes=64 * 1024,
    )
    with LiveServer(create_postings(settings)) as server:
        yield server.url


def test_a_chunked_body_larger_than_the_limit_is_a_413_without_reading_it_all(
    small_limit_server: str,
) -> None:
    """Sent chunk by chunk (no Content-Length) on a raw socket, up to 256 MB: the answer
    comes once the limit (64 KB) is passed, while the client is still sending. (The
    kernel's buffers take a few MB the server never reads; a server that read the whole
    body would answer only after the last chunk.)"""
    host, port = small_limit_server.removeprefix("http://").split(":")
    token = HR["Authorization"]
    head = (
        f"POST /officers HTTP/1.1\r\nHost: {host}\r\nAuthorization: {token}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode()
    total, size = 256 * 1024 * 1024, 16 * 1024
    chunk = f"{size:x}\r\n".encode() + b"x" * size + b"\r\n"
    sent, answer = 0, b""
    with socket.create_connection((host, int(port)), timeout=60) as conn:
        opening = b'{"officer_id": "K200", "name": "'
        conn.sendall(head + f"{len(opening):x}\r\n".encode() + opening + b"\r\n")
        conn.setblocking(False)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and sent < total:
            readable, writable, _ = select.select([conn], [conn], [], 1)
            if readable:
                answer = _read_response(conn, deadline)
                break
            if writable:
                try:
                    conn.send(chunk)
                    sent += size
                except BlockingIOError:
                    continue
                except OSError:
                    answer = _read_response(conn, deadline)
                    break
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line.startswith(b"HTTP/1.1 413"), answer[:300]
    assert b"/problems/body-too-large" in rest
    assert sent < total // 4, f"{sent} bytes were sent before the answer"


def _read_response(conn: socket.socket, deadline: float) -> bytes:
    conn.setblocking(True)
    conn.settimeout(max(1.0, deadline - time.monotonic()))
    received = b""
    while b"/problems/" not in received:
        try:
            data = conn.recv(65536)
        except OSError:
            break
        if not data:
            break
        received += data
    return received


def test_a_body_declared_larger_than_the_limit_is_a_413_at_once(small_limit_server: str) -> None:
    with httpx.Client(base_url=small_limit_server, timeout=60) as http:
        answer = http.post(
            "/officers", content=b"{" + b" " * (128 * 1024) + b"}", headers={**HR, **JSON}
        )
    assert problem(answer, 413)["type"] == "/problems/body-too-large"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_a_chunked_body_of_another_type_larger_than_the_limit_is_a_413(
    small_limit_server: str, content_type: str
) -> None:
    """The limit is the body's, whatever it claims to be: not parsed, but counted."""

    def chunks() -> Iterator[bytes]:
        for _ in range(8):
            yield b"x" * (16 * 1024)

    with httpx.Client(base_url=small_limit_server, timeout=60) as http:
        answer = http.post(
            "/officers", content=chunks(), headers={**HR, "Content-Type": content_type}
        )
    assert problem(answer, 413)["type"] == "/problems/body-too-large"


def test_a_chunked_body_within_the_limit_is_read(small_limit_server: str) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"code": "dover", "name": "Dover police station",'
        yield b' "division": "east", "town": "Dover", "lat": 51.1, "lon": 1.3}'

    with httpx.Client(base_url=small_limit_server, timeout=60) as http:
        answer = http.post("/locations", content=chunks(), headers={**HR, **JSON})
    assert answer.status_code == 201, answer.text


# -- a peer's answer keeps its meaning ------------------------------------------------------


def _postings_asking(roi_answer: httpx.Response, settings: PostingsSettings) -> TestClient:
    transport = httpx.MockTransport(lambda request: roi_answer)
    roi = RoiClient(httpx.Client(base_url="http://roi", transport=transport), lambda: "token")
    return TestClient(create_postings(settings, roi=roi))


def test_a_peers_refusal_of_the_callers_input_is_the_callers_4xx_with_the_peers_problem(
    postings_settings: PostingsSettings,
) -> None:
    refusal = {
        "type": "/problems/invalid-request",
        "title": "Unprocessable Content",
        "status": 422,
        "detail": "the request is not valid: query.on",
    }
    answer = httpx.Response(422, json=refusal, headers={"Content-Type": "application/problem+json"})
    with _postings_asking(answer, postings_settings) as client:
        register_officer(client)
        before = count_events(postings_settings.database_url)
        decided = client.post(
            "/postings/redeployments", json=redeployment_body(), headers=COMMANDER
        )

    found = problem(decided, 422)
    assert found["service"] == "roi"
    assert found["peer_problem"] == refusal
    assert count_events(postings_settings.database_url) == before


@pytest.mark.parametrize("status", [401, 403, 429, 500, 502])
def test_a_peer_that_refuses_us_or_fails_is_a_503(
    postings_settings: PostingsSettings, status: int
) -> None:
    with _postings_asking(
        httpx.Response(status, json={"status": status}), postings_settings
    ) as client:
        register_officer(client)
        decided = client.post(
            "/postings/redeployments", json=redeployment_body(), headers=COMMANDER
        )

    assert problem(decided, 503)["service"] == "roi"


def test_a_4xx_that_is_not_the_peers_problem_is_a_503(postings_settings: PostingsSettings) -> None:
    """An HTML 404 is what a wrong address or a proxy answers, not the peer judging our
    caller's input: it is our fault, and the caller is told to retry."""
    page = httpx.Response(404, text="<html>nope</html>", headers={"Content-Type": "text/html"})
    with _postings_asking(page, postings_settings) as client:
        register_officer(client)
        decided = client.post(
            "/postings/redeployments", json=redeployment_body(), headers=COMMANDER
        )

    assert problem(decided, 503)["service"] == "roi"


def test_a_peers_problem_is_passed_on_trimmed_and_storable(
    postings_settings: PostingsSettings,
) -> None:
    refusal = {
        "type": "/problems/invalid-request",
        "title": "Unprocessable Content",
        "status": 422,
        "detail": "bad\u0000" + "x" * 100_000,
        "errors": [{"field": f"f{n}"} for n in range(500)],
        "internal": "not for our caller",
    }
    answer = httpx.Response(422, json=refusal, headers={"Content-Type": "application/problem+json"})
    with _postings_asking(answer, postings_settings) as client:
        register_officer(client)
        decided = client.post(
            "/postings/redeployments", json=redeployment_body(), headers=COMMANDER
        )

    passed = problem(decided, 422)["peer_problem"]
    assert len(decided.content) < 20_000
    assert "internal" not in passed
    assert "\u0000" not in passed["detail"]
    assert len(passed["errors"]) == 20


# -- a refusal never carries what the caller could not read --------------------------------


def test_a_commander_outside_the_officers_division_learns_nothing_about_them(
    postings_client: TestClient, roi_client: TestClient
) -> None:
    """K100 (north) has welfare factors, a Professional Standards restriction, an ROI
    commitment and a posting on its way: a south commander who tries to re-deploy them is
    refused for authority alone, and the answer names none of it."""
    register_officer(postings_client, welfare_factors=["primary_carer"])
    director = bearer(Role.DIRECTOR_OF_HR, subject="dhr")
    opened = postings_client.post(
        "/postings/compulsory",
        json={
            "officer_id": "K100",
            "to_location": "ashford",
            "likely_posting_date": "2027-03-01",
            "rationale": "Ashford needs constables",
            "preferences_not_sought_because": "Urgent",
            "reasoning_for_officer": "Ashford is short",
            "welfare_consideration": "Primary carer: day shifts kept",
        },
        headers=director,
    )
    psd = bearer(Role.PSD, subject="psd-1")
    restriction = {"location": "tonbridge", "rationale": "PSD SECRET association"}
    assert (
        postings_client.post(
            "/officers/K100/restrictions", json=restriction, headers=psd
        ).status_code
        == 201
    )
    ld = bearer(Role.HEAD_OF_L_AND_D, subject="head-ld")
    designation = roi_client.post(
        "/designations",
        json={
            "course_code": "FIREARMS-1",
            "title": "Authorised firearms officer",
            "quarter": "2026-Q4",
            "reasons": ["scarce_skill"],
            "proposed_by": ["head_of_l_and_d"],
            "rationale": "Firearms shortfall",
        },
        headers=ld,
    ).json()
    enrolled = roi_client.post(
        "/commitments",
        json={
            "officer_id": "K100",
            "designation_id": designation["id"],
            "starts_on": "2026-10-05",
            "ends_on": "2026-10-30",
        },
        headers=ld,
    )
    assert enrolled.status_code == 201, enrolled.text
    south = bearer(Role.DIVISIONAL_COMMANDER, subject="cmdr-south", division="south")

    answer = postings_client.post(
        "/postings/redeployments", json=redeployment_body(to_location="dover"), headers=south
    )

    found = problem(answer, 403)
    said = answer.text.lower()
    for secret in ("firearms", "commitment", "roi", "welfare", "primary_carer", "psd", "restrict"):
        assert secret not in said, secret
    assert opened.status_code == 201, opened.text
    assert opened.json()["id"] not in said
    assert {v["rule"] for v in found["violations"]} == {"RedeploymentMustStayWithinTheDecidersUnit"}


# -- moments and days in queries ----------------------------------------------------------


@pytest.mark.parametrize(
    "moment",
    [
        "0.5",
        "1700000000",
        "2026-11-22T10:00:00",
        "yesterday",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00",
    ],
)
def test_a_moment_in_a_query_is_iso_8601_with_its_offset(
    postings_client: TestClient, moment: str
) -> None:
    auditor = bearer(Role.AUDITOR, subject="internal-audit")

    answer = postings_client.get("/audit/decisions", params={"to": moment}, headers=auditor)

    assert fields_of(problem(answer, 422)) == ["query.to"]


def test_a_list_documents_its_own_largest_page(postings_client: TestClient) -> None:
    """The feed takes pages larger than a list's cap; each says its own."""
    spec = postings_client.get("/openapi.json").json()
    (limit,) = [p for p in spec["paths"]["/events"]["get"]["parameters"] if p["name"] == "limit"]
    too_many = limit["schema"]["maximum"] + 1
    auditor = bearer(Role.AUDITOR, subject="internal-audit")

    answer = postings_client.get("/events", params={"limit": too_many}, headers=auditor)

    assert fields_of(problem(answer, 422)) == ["query.limit"]


# -- what an outside tester found: echoes, media types, names twice, If-Match ---------------


def test_a_problem_never_echoes_text_that_cannot_be_stored(postings_client: TestClient) -> None:
    """The document promises problem text without NUL; what was sent is shown as U+FFFD."""
    answers = [
        postings_client.get("/officers/a%00b"),
        postings_client.get("/officers/a%00b", headers=HR),
        postings_client.get("/locations?x%00=1", headers=HR),
    ]

    assert [a.status_code for a in answers] == [401, 422, 422]
    for answer in answers:
        assert "\\u0000" not in answer.text
        assert "\x00" not in answer.json()["instance"]


def test_a_body_of_another_media_type_is_a_415(
    postings_client: TestClient, postings_settings: PostingsSettings
) -> None:
    before = count_events(postings_settings.database_url)

    answer = postings_client.post(
        "/locations", content=b"code=dover", headers={**HR, "Content-Type": "text/plain"}
    )

    assert problem(answer, 415)["type"] == "/problems/unsupported-media-type"
    assert answer.headers["accept"] == "application/json"
    assert count_events(postings_settings.database_url) == before


def test_a_query_parameter_sent_twice_is_refused_naming_it(postings_client: TestClient) -> None:
    """No endpoint takes a list in its query: the framework would take the last value, so
    an auditor filtering by two officers would be shown one without being told."""
    auditor = bearer(Role.AUDITOR)
    twice = postings_client.get(
        "/audit/decisions?officer_id=K100&officer_id=K101&limit=1&limit=2", headers=auditor
    )
    once = postings_client.get("/audit/decisions?officer_id=K100&limit=2", headers=auditor)

    found = problem(twice, 422)
    assert [e["field"] for e in found["errors"]] == ["query.limit", "query.officer_id"]
    assert found["detail"] == "send limit once"
    assert once.status_code == 200, once.text


def test_a_field_named_twice_in_one_object_is_refused(postings_client: TestClient) -> None:
    body = b'{"code": "dover", "code": "ashford", "name": "Dover", "division": "east"}'

    answer = postings_client.post("/locations", content=body, headers={**HR, **JSON})

    found = problem(answer, 400)
    assert found["errors"][0]["type"] == "duplicate_key"
    assert "'code'" in found["detail"]


def test_a_refusal_stays_small_whatever_was_sent(postings_client: TestClient) -> None:
    register_officer(postings_client)
    body = b'{"skills": [' + b",".join([b'"\\u0000"'] * 5000) + b"]}"

    answer = postings_client.patch("/officers/K100", content=body, headers={**HR, **JSON})

    found = problem(answer, 422)
    assert len(found["errors"]) == 50
    assert found["errors_not_listed"] == 4950
    assert len(answer.content) < 10_000


def test_a_path_with_a_trailing_slash_is_not_redirected(postings_client: TestClient) -> None:
    answer = postings_client.get("/officers/", headers=HR, follow_redirects=False)
    assert answer.status_code == 404


def test_every_operation_documents_the_edges_413_and_422(postings_client: TestClient) -> None:
    spec = postings_client.get("/openapi.json").json()
    undocumented = [
        f"{method.upper()} {path}"
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if not {"413", "422"} <= set(operation["responses"])
    ]
    assert undocumented == []


def test_a_field_or_path_sent_a_hundred_thousand_characters_long_is_not_echoed_whole(
    postings_client: TestClient,
) -> None:
    long_name = "x" * 100_000
    extra_field = postings_client.post(
        "/locations", json={"code": "dover", long_name: 1}, headers=HR
    )
    long_path = postings_client.get(f"/officers/{'K' * 5000}", headers=HR)

    fields = [e["field"] for e in problem(extra_field, 422)["errors"]]
    assert any(f.startswith("body.xxx") and f.endswith("…") for f in fields), fields
    assert len(extra_field.content) < 10_000
    assert len(problem(long_path, 422)["instance"]) <= 1000


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Encoding": "gzip"},
        {"Content-Encoding": "br"},
        {"Content-Type": "application/json; charset=latin-1"},
    ],
    ids=["gzip", "br", "latin-1"],
)
def test_a_body_in_a_coding_or_charset_it_is_not_read_in_is_a_415(
    postings_client: TestClient, postings_settings: PostingsSettings, headers: dict[str, str]
) -> None:
    """A body is read as the UTF-8 JSON it says it is, or refused: a gzip body is never read
    as text, nor a plain one taken though it says it is coded."""
    before = count_events(postings_settings.database_url)
    body = b'{"code": "dover", "name": "Dover", "division": "south", "town": "Dover", '
    body += b'"lat": 51.1, "lon": 1.3, "kind": "station"}'

    answer = postings_client.post("/locations", content=body, headers={**HR, **JSON, **headers})

    assert problem(answer, 415)["type"] == "/problems/unsupported-media-type"
    assert count_events(postings_settings.database_url) == before


@pytest.mark.parametrize(
    "twice",
    [
        [("Content-Encoding", "identity"), ("Content-Encoding", "gzip")],
        [("Content-Type", "application/json"), ("Content-Type", "text/plain")],
    ],
    ids=["content-encoding", "content-type"],
)
def test_a_content_header_sent_twice_is_a_415(
    postings_client: TestClient, postings_settings: PostingsSettings, twice: list[tuple[str, str]]
) -> None:
    before = count_events(postings_settings.database_url)
    body = b'{"code": "dover", "name": "Dover", "division": "south", "town": "Dover", '
    body += b'"lat": 51.1, "lon": 1.3, "kind": "station"}'
    headers = [("Authorization", HR["Authorization"]), *twice]
    if twice[0][0] != "Content-Type":
        headers.append(("Content-Type", "application/json"))

    answer = postings_client.post("/locations", content=body, headers=headers)

    assert problem(answer, 415)["type"] == "/problems/unsupported-media-type"
    assert count_events(postings_settings.database_url) == before


def test_two_authorization_headers_are_a_401_whichever_comes_first(
    postings_client: TestClient,
) -> None:
    both = [("Authorization", HR["Authorization"]), ("Authorization", "Bearer nonsense")]
    answers = [postings_client.get("/locations", headers=h) for h in (both, both[::-1])]

    assert [a.status_code for a in answers] == [401, 401]
    assert "one Authorization header" in problem(answers[0], 401)["detail"]


def test_a_body_sent_to_an_operation_that_takes_none_is_a_422_and_does_nothing(
    postings_client: TestClient,
) -> None:
    """Signing a checkpoint takes no body: one that asks for something (a size, say) would
    be ignored, and the caller would believe it was used. An empty one says nothing."""
    auditor = bearer(Role.AUDITOR)
    register_officer(postings_client, "K1")
    sent = postings_client.post("/audit/checkpoints", json={"size": 1}, headers=auditor)
    assert sent.status_code == 422, sent.text
    assert [e["field"] for e in sent.json()["errors"]] == ["body"]
    listed = postings_client.request(
        "GET",
        "/audit/decisions",
        params={"limit": 1},
        content=b'{"officer_id": "K9"}',
        headers=auditor,
    )
    assert listed.status_code == 422, listed.text
    # Not JSON at all still says something: the same 422, not a complaint about its JSON.
    for something in (b"a=1", b"\xef\xbb\xbf{}", b"[" * 5000, b"\x0b"):
        refused = postings_client.post(
            "/audit/checkpoints",
            content=something,
            headers={**auditor, "Content-Type": "application/x-www-form-urlencoded"},
        )
        assert refused.status_code == 422, (something[:10], refused.text)
        assert [e["field"] for e in refused.json()["errors"]] == ["body"]
    for empty in (b"{}", b"{ }", b"null", b""):
        signed = postings_client.post(
            "/audit/checkpoints",
            content=empty,
            headers={**auditor, "Content-Type": "application/json"},
        )
        assert signed.status_code == 201, (empty, signed.text)


def test_a_chunked_body_past_the_limit_to_an_operation_that_takes_none_is_a_413(
    small_limit_server: str, tmp_path: Path
) -> None:
    """The stream ends at the limit, which reads as the caller having gone away: that is a
    413 here as for an operation that takes a body, and the operation does not run."""
    auditor = bearer(Role.AUDITOR)

    def chunks() -> Iterator[bytes]:
        yield b'{"size": "'
        for _ in range(100):
            yield b"x" * 1024

    with httpx.Client(base_url=small_limit_server, timeout=60) as http:
        register_locations(http)
        sent = http.post(
            "/audit/checkpoints",
            content=chunks(),
            headers={**auditor, "Content-Type": "application/json"},
        )
    assert sent.status_code == 413, sent.text
    assert sent.json()["type"].endswith("/body-too-large")
    # The log holds events, so a checkpoint that ran would have been signed and kept.
    assert CheckpointStore(tmp_path / "audit").all() == []


def test_a_refused_callers_body_is_not_read_and_the_refusal_is_recorded(
    small_limit_server: str, tmp_path: Path
) -> None:
    """The role comes before anything else: a caller who may not act is answered 403 at
    once, their body (chunked and past the limit here) never read, and the refusal is on
    the record. Reading it first would let them hold the connection with a slow body."""
    url = f"sqlite:///{tmp_path / 'postings.sqlite3'}"

    def chunks() -> Iterator[bytes]:
        yield b'{"code": "'
        for _ in range(100):
            yield b"x" * 1024

    with httpx.Client(base_url=small_limit_server, timeout=60) as http:
        before = count_events(url, refusals=True)
        sent = http.post(
            "/locations",
            content=chunks(),
            headers={**bearer(Role.AUDITOR), "Content-Type": "application/json"},
        )
    assert sent.status_code == 403, sent.text
    assert sent.json()["rule"] == "ActsOnlyInARoleGivenThePower"
    assert count_events(url, refusals=True) == before + 1


@pytest.mark.parametrize("header", ["Idempotency-Key", "If-Match"])
def test_a_header_that_names_one_thing_sent_twice_is_a_422_and_nothing_is_stored(
    postings_client: TestClient, postings_settings: PostingsSettings, header: str
) -> None:
    """Which of two keys (or versions) was meant is a guess: neither is taken, for every
    endpoint, at the edge."""
    before = count_events(postings_settings.database_url)
    sent = postings_client.post(
        "/officers",
        json=officer_body("K7"),
        headers=[*HR.items(), (header, '"1"'), (header, '"2"')],
    )
    assert sent.status_code == 422, sent.text
    assert [e["field"] for e in sent.json()["errors"]] == [f"header.{header}"]
    assert count_events(postings_settings.database_url) == before
