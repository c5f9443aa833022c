"""A read (``unit_of_work(write=False)``) writes nothing on either backend. On PostgreSQL each
of its statements is a READ ONLY transaction of its own, sent alone (no BEGIN, no COMMIT), on
a pool of reading connections: the statements psycopg prepared on a connection stay prepared
(a ROLLBACK makes psycopg deallocate them all, issue 18), and a write is not read-only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import DBAPIError

from services.postings.projections.tables import kernel
from shared.db import Database

CONSULTATIONS = kernel.consultations
ROW = {
    "at": datetime(2026, 12, 6, tzinfo=UTC),
    "actor_id": "auditor-1",
    "actor_role": "auditor",
    "officer_id": "K0001",
    "what": "/officers",
    "endpoint": "GET /officers",
}


def _count(db: Database) -> int:
    with db.unit_of_work(write=False) as session:
        return int(session.execute(select(func.count()).select_from(CONSULTATIONS)).scalar_one())


def test_a_write_inside_a_read_is_not_kept(database_urls: dict[str, str], backend: str) -> None:
    db = Database(database_urls["postings"])
    try:
        if backend == "postgresql":
            refused = pytest.raises(DBAPIError, match="read-only transaction")
            with refused, db.unit_of_work(write=False) as session:
                session.execute(insert(CONSULTATIONS), ROW)
        else:
            # SQLite has no read-only transaction; the read rolls back what it did.
            with db.unit_of_work(write=False) as session:
                session.execute(insert(CONSULTATIONS), ROW)
        assert _count(db) == 0

        with db.unit_of_work(write=True) as session:
            session.execute(insert(CONSULTATIONS), ROW)
        assert _count(db) == 1
    finally:
        db.close()


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_reads_keep_prepared_statements_and_writes_after_them_are_not_read_only(
    database_urls: dict[str, str],
) -> None:
    db = Database(database_urls["postings"])
    try:
        # One thread, one unit of work at a time: the pool hands back the one connection.
        for _ in range(8):
            _count(db)
        with db.unit_of_work(write=False) as session:
            prepared = session.execute(
                text("SELECT count(*) FROM pg_prepared_statements WHERE statement ILIKE :s"),
                {"s": "%consultations%"},
            ).scalar_one()
            assert session.execute(text("SHOW transaction_read_only")).scalar_one() == "on"
        assert prepared >= 1

        with db.unit_of_work(write=True) as session:
            assert session.execute(text("SHOW transaction_read_only")).scalar_one() == "off"
    finally:
        db.close()


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_each_statement_of_a_read_is_its_own_transaction(database_urls: dict[str, str]) -> None:
    db = Database(database_urls["postings"])
    try:
        # A read's second statement is alone; a write's follows its BEGIN.
        for write, alone in ((False, True), (True, False)):
            with db.unit_of_work(write=write) as session:
                session.execute(text("SELECT 1"))
                # The two clocks agree during the first statement of a transaction only.
                first = session.execute(
                    text("SELECT transaction_timestamp() = statement_timestamp()")
                ).scalar_one()
            assert first is alone
    finally:
        db.close()


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_reads_keep_the_connections_own_settings(database_urls: dict[str, str]) -> None:
    """Read-only is a setting of the reading session, made as it connects: the settings the
    URL gives (or PGOPTIONS) hold for reads as for writes."""
    url = f"{database_urls['postings']}?options=-c%20statement_timeout%3D4321"
    db = Database(url)
    try:
        for write in (False, True):
            with db.unit_of_work(write=write) as session:
                assert session.execute(text("SHOW statement_timeout")).scalar_one() == "4321ms"
    finally:
        db.close()
