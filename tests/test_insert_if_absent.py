"""``insert_if_absent``, which a follower uses for effects it may apply again (a feed read
from the start): built once per table and key, it still inserts whatever columns each row
gives, says whether the row went in, and leaves a row already there as it was, on both
backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Column, MetaData, String, Table, func, select
from sqlalchemy.exc import StatementError

from services.appeals.projections.tables import posting_decisions
from shared.db import Database, _if_absent_once, insert_if_absent


def _decision(posting_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "posting_id": posting_id,
        "officer_id": "K100",
        "kind": "compulsory",
        "division": "north",
        "decided_by": "dhr",
        "decided_role": "director_of_hr",
        "decided_at": datetime(2026, 12, 6, 9, tzinfo=UTC),
        "clause": "L1800 3.7",
        "feed_position": 1,
        **overrides,
    }


def test_a_row_goes_in_once_and_the_one_there_stays(database_urls: dict[str, str]) -> None:
    db = Database(database_urls["appeals"])
    key = ["posting_id"]
    try:
        with db.unit_of_work(write=True) as session:
            assert insert_if_absent(session, posting_decisions, _decision("p-1"), key=key)
            # The same key again, with other values: nothing changes.
            again = _decision("p-1", officer_id="K999", feed_position=9)
            assert not insert_if_absent(session, posting_decisions, again, key=key)
            # Another set of columns goes by the same statement.
            notified = _decision("p-2", notified_at=datetime(2026, 12, 6, 10, tzinfo=UTC))
            assert insert_if_absent(session, posting_decisions, notified, key=key)
        with db.unit_of_work(write=False) as session:
            rows = session.execute(
                select(
                    posting_decisions.c.posting_id,
                    posting_decisions.c.officer_id,
                    posting_decisions.c.feed_position,
                    posting_decisions.c.notified_at,
                ).order_by(posting_decisions.c.posting_id)
            ).all()
        assert [tuple(r) for r in rows] == [
            ("p-1", "K100", 1, None),
            ("p-2", "K100", 1, datetime(2026, 12, 6, 10, tzinfo=UTC)),
        ]
    finally:
        db.close()


def test_a_value_for_no_column_is_refused_and_nothing_stored(
    database_urls: dict[str, str],
) -> None:
    """A misspelt column would otherwise be dropped and its column left NULL or default."""
    db = Database(database_urls["appeals"])
    try:
        with db.unit_of_work(write=True) as session, pytest.raises(ValueError, match="notifed"):
            insert_if_absent(
                session, posting_decisions, _decision("p-1", notifed_at=None), key=["posting_id"]
            )
        with db.unit_of_work(write=False) as session:
            count = select(func.count()).select_from(posting_decisions)
            assert session.execute(count).scalar() == 0
    finally:
        db.close()


def test_the_postgresql_statement_is_text_compiled_once(pg_database_urls: dict[str, str]) -> None:
    """The tables a follower, a command's idempotency key and an officer's key go to take
    the text compiled once, not SQLAlchemy's compiling for every row (PostgreSQL's INSERT
    has no cache key; SQLite's statement is SQLAlchemy's, as before)."""
    db = Database(pg_database_urls["appeals"])
    try:
        once = _if_absent_once("postgresql", posting_decisions, ("posting_id",))
        key = ["posting_id"]
        with db.unit_of_work(write=True) as session:
            assert insert_if_absent(session, posting_decisions, _decision("p-1"), key=key)
            assert not insert_if_absent(session, posting_decisions, _decision("p-1"), key=key)
        # One form for these columns on this database's dialect, used by both inserts (the
        # module's other tests leave forms of their own).
        dialect, names = db.engine.dialect, set(_decision("p-1"))
        (form,) = [f for (d, n), f in once._forms.items() if d is dialect and n == names]
        assert form is not None
        assert form.sql.startswith("INSERT INTO posting_decisions ")
        assert "ON CONFLICT (posting_id) DO NOTHING" in form.sql
    finally:
        db.close()


def test_each_value_is_sent_as_sqlalchemy_would_send_it(database_urls: dict[str, str]) -> None:
    """On PostgreSQL the statement goes as text compiled once, past SQLAlchemy's execution:
    a value its column's type turns into another (an instant to UTC) is still turned, and
    one the type refuses (a naive datetime) is refused as SQLAlchemy refuses it, with
    nothing stored."""
    db = Database(database_urls["appeals"])
    key = ["posting_id"]
    summer = timezone(timedelta(hours=1))
    try:
        with db.unit_of_work(write=True) as session:
            at = datetime(2026, 7, 6, 10, tzinfo=summer)
            assert insert_if_absent(
                session, posting_decisions, _decision("p-1", decided_at=at), key=key
            )
        naive = _decision("p-2", decided_at=datetime(2026, 7, 6, 10))
        with (
            db.unit_of_work(write=True) as session,
            pytest.raises(StatementError, match="naive datetimes"),
        ):
            insert_if_absent(session, posting_decisions, naive, key=key)
        with db.unit_of_work(write=False) as session:
            rows = session.execute(
                select(posting_decisions.c.posting_id, posting_decisions.c.decided_at)
            ).all()
        assert [tuple(r) for r in rows] == [("p-1", datetime(2026, 7, 6, 9, tzinfo=UTC))]
    finally:
        db.close()


def test_a_column_made_in_python_is_made(database_urls: dict[str, str]) -> None:
    """A column whose default Python makes takes a value nobody gave: that statement goes
    through SQLAlchemy, which makes it."""
    metadata = MetaData()
    notes = Table(
        "insert_if_absent_notes",
        metadata,
        Column("id", String(10), primary_key=True),
        Column("made", String(10), nullable=False, default=lambda: "made"),
    )
    db = Database(database_urls["appeals"])
    try:
        metadata.create_all(db.engine)
        with db.unit_of_work(write=True) as session:
            assert insert_if_absent(session, notes, {"id": "n-1"}, key=["id"])
            assert not insert_if_absent(session, notes, {"id": "n-1"}, key=["id"])
        with db.unit_of_work(write=False) as session:
            assert session.execute(select(notes.c.id, notes.c.made)).all() == [("n-1", "made")]
    finally:
        metadata.drop_all(db.engine)
        db.close()
