"""Fixtures: every application test runs twice, on SQLite and on the machine's PostgreSQL,
switched by the database URL alone; each test gets databases built by the migrations."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from services.postings.clients.roi import RoiClient
from shared import migrate
from shared.clock import FixedClock
from shared.runtime import Runtime
from shared.settings import AppealsSettings, PostingsSettings, RoiSettings
from tests.force import NOW
from tests.support import pg, pg_reuse
from tests.support.roi import in_process_roi

#: The browser journeys' fixtures, for every journey module.
pytest_plugins = ["tests.support.journeys"]
BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each service's SQLite database migrated once; tests copy the file."""
    root = tmp_path_factory.mktemp("sqlite-templates")
    paths = {}
    for service in migrate.SERVICES:
        path = root / f"{service}.sqlite3"
        migrate.upgrade(service, f"sqlite:///{path}")
        paths[service] = path
    return paths


@pytest.fixture(scope="session")
def pg_templates() -> Iterator[None]:
    pg.prepare()
    yield
    # The databases this process emptied for its next tests, when there are none.
    pg_reuse.drop_idle()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_urls(
    backend: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> Iterator[dict[str, str]]:
    """A fresh database per service for this test, on the chosen backend."""
    if backend == "sqlite":
        templates: dict[str, Path] = request.getfixturevalue("sqlite_templates")
        urls = {}
        for service, template in templates.items():
            target = tmp_path / f"{service}.sqlite3"
            shutil.copy(template, target)
            urls[service] = f"sqlite:///{target}"
        yield urls
        return
    request.getfixturevalue("pg_templates")
    clones = pg.Clones(pg_reuse.lend)
    try:
        yield clones
    finally:
        pg_reuse.give_back_all(clones.made())


@pytest.fixture
def postings_settings(database_urls: dict[str, str], tmp_path: Path) -> PostingsSettings:
    return PostingsSettings(
        database_url=database_urls["postings"], audit_dir=str(tmp_path / "audit-postings")
    )


@pytest.fixture
def appeals_settings(database_urls: dict[str, str], tmp_path: Path) -> AppealsSettings:
    return AppealsSettings(
        database_url=database_urls["appeals"],
        follower_poll_seconds=0.05,
        audit_dir=str(tmp_path / "audit-appeals"),
    )


@pytest.fixture
def roi_settings(database_urls: dict[str, str], tmp_path: Path) -> RoiSettings:
    return RoiSettings(database_url=database_urls["roi"], audit_dir=str(tmp_path / "audit-roi"))


@pytest.fixture
def roi_question(database_urls: dict[str, str]) -> Iterator[RoiClient]:
    """The real ROI service on this test's ROI database, for postings to ask."""
    with in_process_roi(database_urls["roi"]) as roi:
        yield roi


@pytest.fixture
def two_processes(
    postings_settings: PostingsSettings, roi_question: RoiClient
) -> Iterator[tuple[Runtime, Runtime]]:
    """Two postings applications on one database, as two processes of the service are,
    driven in process (tests.support.runtimes)."""
    from services.postings.main import build_runtime

    first = build_runtime(postings_settings, clock=FixedClock(NOW), roi=roi_question)
    second = build_runtime(postings_settings, clock=FixedClock(NOW), roi=roi_question)
    try:
        yield first, second
    finally:
        first.db.close()
        second.db.close()


@pytest.fixture
def postings_client(
    postings_settings: PostingsSettings, roi_question: RoiClient
) -> Iterator[TestClient]:
    from services.postings.main import create_app

    with TestClient(create_app(postings_settings, roi=roi_question)) as client:
        yield client


@pytest.fixture
def roi_client(roi_settings: RoiSettings) -> Iterator[TestClient]:
    from services.roi.main import create_app

    with TestClient(create_app(roi_settings)) as client:
        yield client


@pytest.fixture(scope="module")
def pg_database_urls(pg_templates: None) -> Iterator[dict[str, str]]:
    """Fresh PostgreSQL databases for the services, shared by one module's tests (the
    console's tests each work on officers of their own)."""
    urls: dict[str, str] = {}
    try:
        for service in migrate.SERVICES:
            urls[service] = pg_reuse.lend(service)
        yield urls
    finally:
        pg_reuse.give_back_all(list(urls.items()))
