"""Resource limits with clear problems when exceeded (OWASP API4): page size, and the rate
of expensive queries per caller. (Body size: tests/test_health_and_openapi.py.)"""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from services.postings.main import create_app
from shared.roles import Role
from shared.settings import PostingsSettings
from tests.support.tokens import bearer

AUDITOR = bearer(Role.AUDITOR, subject="internal-audit")
OTHER_AUDITOR = bearer(Role.AUDITOR, subject="external-audit")


def test_a_page_larger_than_the_cap_is_a_422_naming_the_limit(
    postings_settings: PostingsSettings,
) -> None:
    with TestClient(create_app(postings_settings)) as client:
        response = client.get("/postings", params={"limit": 101}, headers=AUDITOR)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.limit"


def test_expensive_queries_are_capped_per_caller_with_a_429_saying_when(
    postings_settings: PostingsSettings, tmp_path: Path
) -> None:
    settings = postings_settings.model_copy(update={"expensive_queries_per_minute": 2})
    with TestClient(create_app(settings)) as client:
        answers = [client.get("/audit/decisions", headers=AUDITOR) for _ in range(3)]
        verify = client.get("/audit/verify", headers=AUDITOR)
        other = client.get("/audit/decisions", headers=OTHER_AUDITOR)
        cheap = client.get("/audit/consultations", headers=AUDITOR)

    assert [a.status_code for a in answers] == [200, 200, 429]
    problem = answers[2].json()
    assert problem["type"].endswith("too-many-expensive-queries")
    assert "at most 2" in problem["detail"]
    assert 1 <= int(answers[2].headers["retry-after"]) <= 60
    assert verify.status_code == 429  # one budget across the expensive queries
    assert other.status_code == 200  # another caller has their own
    assert cheap.status_code == 200
