"""On PostgreSQL the service runs as a role that may only read and append to the event log
and its hash chain (audit issue): it works for every command, and UPDATE, DELETE and
TRUNCATE on the log are refused by the database itself."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from services.roi.main import create_app
from shared.settings import RoiSettings
from tests.support import pg
from tests.test_hash_chain import build_history

LOGIN = "op_test_app_login"


@pytest.fixture
def app_role_url() -> Iterator[str]:
    """A fresh ROI database, and its URL as a login role that is a member of the app role."""
    pg.prepare()
    url = pg.clone("roi")
    admin = create_engine(pg.database_url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        role = RoiSettings().db_app_role
        exists = conn.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": LOGIN}
        ).first()
        if not exists:
            conn.execute(text(f'CREATE ROLE "{LOGIN}" LOGIN IN ROLE "{role}"'))
    admin.dispose()
    try:
        yield make_url(url).set(username=LOGIN).render_as_string(hide_password=False)
    finally:
        pg.drop(url)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE roi_events SET topic = topic || 'x'",
        "DELETE FROM roi_events",
        "TRUNCATE roi_events",
        "UPDATE roi_events_chain SET chain_hash = leaf_hash",
        "DELETE FROM roi_events_chain",
    ],
)
def test_the_app_role_appends_but_cannot_rewrite_the_log(app_role_url: str, statement: str) -> None:
    with TestClient(create_app(RoiSettings(database_url=app_role_url))) as client:
        build_history(client, courses=2)  # commands work as this role
        assert client.get("/readyz").status_code == 200

    engine = create_engine(app_role_url)
    try:
        with pytest.raises(ProgrammingError, match="permission denied"), engine.begin() as conn:
            conn.execute(text(statement))
        with engine.begin() as conn:  # the read models stay the service's to change
            conn.execute(text("UPDATE designations SET title = title"))
    finally:
        engine.dispose()
