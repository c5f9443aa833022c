"""PostgreSQL restarted under load (issue 8): every acknowledged decision is still there,
the services recover without a restart of their own, appeals' follower catches up with
postings' feed, and the hash chain verifies. The server restarted is the test's own."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from services.appeals.main import create_app as create_appeals
from services.postings.main import create_app as create_postings
from services.roi.main import create_app as create_roi
from shared import migrate
from shared.roles import Role
from shared.settings import AppealsSettings, PostingsSettings, RoiSettings
from tests.force import DIRECTOR, HEAD_OF_RESOURCING, compulsory, days
from tests.helpers import HR, register_locations
from tests.support.http import eventually
from tests.support.live import LiveServer, free_port
from tests.support.private_pg import available, private_postgres
from tests.support.tokens import bearer

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not available(), reason="needs PostgreSQL's server binaries"),
]
OFFICERS = 60
AUDITOR = bearer(Role.AUDITOR)


def test_a_restart_under_load_loses_no_acknowledged_decision(tmp_path: Path) -> None:
    with private_postgres() as pg:
        urls = {name: pg.create_database(name) for name in ("postings", "appeals", "roi")}
        for service, url in urls.items():
            migrate.upgrade(service, url)
        ports = {name: free_port() for name in urls}
        base = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        roi = create_roi(RoiSettings(database_url=urls["roi"], audit_dir=str(tmp_path / "r")))
        postings = create_postings(
            PostingsSettings(
                database_url=urls["postings"],
                audit_dir=str(tmp_path / "p"),
                roi_url=base["roi"],
                appeals_url=base["appeals"],
                follower_poll_seconds=0.05,
            )
        )
        appeals = create_appeals(
            AppealsSettings(
                database_url=urls["appeals"],
                audit_dir=str(tmp_path / "a"),
                postings_url=base["postings"],
                follower_poll_seconds=0.05,
            )
        )
        with (
            LiveServer(roi, port=ports["roi"]),
            LiveServer(postings, port=ports["postings"]),
            LiveServer(appeals, port=ports["appeals"]),
            httpx.Client(base_url=base["postings"], timeout=30) as client,
        ):
            register_locations(client)
            for n in range(OFFICERS):
                body = {
                    "officer_id": f"L{n:03d}",
                    "name": f"Officer {n}",
                    "rank": "constable",
                    "division": "north",
                    "place_of_duty": "maidstone",
                    "appointed_on": "2019-09-02",
                }
                assert client.post("/officers", json=body, headers=HR).status_code == 201

            acknowledged: list[str] = []
            refused: list[int] = []
            lock = threading.Lock()

            def decide(n: int) -> None:
                with httpx.Client(base_url=base["postings"], timeout=30) as http:
                    response = http.post(
                        "/postings/compulsory",
                        json=compulsory(officer_id=f"L{n:03d}", likely_posting_date=days(60)),
                        headers=DIRECTOR,
                    )
                with lock:
                    if response.status_code == 201:
                        acknowledged.append(response.json()["id"])
                    else:
                        refused.append(response.status_code)

            with ThreadPoolExecutor(max_workers=4) as pool:
                futures = [pool.submit(decide, n) for n in range(OFFICERS - 1)]
                # Mid-load: once a first decision is acknowledged, while others are on their
                # way (waiting for it, not for a fixed time, which a busy machine outlasts).
                eventually(lambda: bool(acknowledged), timeout=120)
                pg.restart()
                for future in futures:
                    future.result()

            # Refusals during the restart are clear 503s, never a 500.
            assert set(refused) <= {503}
            assert acknowledged, "some decisions were made"
            # Every acknowledged decision is there.
            for posting_id in acknowledged:
                assert client.get(f"/postings/{posting_id}", headers=HR).status_code == 200
            # The service recovers by itself: the next decision is taken.
            last = f"L{OFFICERS - 1:03d}"
            eventually(
                lambda: (
                    client.post(
                        "/postings/compulsory",
                        json=compulsory(officer_id=last, likely_posting_date=days(60)),
                        headers=DIRECTOR,
                    ).status_code
                    in (201, 422)
                ),  # 422: an earlier attempt already took it
                timeout=30,
            )
            # Appeals' follower catches up with every acknowledged decision.
            with httpx.Client(base_url=base["appeals"], timeout=30) as appeals_client:
                eventually(
                    lambda: all(
                        appeals_client.get(
                            f"/posting-decisions/{p}", headers=HEAD_OF_RESOURCING
                        ).status_code
                        == 200
                        for p in acknowledged
                    ),
                    timeout=60,
                )
            verified = client.get("/audit/verify", headers=AUDITOR).json()
            assert verified["ok"] is True
