"""A tenant that answers nonsense (an HTML maintenance page, broken JSON, a redirect to a
login page, envelopes of the wrong shape) never makes the sync, a callback or a delivery
run answer 500: each is a failed part or a problem in the run's report (issue 16)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from fastapi.testclient import TestClient
from pydantic import SecretStr

from services.postings.main import create_app
from shared.clock import FixedClock
from shared.roles import Role
from shared.settings import PostingsSettings
from tests.force import NOW
from tests.helpers import register_locations
from tests.sfsim.harness import key_pair
from tests.sfsim.metadata import ENTITIES, edmx
from tests.support.live import LiveServer
from tests.support.tokens import bearer

INTEGRATION = bearer(Role.INTEGRATION, subject="sf-integration")

ANSWERS: dict[str, Callable[[], Response]] = {
    "html": lambda: Response("<html><body>Maintenance</body></html>", media_type="text/html"),
    "broken-json": lambda: Response("{not json", media_type="application/json"),
    "login-redirect": lambda: Response(status_code=302, headers={"Location": "/login"}),
    "no-envelope": lambda: JSONResponse({"value": []}),
    "not-records": lambda: JSONResponse({"d": {"results": ["x", 1, None]}}),
    "null-records": lambda: JSONResponse({"d": {"results": [{"userId": None}]}}),
    "null-envelope": lambda: JSONResponse({"d": None}),
}


def nonsense(answer: Callable[[], Response]) -> FastAPI:
    """A tenant with a working token endpoint and a true $metadata, whose every other
    answer is ``answer``: the sync gets past authentication and its checks."""
    app = FastAPI()

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/oauth/token")
    def token() -> dict[str, object]:
        return {"access_token": "t", "token_type": "Bearer", "expires_in": 86400}

    @app.get("/odata/v2/{entity}/$metadata")
    def metadata(entity: str) -> Response:
        return Response(edmx([entity] if entity in ENTITIES else []), media_type="application/xml")

    @app.api_route("/{path:path}", methods=["GET", "POST"])
    def anything(path: str) -> Response:
        return answer()

    return app


@pytest.mark.parametrize("answer", sorted(ANSWERS))
def test_a_tenant_answering_nonsense_never_makes_a_run_answer_500(
    postings_settings: PostingsSettings, answer: str
) -> None:
    with LiveServer(nonsense(ANSWERS[answer])) as tenant:
        settings = postings_settings.model_copy(
            update={
                "hr_url": tenant.url,
                "hr_company_id": "KENT",
                "hr_api_key": "key",
                "hr_api_user": "sfapi",
                "hr_saml_private_key": SecretStr(key_pair()[0]),
            }
        )
        with TestClient(create_app(settings, clock=FixedClock(NOW))) as client:
            client.app.state.hr_system.sleep = lambda _: None  # type: ignore[attr-defined]
            register_locations(client)
            run = client.post("/hr-system/sync", headers=INTEGRATION)
            signal = client.post("/hr-system/events", json={"userId": "K300"}, headers=INTEGRATION)
            deliveries = client.post("/hr-system/deliveries/run", headers=INTEGRATION)

    assert (run.status_code, signal.status_code, deliveries.status_code) == (200, 202, 200)
    parts = run.json()["parts"]
    assert {parts[p]["outcome"] for p in ("officers", "jobs", "pdrs")} <= {"failed", "succeeded"}
    # A failed part says why, for whoever reads GET /hr-system/sync-runs.
    assert all(part["problem"] for part in parts.values() if part["outcome"] == "failed")
    assert [p["officer_id"] for p in signal.json()["problems"]] == ["K300"]
