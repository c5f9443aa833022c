"""More of the kernel: idempotency across a restart, migrations on PostgreSQL, one active
follower per feed, the token command, and a database outage answered with 503."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from services.appeals.followers.postings_feed import FEED
from services.appeals.projections.tables import kernel as appeals_kernel
from services.postings.clients.roi import RoiClient
from services.postings.main import create_app
from services.postings.projections.tables import kernel as postings_kernel
from shared import migrate, tokens
from shared.clock import SystemClock
from shared.db import Database
from shared.feed_client import FeedClient
from shared.follower import Follower
from shared.identity import TokenVerifier
from shared.roles import Role
from shared.settings import PostingsSettings
from tests.helpers import (
    COMMANDER_NORTH,
    DECISION_EVENTS,
    count_events,
    redeployment_body,
    register_officer,
)
from tests.support import pg
from tests.support.feeds import appeals_follower_handler
from tests.support.roi import in_process_roi
from tests.support.tokens import bearer

ROOT = Path(__file__).resolve().parent.parent


def test_an_idempotency_key_is_honoured_after_a_restart(
    postings_settings: PostingsSettings, roi_question: RoiClient
) -> None:
    headers = {**COMMANDER_NORTH, "Idempotency-Key": "survives-restart"}
    with TestClient(create_app(postings_settings, roi=roi_question)) as first_life:
        register_officer(first_life)
        first = first_life.post(
            "/postings/redeployments", json=redeployment_body(), headers=headers
        )
    before = count_events(postings_settings.database_url)

    with TestClient(create_app(postings_settings, roi=roi_question)) as second_life:
        again = second_life.post(
            "/postings/redeployments", json=redeployment_body(), headers=headers
        )

    assert again.status_code == first.status_code == 201
    assert again.json() == first.json()
    assert count_events(postings_settings.database_url) == before


@pytest.mark.usefixtures("pg_templates")
@pytest.mark.parametrize("service", migrate.SERVICES)
def test_models_and_migrations_agree_on_postgresql(service: str) -> None:
    url = pg.clone(service)
    try:
        migrate.check(service, url)
    finally:
        pg.drop(url)


@pytest.mark.usefixtures("pg_templates")
def test_only_one_follower_per_feed_is_active_on_postgresql() -> None:
    url = pg.clone("appeals")
    db = Database(url)
    client = FeedClient("http://127.0.0.1:9", lambda: "unused")

    def follower() -> Follower:
        return Follower(
            feed=FEED,
            db=db,
            tables=appeals_kernel,
            client=client,
            handler=appeals_follower_handler(db),
            clock=SystemClock(),
        )

    first, second = follower(), follower()
    try:
        assert first._hold_lock() is True
        assert second._hold_lock() is False  # another instance is following this feed
        first._release_lock()
        assert second._hold_lock() is True  # and takes over when the first lets go
    finally:
        first._release_lock()
        second._release_lock()
        db.close()
        pg.drop(url)


def test_the_token_command_imports_none_of_the_services() -> None:
    """``./dev token`` answers at once: it needs identity and settings, never the services
    (importing them took seconds). Checked by what it imports, not by a stopwatch."""
    probe = (
        "import sys, shared.tokens; "
        "print(sorted(m for m in sys.modules if m.startswith('services')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_token_command_mints_a_token_the_services_accept(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert tokens.main(["--role", "officer", "--officer-id", "K100"]) == 0
    token = capsys.readouterr().out.strip()

    principal = TokenVerifier(PostingsSettings()).verify(token)

    assert principal.role is Role.OFFICER
    assert principal.officer_id == "K100"


@pytest.mark.parametrize(
    "argv",
    [
        ["--role", "officer"],
        ["--role", "slt"],
        ["--role", "divisional_commander", "--division", "north east"],
        ["--role", "hr_resource_planning", "--sub", "x" * 201],
        ["--role", "hr_resource_planning", "--sub", "hr-eve\n"],
        ["--role", "hr_resource_planning", "--ttl-hours", "-5"],
        ["--role", "hr_resource_planning", "--ttl-hours", "1e12"],
    ],
)
def test_the_token_command_refuses_a_token_the_services_would_refuse(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert tokens.main(argv) == 2
    assert capsys.readouterr().out == ""


def _set_database_reachable(name: str, reachable: bool) -> None:
    admin = create_engine(pg.database_url("postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            flag = "true" if reachable else "false"
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {flag}'))
            if not reachable:
                # Cut the connections the service holds, as a database restart would.
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                )
    finally:
        admin.dispose()


@pytest.mark.usefixtures("pg_templates")
def test_a_database_outage_mid_request_is_a_503_and_stores_nothing() -> None:
    url = pg.clone("postings")
    name = make_url(url).database
    assert name is not None
    settings = PostingsSettings(database_url=url)
    roi_url = pg.clone("roi")
    try:
        with in_process_roi(roi_url) as roi, TestClient(create_app(settings, roi=roi)) as client:
            register_officer(client)
            before = count_events(url)
            _set_database_reachable(name, False)
            try:
                down = client.post(
                    "/postings/redeployments", json=redeployment_body(), headers=COMMANDER_NORTH
                )
                not_ready = client.get("/readyz")
            finally:
                _set_database_reachable(name, True)
            assert count_events(url) == before
            back = client.post(
                "/postings/redeployments", json=redeployment_body(), headers=COMMANDER_NORTH
            )
        assert down.status_code == 503
        assert down.json()["type"] == "/problems/database-unavailable"
        assert down.headers["retry-after"] == "2"
        assert not_ready.status_code == 503
        assert back.status_code == 201  # recovered without a restart
        assert count_events(url) == before + DECISION_EVENTS
    finally:
        pg.drop(url)
        pg.drop(roi_url)


@pytest.mark.usefixtures("pg_templates")
def test_a_statement_stopped_by_a_time_limit_is_a_503_that_says_so() -> None:
    """A database that is reachable but stops a statement (here its lock_timeout, behind a
    table held by another session) is not said to be unreachable."""
    url = pg.clone("postings")
    name = make_url(url).database
    admin = create_engine(pg.database_url("postgres"), isolation_level="AUTOCOMMIT")
    holder = create_engine(url)
    try:
        with admin.connect() as conn:
            conn.execute(text(f"ALTER DATABASE \"{name}\" SET lock_timeout = '200ms'"))
        with TestClient(create_app(PostingsSettings(database_url=url))) as client:
            with holder.begin() as held:
                held.execute(
                    text(f"LOCK TABLE {postings_kernel.events.name} IN ACCESS EXCLUSIVE MODE")
                )
                stopped = client.get("/events", headers=bearer(Role.AUDITOR))
            after = client.get("/events", headers=bearer(Role.AUDITOR))
        assert stopped.status_code == 503, stopped.text
        assert stopped.json()["type"] == "/problems/database-timeout"
        assert stopped.headers["retry-after"] == "2"
        assert after.status_code == 200
    finally:
        holder.dispose()
        admin.dispose()
        pg.drop(url)
