"""A kept-alive connection is closed after ``REQUESTS_PER_CONNECTION`` requests, so that a
client that keeps its connections meets every process of a service served by several (see
shared/recycled_connections.py): served over real HTTP by uvicorn with the protocol."""

from __future__ import annotations

import http.client
import socket
from concurrent.futures import ThreadPoolExecutor

import httpx
from fastapi import FastAPI, Request

from shared.recycled_connections import (
    REQUESTS_PER_CONNECTION,
    RecycledConnection,
    protocol_for,
)
from tests.support.live import LiveServer


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/peer")
    def peer(request: Request) -> dict[str, int]:
        # The client's port names the connection the request came on.
        assert request.client is not None
        return {"port": request.client.port}

    return app


def test_the_hundredth_request_on_a_connection_is_its_last() -> None:
    with (
        LiveServer(_app(), http=RecycledConnection) as server,
        httpx.Client(base_url=server.url, timeout=30) as client,
    ):
        answers = [client.get("/peer") for _ in range(2 * REQUESTS_PER_CONNECTION + 10)]
    assert {answer.status_code for answer in answers} == {200}
    ports = [answer.json()["port"] for answer in answers]
    closing = [n for n, answer in enumerate(answers) if answer.headers.get("connection")]
    # Every hundredth answer says it closes its connection, and only those.
    assert closing == [REQUESTS_PER_CONNECTION - 1, 2 * REQUESTS_PER_CONNECTION - 1]
    assert {answers[n].headers["connection"] for n in closing} == {"close"}
    # The client connected again after each: three connections, each used for its hundred.
    runs = [ports[0:100], ports[100:200], ports[200:]]
    assert [len(set(run)) for run in runs] == [1, 1, 1]
    assert len(set(ports)) == 3


def test_a_connection_is_kept_by_default() -> None:
    with LiveServer(_app()) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        ports = {client.get("/peer").json()["port"] for _ in range(REQUESTS_PER_CONNECTION + 10)}
    assert len(ports) == 1


def test_requests_in_flight_together_are_answered_whatever_their_connection() -> None:
    # Four connections at once, each past its hundredth request: no request is lost to a
    # connection closed under it.
    limits = httpx.Limits(max_connections=4, max_keepalive_connections=4)
    with (
        LiveServer(_app(), http=RecycledConnection) as server,
        httpx.Client(base_url=server.url, timeout=30, limits=limits) as client,
        ThreadPoolExecutor(max_workers=4) as pool,
    ):
        answers = list(pool.map(lambda _: client.get("/peer"), range(1000)))
    assert [answer.status_code for answer in answers] == [200] * 1000
    assert len({answer.json()["port"] for answer in answers}) >= 10


def test_only_several_processes_recycle_their_connections() -> None:
    assert protocol_for(2) is RecycledConnection
    assert protocol_for(1) == "auto"


def _answers(raw: bytes) -> list[bytes]:
    """The status lines and headers of the answers in ``raw`` (their bodies are JSON)."""
    return [part.split(b"\r\n\r\n")[0] for part in raw.split(b"HTTP/1.1 ")[1:]]


def test_requests_pipelined_past_the_hundredth_are_left_unanswered_and_closed() -> None:
    # A client that sends on without waiting: the hundredth answer closes the connection,
    # and what was sent behind it is not run (the client resends it, RFC 9112 9.3.2).
    request = b"GET /peer HTTP/1.1\r\nHost: test\r\n\r\n"
    with (
        LiveServer(_app(), http=RecycledConnection) as server,
        socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock,
    ):
        sock.sendall(request * (REQUESTS_PER_CONNECTION + 5))
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    answers = _answers(raw)
    assert len(answers) == REQUESTS_PER_CONNECTION
    assert all(answer.startswith(b"200 OK") for answer in answers)
    assert [b"connection: close" in answer for answer in answers] == [False] * 99 + [True]


def test_an_answer_sent_before_its_body_came_keeps_the_connection_for_one_more() -> None:
    # The hundredth request's answer (404) goes before its large body has come: closing
    # then would reset the connection under the client still sending. It is kept, and the
    # next request closes it.
    with LiveServer(_app(), http=RecycledConnection) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        try:
            for _ in range(REQUESTS_PER_CONNECTION - 1):
                conn.request("GET", "/peer")
                answer = conn.getresponse()
                answer.read()
                assert answer.getheader("connection") is None
            conn.request("POST", "/nowhere", body=b"x" * 900_000)
            hundredth = conn.getresponse()
            hundredth.read()
            conn.request("GET", "/peer")
            next_one = conn.getresponse()
            next_one.read()
        finally:
            conn.close()
    assert hundredth.status == 404
    assert hundredth.getheader("connection") is None
    assert next_one.status == 200
    assert next_one.getheader("connection") == "close"
