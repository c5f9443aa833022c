"""An unexpected error is a 500 problem that tells nothing internal and closes its
connection, said in the answer: uvicorn closes the connection after it, and a client that
kept it would lose the request it sent next (found by the outside tester). Over real HTTP."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from shared.api.problems import PROBLEM_JSON, install_problem_handlers
from tests.support.live import LiveServer


def _app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/broken")
    def broken() -> None:
        raise RuntimeError("secret internal detail")

    return app


def test_a_500_closes_its_connection_and_the_next_request_is_answered() -> None:
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    with (
        LiveServer(_app()) as server,
        httpx.Client(base_url=server.url, timeout=30, limits=limits) as client,
    ):
        for _ in range(20):
            failed = client.post("/broken")
            assert failed.status_code == 500
            assert failed.headers["connection"] == "close"
            assert failed.headers["content-type"] == PROBLEM_JSON
            assert failed.json()["type"] == "/problems/internal-error"
            assert "secret" not in failed.text
            # Sent straight after, on the connection the client keeps: answered.
            assert client.post("/healthz").status_code == 405
            assert client.get("/healthz").status_code == 200
