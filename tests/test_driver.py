"""A statement sent to the driver itself (``shared.driver.send``) is part of its unit of work
as one SQLAlchemy sends: in its transaction, its errors raised as SQLAlchemy raises them,
and a connection found gone dropped from the pool. Where something listens to the
statements, it still sees them. On PostgreSQL, the only database the text is for."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, bindparam, event, select
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from shared import driver
from shared.db import Database
from tests.support.pg import read_alone

metadata = MetaData()
notes = Table(
    "driver_notes",
    metadata,
    Column("n", Integer, primary_key=True),
    Column("note", String(20), nullable=False),
)

_INSERT = "INSERT INTO driver_notes (n, note) VALUES (%(n)s, %(note)s) RETURNING n"


@pytest.fixture
def db(pg_database_urls: dict[str, str]) -> Iterator[Database]:
    database = Database(pg_database_urls["postings"])
    metadata.create_all(database.engine)
    try:
        yield database
    finally:
        metadata.drop_all(database.engine)
        database.close()


def _stored(db: Database) -> list[tuple[Any, ...]]:
    with db.unit_of_work(write=False) as session:
        return [tuple(r) for r in session.execute(select(notes).order_by(notes.c.n))]


def test_rows_come_back_and_the_write_commits_with_its_unit_of_work(db: Database) -> None:
    with db.unit_of_work(write=True) as session:
        assert driver.send(session, _INSERT, {"n": 1, "note": "sent"}).one() == (1,)
        session.execute(notes.insert(), {"n": 2, "note": "by SQLAlchemy"})
        # The driver's statement sees what SQLAlchemy's wrote, in the same transaction.
        counted = driver.send(session, "SELECT count(*) FROM driver_notes")
        assert counted.one() == (2,)
        assert driver.send(session, "SELECT n FROM driver_notes WHERE n = 9").first() is None
    assert _stored(db) == [(1, "sent"), (2, "by SQLAlchemy")]


def test_a_refused_write_is_raised_as_sqlalchemy_raises_it_and_nothing_stays(
    db: Database,
) -> None:
    with db.unit_of_work(write=True) as session:
        driver.send(session, _INSERT, {"n": 1, "note": "first"})

    def second_then_again() -> None:
        with db.unit_of_work(write=True) as session:
            driver.send(session, _INSERT, {"n": 2, "note": "second"})
            driver.send(session, _INSERT, {"n": 1, "note": "again"})

    with pytest.raises(IntegrityError) as raised:
        second_then_again()
    assert "driver_notes" in str(raised.value.statement)
    assert raised.value.params == {"n": 1, "note": "again"}
    # The second's first row went with the transaction; the connection is fit for the next.
    assert _stored(db) == [(1, "first")]
    with db.unit_of_work(write=True) as session:
        driver.send(session, _INSERT, {"n": 3, "note": "after"})
    assert _stored(db) == [(1, "first"), (3, "after")]


def test_a_connection_found_gone_is_dropped_with_every_other_the_pool_holds(
    db: Database,
) -> None:
    """As when a statement SQLAlchemy sent meets a lost connection: the pool is invalidated
    too, since a server that dropped one connection (a restart, a failover) has dropped the
    others, which would each fail one request more if handed out again."""
    with db.engine.connect() as one, db.engine.connect() as other:
        pooled = {c.exec_driver_sql("SELECT pg_backend_pid()").scalar_one() for c in (one, other)}
    with db.unit_of_work(write=True) as session:
        driver.send(session, _INSERT, {"n": 1, "note": "first"})
    pids: list[int] = []

    def cut_off_midway() -> None:
        with db.unit_of_work(write=True) as session:
            pids.append(driver.send(session, "SELECT pg_backend_pid()").one()[0])
            # From the pool's other connection.
            read_alone(db.engine, "SELECT pg_terminate_backend(:pid)", pid=pids[0])
            driver.send(session, _INSERT, {"n": 2, "note": "lost"})

    with pytest.raises(OperationalError) as raised:
        cut_off_midway()
    assert raised.value.connection_invalidated
    assert "driver_notes" in str(raised.value.statement)
    assert pids[0] in pooled
    with db.unit_of_work(write=True) as session:
        # Neither the lost connection nor the live one pooled beside it.
        assert driver.send(session, "SELECT pg_backend_pid()").one()[0] not in pooled
        driver.send(session, _INSERT, {"n": 3, "note": "after"})
    assert _stored(db) == [(1, "first"), (3, "after")]


def test_what_listens_to_the_statements_still_sees_them(db: Database) -> None:
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        with db.unit_of_work(write=True) as session:
            assert driver.send(session, _INSERT, {"n": 1, "note": "seen"}).one() == (1,)
            assert driver.send(session, "SELECT n FROM driver_notes WHERE n = 9").first() is None
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert [s for s in seen if "driver_notes" in s] == [
        _INSERT,
        "SELECT n FROM driver_notes WHERE n = 9",
    ]
    assert _stored(db) == [(1, "seen")]


def test_a_statement_without_rows_gives_none(db: Database) -> None:
    with db.unit_of_work(write=True) as session:
        taken = driver.send(session, "SELECT pg_advisory_xact_lock(%(k)s)", {"k": 7})
        assert len(taken.one()) == 1
        assert driver.send(session, "SET LOCAL lock_timeout = 1000").first() is None
        with pytest.raises(RuntimeError, match="gave 0"):
            driver.send(session, "SELECT n FROM driver_notes").one()


def test_a_read_of_the_whole_log_meets_errors_as_sqlalchemy_raises_them(db: Database) -> None:
    """``rows``, the reads a rebuild and verification page through, raise as ``send`` does."""
    with db.unit_of_work(write=True) as session:
        driver.send(session, _INSERT, {"n": 1, "note": "first"})
    compiled = (
        select(notes.c.n).where(notes.c.n > bindparam("after")).compile(dialect=db.engine.dialect)
    )
    with db.engine.connect() as connection:
        assert driver.rows(connection, compiled, {"after": 0}) == [(1,)]
    with db.engine.connect() as connection, pytest.raises(DataError) as raised:
        driver.rows(connection, compiled, {"after": "not a number"})
    assert "driver_notes" in str(raised.value.statement)


def test_a_connection_keeps_one_cursor_for_its_statements_whatever_they_met(
    db: Database,
) -> None:
    """Statements on one connection share its cursor, before and after one is refused, and
    each gives its own rows, not the last statement's."""
    with db.unit_of_work(write=True) as session:
        raw = session.connection().connection.driver_connection
        driver.send(session, _INSERT, {"n": 1, "note": "first"})
        kept = getattr(raw, driver._KEPT_CURSOR)
        assert driver.send(session, "SELECT note FROM driver_notes").all() == [("first",)]
        assert getattr(raw, driver._KEPT_CURSOR) is kept
        assert driver.send(session, "SELECT n FROM driver_notes WHERE n = 9").all() == []
    with pytest.raises(IntegrityError), db.unit_of_work(write=True) as session:
        driver.send(session, _INSERT, {"n": 1, "note": "again"})
    with db.unit_of_work(write=True) as session:
        raw = session.connection().connection.driver_connection
        assert driver.send(session, _INSERT, {"n": 2, "note": "after"}).one() == (2,)
        assert driver.send(session, "UPDATE driver_notes SET note = 'x' WHERE n = 9").all() == []
    assert _stored(db) == [(1, "first"), (2, "after")]


def test_a_cursor_goes_with_its_connection(db: Database) -> None:
    with db.unit_of_work(write=True) as session:
        driver.send(session, "SELECT 1")
        raw = session.connection().connection.driver_connection
        assert raw is not None
        cursor = weakref.ref(getattr(raw, driver._KEPT_CURSOR))
    db.engine.dispose()  # the pool closes its connections
    assert raw.closed
    del raw
    gc.collect()
    assert cursor() is None
