"""A pooled connection is asked whether it still lives only after it has sat idle, or when the
server has written to it while it sat in the pool (issue 18: asking before every unit of
work cost a round trip each). One the server closed meanwhile is replaced, and the unit of
work that wanted it never sees it, however recently it was used."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from shared.db import Database

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


def _backend_pid(db: Database, *, write: bool) -> int:
    with db.unit_of_work(write=write) as session:
        return int(session.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(url: str, pid: int) -> None:
    """Close one backend from outside, as a restart or an idle timeout would, and wait until
    the server has let it go."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            deadline = time.monotonic() + 60
            while conn.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
            ).scalar_one():
                assert time.monotonic() < deadline, "the backend did not end"
                time.sleep(0.05)
    finally:
        engine.dispose()


@pytest.mark.parametrize("idle", [0.0, 3600.0], ids=["asked as idle", "used moments ago"])
@pytest.mark.parametrize("write", [False, True], ids=["read", "write"])
def test_a_connection_closed_in_the_pool_is_replaced_unseen(
    database_urls: dict[str, str], write: bool, idle: float
) -> None:
    # Used moments ago, it is not asked for its age; the server's closing it is seen on
    # its socket.
    db = Database(database_urls["postings"], idle_ping_seconds=idle)
    try:
        first = _backend_pid(db, write=write)
        _terminate(database_urls["postings"], first)
        # The pool holds the closed connection; the next unit of work gets a live one.
        assert _backend_pid(db, write=write) != first
    finally:
        db.close()


@pytest.mark.parametrize("write", [False, True], ids=["read", "write"])
def test_a_connection_used_moments_ago_is_not_asked(
    database_urls: dict[str, str], write: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings: list[Any] = []
    for idle, expected in ((3600.0, 0), (0.0, 2)):
        db = Database(database_urls["postings"], idle_ping_seconds=idle)
        engine = db.engine if write else db._reading
        monkeypatch.setattr(engine.dialect, "do_ping", lambda dbapi: pings.append(dbapi))
        try:
            pings.clear()
            for _ in range(3):
                _backend_pid(db, write=write)
            # The first unit of work made the connection; the next two took it back.
            assert len(pings) == expected
        finally:
            db.close()
