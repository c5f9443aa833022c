"""Rows a rebuild holds back (``shared.held_writes.hold_inserts``) reach the database as an INSERT
would write them, whether they go as one statement or, on PostgreSQL and in number, by COPY:
each value through its column type's processing, a table of one column as well."""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID, uuid4

import pytest
from psycopg.errors import UniqueViolation
from sqlalchemy import (
    Column,
    Dialect,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    TypeDecorator,
    create_engine,
    delete,
    func,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy_utils.types.uuid import UUIDType

from shared.held_writes import (
    COPY_FROM,
    flush_inserts,
    hold_inserts,
    insert_row,
    update_rows,
    writing_behind,
)
from shared.tables import UtcDateTime
from tests.support.http import eventually
from tests.support.pg import read_alone


class Shouted(TypeDecorator[str]):
    """A type whose processing shows: a row written without it would read back as given."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else value.upper()


metadata = MetaData()
ONE = Table("held_one", metadata, Column("code", String(20), primary_key=True))
#: A column named otherwise than its key, and one SQLAlchemy sets on every UPDATE.
KEYED = Table(
    "held_keyed",
    metadata,
    Column("n", Integer, primary_key=True),
    Column("Display Name", String(40), key="display", nullable=True),
    Column("touched", Integer, onupdate=42, nullable=False),
)
MANY = Table(
    "held_many",
    metadata,
    Column("n", Integer, primary_key=True),
    Column("record_id", UUIDType(), nullable=False),
    Column("note", String(40), nullable=True),
    Column("at", UtcDateTime(), nullable=True),
    Column("loud", Shouted(), nullable=True),
)

#: An hour east of UTC: stored as the same instant in UTC.
EAST = timezone(timedelta(hours=1))


@pytest.mark.parametrize("count", [3, COPY_FROM + 5])
def test_held_rows_are_written_as_given(database_urls: dict[str, str], count: int) -> None:
    engine = create_engine(database_urls["postings"])
    metadata.create_all(engine)
    ids = [uuid4() for _ in range(count)]
    try:
        with Session(engine) as session, session.begin():
            hold_inserts(session)
            for n in range(count):
                insert_row(session, ONE, {"code": f"c{n}"})
                insert_row(
                    session,
                    MANY,
                    {
                        "n": n,
                        "record_id": ids[n],
                        "note": None if n % 2 else f"note {n}",
                        "at": None if n % 3 == 0 else datetime(2026, 1, 1, 9, n % 60, tzinfo=EAST),
                        "loud": None if n % 5 == 0 else f"said {n}",
                    },
                )
            flush_inserts(session)
        with Session(engine) as session:
            codes = set(session.execute(select(ONE.c.code)).scalars())
            rows = session.execute(select(MANY).order_by(MANY.c.n)).all()
    finally:
        metadata.drop_all(engine)
        engine.dispose()
    assert codes == {f"c{n}" for n in range(count)}
    assert len(rows) == count
    for n, row in enumerate(rows):
        assert UUID(str(row.record_id)) == ids[n]
        assert row.note == (None if n % 2 else f"note {n}")
        expected = None if n % 3 == 0 else datetime(2026, 1, 1, 8, n % 60, tzinfo=UTC)
        assert row.at == expected
        assert row.loud == (None if n % 5 == 0 else f"SAID {n}")


# Writes sent behind (``shared.held_writes.writing_behind``): a rebuild of a large log on PostgreSQL
# sends its held rows and merged updates from a thread of their own while it projects the
# next page.


@pytest.fixture
def behind_engine(pg_database_urls: dict[str, str]) -> Iterator[Engine]:
    engine = create_engine(pg_database_urls["postings"])
    metadata.create_all(engine)
    try:
        yield engine
    finally:
        metadata.drop_all(engine)
        engine.dispose()


def _many(n: int, **values: Any) -> dict[str, Any]:
    return {"n": n, "record_id": uuid4(), "note": None, "at": None, "loud": None, **values}


def _now_and_behind(engine: Engine, table: Table) -> Iterator[tuple[str, Session]]:
    """A unit of work holding its rows, on an emptied ``table``: once writing at once, once
    writing behind. What it reads waits for the writes before it, so it reads them all."""
    for mode in ("now", "behind"):
        with Session(engine) as session, session.begin():
            session.execute(delete(table))
            hold_inserts(session)
            with writing_behind(session) if mode == "behind" else contextlib.nullcontext():
                yield mode, session


def test_writes_sent_behind_reach_the_table_as_written_now(behind_engine: Engine) -> None:
    """Rows and updates sent behind are stored as the same ones sent at once: each value
    through its column type's processing, each update after the rows it changes."""
    at = datetime(2026, 1, 1, 9, 30, tzinfo=EAST)
    stored = {}
    for mode, session in _now_and_behind(behind_engine, MANY):
        for n in range(3):
            insert_row(session, MANY, _many(n, note=f"note {n}"))
        flush_inserts(session)
        update_rows(session, MANY, "n", [{"n": n, "at": at, "loud": f"said {n}"} for n in range(2)])
        rows = session.execute(
            select(MANY.c.n, MANY.c.note, MANY.c.at, MANY.c.loud).order_by(MANY.c.n)
        ).all()
        stored[mode] = [tuple(row) for row in rows]
    assert stored["behind"] == stored["now"]
    assert stored["now"] == [
        (0, "note 0", datetime(2026, 1, 1, 8, 30, tzinfo=UTC), "SAID 0"),
        (1, "note 1", datetime(2026, 1, 1, 8, 30, tzinfo=UTC), "SAID 1"),
        (2, "note 2", None, None),
    ]


def test_a_statement_waits_for_the_writes_sent_before_it(behind_engine: Engine) -> None:
    """The thread may not have sent a page's rows yet when the unit of work reads: the read
    waits, and sees them. Here a write ahead of the rows is held until the read waits."""
    read_waits = threading.Event()
    reader = threading.current_thread()

    def when_the_read_waits() -> None:
        eventually(lambda: _inside(reader, "wait"))
        read_waits.set()

    watch = threading.Thread(target=when_the_read_waits)
    with Session(behind_engine) as session, session.begin():
        hold_inserts(session)
        with writing_behind(session) as behind:
            behind.send("a slow write", lambda: _after(read_waits))
            for n in range(COPY_FROM + 1):
                insert_row(session, MANY, _many(n))
            flush_inserts(session)
            watch.start()
            count = session.execute(select(func.count()).select_from(MANY)).scalar()
    watch.join(120)
    assert count == COPY_FROM + 1


def _after(released: threading.Event, done: threading.Event | None = None) -> None:
    # A write that takes its time: what comes after it is sent after it.
    assert released.wait(60)
    if done is not None:
        done.set()


def test_one_page_at_most_waits_behind_the_page_being_projected(behind_engine: Engine) -> None:
    """``page_done`` returns once the writes of the page before are sent: however far the
    database falls behind, the rows held in memory stay two pages' worth."""
    release = threading.Event()
    with Session(behind_engine) as session, session.begin():
        hold_inserts(session)
        with writing_behind(session) as behind:
            first = threading.Event()
            behind.send("a slow write", lambda: _after(release, first))
            behind.page_done()  # the first page: nothing before it to wait for
            assert not first.is_set()
            behind.send("SELECT 1", lambda: None)
            first_done_on_return: list[bool] = []

            def second_page_done() -> None:
                behind.page_done()
                first_done_on_return.append(first.is_set())

            second = threading.Thread(target=second_page_done)
            second.start()
            # The first page's write is let go only once the second page_done is under way.
            eventually(lambda: not second.is_alive() or _inside(second, "page_done"))
            release.set()
            second.join(120)
            assert first_done_on_return == [True]


def _inside(thread: threading.Thread, function: str) -> bool:
    frame = sys._current_frames().get(thread.ident or 0)
    while frame is not None:
        if frame.f_code.co_name == function:
            return True
        frame = frame.f_back
    return False


def test_a_write_that_fails_behind_fails_the_unit_of_work(behind_engine: Engine) -> None:
    """Its error reaches the unit of work at its next statement or as it leaves, and nothing
    of the unit of work is stored."""
    # Raised as SQLAlchemy raises a statement's error, the write's statement named.
    with (  # noqa: PT012 - it is raised as the unit of work leaves
        pytest.raises(IntegrityError) as raised,
        Session(behind_engine) as session,
        session.begin(),
    ):
        hold_inserts(session)
        with writing_behind(session):
            for _ in range(2):
                insert_row(session, MANY, _many(0))  # the same key twice
            insert_row(session, ONE, {"code": "kept?"})
            flush_inserts(session)
    assert isinstance(raised.value.orig, UniqueViolation)
    assert str(raised.value.statement).startswith("COPY held_many (")
    with Session(behind_engine) as session:
        assert session.execute(select(func.count()).select_from(ONE)).scalar() == 0
        assert session.execute(select(func.count()).select_from(MANY)).scalar() == 0


def test_an_error_in_the_unit_of_work_is_not_hidden_by_one_behind(behind_engine: Engine) -> None:
    with (  # noqa: PT012 - raised inside, after a write that fails behind
        pytest.raises(LookupError, match="projecting"),
        Session(behind_engine) as session,
        session.begin(),
    ):
        hold_inserts(session)
        with writing_behind(session):
            for _ in range(2):
                insert_row(session, MANY, _many(0))  # a write that will fail
            flush_inserts(session)
            raise LookupError("projecting")


def test_updates_sent_behind_name_columns_and_set_what_sqlalchemy_sets(
    behind_engine: Engine,
) -> None:
    """A column whose key is not its name is written under its name; an UPDATE of a table
    with a column SQLAlchemy sets on every update (``onupdate``) is sent through SQLAlchemy,
    after the writes sent before it."""
    stored = {}
    for mode, session in _now_and_behind(behind_engine, KEYED):
        for n in range(COPY_FROM + 1):
            insert_row(session, KEYED, {"n": n, "display": f"n{n}", "touched": 0})
        flush_inserts(session)
        update_rows(session, KEYED, "n", [{"n": 1, "display": "one"}])
        rows = session.execute(select(KEYED).where(KEYED.c.n < 3).order_by(KEYED.c.n))
        stored[mode] = [tuple(row) for row in rows]
    assert stored["behind"] == stored["now"] == [(0, "n0", 0), (1, "one", 42), (2, "n2", 0)]


def test_an_interrupted_rebuild_stops_while_a_write_waits_for_another_transaction(
    behind_engine: Engine,
) -> None:
    """Ctrl-C reaches the rebuilding thread, not the one writing: leaving on an error
    cancels the write under way (here waiting for another transaction's lock on a key it
    inserts) and drops those not begun, rather than waiting for them."""
    with behind_engine.connect() as other:
        other.execute(MANY.insert(), _many(0))  # uncommitted: the rebuild's row waits on it
        outcome: list[BaseException] = []

        def rebuild() -> None:
            try:
                with Session(behind_engine) as session, session.begin():
                    hold_inserts(session)
                    with writing_behind(session) as behind:
                        insert_row(session, MANY, _many(0))
                        flush_inserts(session)
                        behind.send("SELECT 1", lambda: None)  # one not begun
                        eventually(lambda: _waiting_for_a_lock(behind_engine))
                        raise KeyboardInterrupt
            except BaseException as exc:
                outcome.append(exc)

        worker = threading.Thread(target=rebuild)
        worker.start()
        worker.join(120)
        # It ended while the other transaction still held its row.
        assert not worker.is_alive()
        assert [type(exc) for exc in outcome] == [KeyboardInterrupt]
        other.rollback()
    assert not [t for t in threading.enumerate() if t.name.startswith("writes-behind")]


def _waiting_for_a_lock(engine: Engine) -> bool:
    return bool(
        read_alone(
            engine,
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND query LIKE 'COPY held_many%'",
        )
    )
