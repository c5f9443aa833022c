"""A kept-alive connection is closed after ``REQUESTS_PER_CONNECTION`` requests, so that a
client that keeps its connections meets every process of a service served by several (see
shared/recycled_connections.py): served over real HTTP by uvicorn with the protocol."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
from fastapi import FastAPI, Request

from shared.recycled_connections import REQUESTS_PER_CONNECTION, RecycledConnection
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
