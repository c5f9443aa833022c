"""A read marked ``inline`` (shared.api.routes.QueryRoute) runs on the event loop, not on a
worker thread: only ROI's answer to the question asked before every decision is one
(ADR 0037). Its answer and its refusals are those of any other read."""

from __future__ import annotations

import asyncio
import inspect
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from services.roi.api import commitments
from shared.roles import Role
from tests.support.tokens import bearer
from tests.test_routing import app_of

SERVICE = bearer(Role.SERVICE, subject="postings")
STATUS = "/officers/K100/roi-status"


@pytest.mark.parametrize("service", ["appeals", "postings", "roi"])
def test_only_the_roi_question_is_read_on_the_event_loop(service: str, tmp_path: Path) -> None:
    app = app_of(service, tmp_path)
    on_the_loop = {
        route.path
        for route in app.router.routes
        if isinstance(route, APIRoute) and inspect.iscoroutinefunction(route.endpoint)
    }
    assert on_the_loop == ({"/officers/{officer_id}/roi-status"} if service == "roi" else set())


def test_the_roi_question_is_read_on_the_event_loop_and_answered_as_before(
    roi_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    answer = commitments.roi_answer

    def on_which_thread(*args: Any) -> Any:
        try:
            asyncio.get_running_loop()
            seen.append(True)
        except RuntimeError:  # a worker thread has no running loop
            seen.append(False)
        return answer(*args)

    monkeypatch.setattr(commitments, "roi_answer", on_which_thread)
    response = roi_client.get(
        STATUS,
        params={"on": date(2027, 2, 5).isoformat(), "to_location": "tonbridge"},
        headers=SERVICE,
    )
    assert response.status_code == 200, response.text
    assert response.json()["bound"] is False
    assert seen == [True]


@pytest.mark.parametrize(
    ("params", "headers", "status"),
    [
        ({"on": "2027-02-05"}, {}, 401),
        ({"on": "2027-02-05"}, bearer(Role.OFFICER, officer_id="K200"), 403),
        ({"on": "not-a-day"}, SERVICE, 422),
        ({"on": "2027-02-05", "to_location": "x" * 200}, SERVICE, 422),
    ],
    ids=["no-token", "another-officer", "bad-day", "long-location"],
)
def test_the_roi_question_on_the_loop_is_refused_as_any_read(
    roi_client: TestClient, params: dict[str, str], headers: dict[str, str], status: int
) -> None:
    response = roi_client.get(STATUS, params=params, headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
