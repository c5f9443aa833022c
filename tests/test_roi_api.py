"""ROI designations over HTTP (L1800 3.9.1-3.9.2)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from services.roi.projections.tables import kernel as roi_kernel
from shared.roles import Role
from shared.settings import RoiSettings
from tests.helpers import count_events
from tests.support.tokens import bearer

HEAD_OF_LD = bearer(Role.HEAD_OF_L_AND_D, subject="head-ld")


def designation(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "course_code": "DET-1",
        "title": "Initial detective training",
        "quarter": "2027-Q1",
        "reasons": ["high_cost", "scarce_skill"],
        "proposed_by": ["head_of_l_and_d", "head_of_resourcing"],
        "rationale": "Detective shortfall in the north; each place costs the force dearly",
    }
    body.update(overrides)
    return body


def test_a_designation_defaults_to_eighteen_months(roi_client: TestClient) -> None:
    response = roi_client.post("/designations", json=designation(), headers=HEAD_OF_LD)

    assert response.status_code == 201, response.text
    out = response.json()
    assert out["period_months"] == 18
    assert out["designated_by"] == "head-ld"
    listed = roi_client.get("/designations", headers=bearer(Role.OFFICER, officer_id="K1"))
    assert [d["course_code"] for d in listed.json()["items"]] == ["DET-1"]


def test_a_designation_proposed_by_someone_else_names_the_rule(
    roi_client: TestClient, roi_settings: RoiSettings
) -> None:
    response = roi_client.post(
        "/designations", json=designation(proposed_by=["slt"]), headers=HEAD_OF_LD
    )

    assert response.status_code == 422
    assert response.json()["rule"] == "DesignationMustBeProposedByTheHeads"
    assert count_events(roi_settings.database_url, roi_kernel.events) == 0


def test_only_the_heads_record_designations(roi_client: TestClient) -> None:
    response = roi_client.post(
        "/designations", json=designation(), headers=bearer(Role.HR_RESOURCE_PLANNING)
    )
    assert response.status_code == 403


def test_bad_input_names_the_field(roi_client: TestClient) -> None:
    response = roi_client.post(
        "/designations", json=designation(quarter="2027-Q5", reasons=[]), headers=HEAD_OF_LD
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"body.quarter", "body.reasons"}
