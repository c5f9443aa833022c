"""The three services running for real on loopback ports, sharing one clock, with a
history of decisions about K100 in each: for the auditor's tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from services.appeals.main import create_app as create_appeals
from services.postings.main import create_app as create_postings
from services.roi.main import create_app as create_roi
from shared.clock import FixedClock
from shared.roles import Role
from shared.settings import AppealsSettings, PostingsSettings, RoiSettings
from tests.force import DIRECTOR, HEAD_OF_RESOURCING, NOW, compulsory, days, officer
from tests.helpers import HR, LOCATIONS
from tests.support.http import eventually, ok
from tests.support.live import LiveServer, free_port
from tests.support.tokens import bearer

AUDITOR = bearer(Role.AUDITOR, subject="internal-audit")
LD = bearer(Role.HEAD_OF_L_AND_D, subject="head-ld")
FRP = bearer(Role.FORCE_RESOURCING_PANEL, subject="frp-chair")
HEARER = bearer(Role.DIVISIONAL_COMMANDER, subject="ch-supt-south", division="south")


@dataclass
class System:
    postings: httpx.Client
    appeals: httpx.Client
    roi: httpx.Client
    clock: FixedClock
    appeals_server: LiveServer
    servers: list[LiveServer] = field(default_factory=list)
    #: Each service's settings as environment variables, for the command-line tools.
    env: dict[str, str] = field(default_factory=dict)
    audit_dirs: dict[str, Path] = field(default_factory=dict)

    def stop(self) -> None:
        for server in self.servers:
            server.__exit__(None, None, None)


@contextmanager
def running_system(database_urls: dict[str, str], tmp_path: Path) -> Iterator[System]:
    clock = FixedClock(NOW)
    ports = {name: free_port() for name in ("postings", "appeals", "roi")}
    url = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    common: dict[str, Any] = {"follower_poll_seconds": 0.05}
    postings_app = create_postings(
        PostingsSettings(
            database_url=database_urls["postings"],
            audit_dir=str(tmp_path / "audit-postings"),
            roi_url=url["roi"],
            appeals_url=url["appeals"],
            **common,
        ),
        clock=clock,
    )
    appeals_app = create_appeals(
        AppealsSettings(
            database_url=database_urls["appeals"],
            audit_dir=str(tmp_path / "audit-appeals"),
            postings_url=url["postings"],
            **common,
        ),
        clock=clock,
    )
    roi_app = create_roi(
        RoiSettings(
            database_url=database_urls["roi"],
            audit_dir=str(tmp_path / "audit-roi"),
            postings_url=url["postings"],
        ),
        clock=clock,
    )
    with (
        LiveServer(roi_app, port=ports["roi"]) as r,
        LiveServer(postings_app, port=ports["postings"]) as p,
        LiveServer(appeals_app, port=ports["appeals"]) as a,
        httpx.Client(base_url=p.url) as postings,
        httpx.Client(base_url=a.url) as appeals,
        httpx.Client(base_url=r.url) as roi,
    ):
        for code, (name, division, town, lat, lon) in LOCATIONS.items():
            body = {"code": code, "name": name, "division": division, "town": town}
            ok(postings.post("/locations", json={**body, "lat": lat, "lon": lon}, headers=HR), 201)
        body = {
            "officer_id": "K100",
            "name": "Alex Smith",
            "rank": "constable",
            "division": "north",
            "place_of_duty": "maidstone",
            "appointed_on": "2019-09-02",
        }
        ok(postings.post("/officers", json=body, headers=HR), 201)
        audit_dirs = {name: tmp_path / f"audit-{name}" for name in ports}
        env = {}
        for name in ports:
            env[f"{name.upper()}_DATABASE_URL"] = database_urls[name]
            env[f"{name.upper()}_AUDIT_DIR"] = str(audit_dirs[name])
        yield System(postings, appeals, roi, clock, a, [r, p, a], env, audit_dirs)


def build_history(system: System) -> dict[str, Any]:
    """An ROI release, a compulsory posting dated outside a sitting, and a dismissed
    appeal: decisions about K100 in each of the three services, an hour apart."""
    postings, appeals, roi, clock = system.postings, system.appeals, system.roi, system.clock
    designation = ok(
        roi.post(
            "/designations",
            json={
                "course_code": "DET-1",
                "title": "Initial detective training",
                "quarter": "2026-Q4",
                "reasons": ["scarce_skill"],
                "proposed_by": ["head_of_l_and_d"],
                "rationale": "Detective shortfall",
            },
            headers=LD,
        ),
        201,
    )
    commitment = ok(
        roi.post(
            "/commitments",
            json={
                "officer_id": "K100",
                "designation_id": designation["id"],
                "starts_on": days(-60),
                "ends_on": days(-10),
            },
            headers=LD,
        ),
        201,
    )
    url = f"/commitments/{commitment['id']}"
    ok(roi.post(f"{url}/notice", json={"notified_on": days(-70)}, headers=LD))
    ok(roi.post(f"{url}/completion", json={"completed_on": days(-10)}, headers=LD))
    ok(
        roi.post(
            f"{url}/release",
            json={"to_location": "dover", "rationale": "Dover major crime team cannot wait"},
            headers=FRP,
        )
    )

    clock.set(NOW + timedelta(hours=1))
    posting = ok(
        postings.post(
            "/postings/compulsory",
            json=compulsory(
                likely_posting_date=days(60), to_location="dover", travel_justification="Vacancy"
            ),
            headers=DIRECTOR,
        ),
        201,
    )
    ok(
        postings.post(
            f"/postings/{posting['id']}/notifications",
            json={"recipients": ["K100"], "content": "You are posted to Dover because..."},
            headers=HR,
        )
    )

    clock.set(NOW + timedelta(hours=2))
    ok(
        postings.post(
            f"/postings/{posting['id']}/date",
            json={"posting_date": days(61), "exceptional_circumstances": "Court dates"},
            headers=HEAD_OF_RESOURCING,
        )
    )

    clock.set(NOW + timedelta(hours=3))
    eventually(
        lambda: (
            appeals.get(f"/posting-decisions/{posting['id']}", headers=HEAD_OF_RESOURCING)
            .json()
            .get("notified_at")
            is not None
        )
    )
    appeal = ok(
        appeals.post(
            "/appeals",
            json={"posting_id": posting["id"], "grounds": "My travel was not weighed"},
            headers=officer("K100"),
        ),
        201,
    )
    ok(
        appeals.post(
            f"/appeals/{appeal['id']}/assignment",
            json={"hearer_id": "ch-supt-south", "level": "Chief superintendent", "rationale": "x"},
            headers=HEAD_OF_RESOURCING,
        )
    )
    clock.set(NOW + timedelta(hours=4))
    ok(
        appeals.post(
            f"/appeals/{appeal['id']}/outcome",
            json={"outcome": "dismissed", "rationale": "Travel was justified by the vacancy"},
            headers=HEARER,
        )
    )
    return {"posting": posting, "appeal": appeal, "commitment": commitment}
