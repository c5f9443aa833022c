"""Postings with no ROI service named (``POSTINGS_ROI_URL`` empty): it starts and serves,
and a decision that must ask ROI first (L1800 3.9) is refused as unavailable, storing
nothing. It never passes for an officer not bound."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from services.postings.main import create_app
from shared.settings import PostingsSettings
from tests.force import DIRECTOR, compulsory, days
from tests.helpers import HR, register_locations, register_officer


def test_a_decision_without_an_roi_service_is_refused_as_unavailable(
    database_urls: dict[str, str], tmp_path: Path
) -> None:
    settings = PostingsSettings(
        database_url=database_urls["postings"],
        audit_dir=str(tmp_path / "audit"),
        roi_url="",
        appeals_url="",
    )
    with TestClient(create_app(settings)) as client:
        register_locations(client)
        register_officer(client, "K100")
        refused = client.post(
            "/postings/compulsory",
            json=compulsory(officer_id="K100", likely_posting_date=days(60)),
            headers=DIRECTOR,
        )
        assert refused.status_code == 503
        assert refused.headers["content-type"] == "application/problem+json"
        assert "no ROI service is configured" in refused.json()["detail"]
        assert client.get("/postings", headers=HR).json()["total"] == 0
