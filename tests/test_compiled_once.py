"""``CompiledOnce``: a Core statement compiled once for PostgreSQL and sent to the driver
gives what SQLAlchemy gives for it (the same rows, values of the same types, the same
errors), on both backends, for the statements a decision sends."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import (
    ARRAY,
    Column,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    TypeDecorator,
    bindparam,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from services.postings.projections import projector, strength
from services.postings.projections.tables import establishment, kernel, officers, postings
from services.roi.api import views
from services.roi.projections.tables import commitments
from shared.compiled_once import CompiledOnce
from shared.db import Database
from shared.snapshots import read_ahead_statement

_OFFICER = {
    "officer_id": "K100",
    "aggregate_id": str(uuid4()),
    "name": "A. Officer",
    "rank": "constable",
    "division": "north",
    "place_of_duty": "MAID",
    "appointed_on": date(2020, 1, 6),
    "initial_training_complete": True,
    "skills": "[]",
    "working_pattern": "full_time",
    "welfare_factors": "[]",
    "home_town_exception": False,
    "probation_reviewed": False,
    "version": 3,
}


def _posting(posting_id: str) -> dict[str, Any]:
    return {
        "id": posting_id,
        "decided_seq": 0,
        "kind": "compulsory",
        "state": "awaiting_date",
        "officer_id": "K100",
        "division": "south",
        "from_location": "MAID",
        "to_location": "DOVR",
        "likely_posting_date": date(2027, 3, 1),
        "posting_date": None,
        "decided_by": "dhr",
        "decided_role": "director_of_hr",
        "delegation_id": None,
        "decided_at": datetime(2026, 12, 7, 9, 30, tzinfo=UTC),
        "clause": "L1800 3.7",
        "rationale": "operational need: 100% of the division's cover",
        "details": "{}",
        "facts": "{}",
        "date_confirmed_at": None,
        "version": 1,
        "whose_division": "K100",
    }


def _seeded(db: Database) -> None:
    with db.unit_of_work(write=True) as session:
        session.execute(insert(officers).values(_OFFICER))
        session.execute(
            insert(establishment).values(
                division="south", category="rank", key="constable", target=40
            )
        )
        events = kernel.events
        record = uuid4()
        session.execute(
            insert(events),
            [
                {"originator_id": record, "originator_version": v, "topic": "t", "state": b"\x00%"}
                for v in (1, 2, 3)
            ],
        )
        session.info["record"] = record


@pytest.fixture
def db(database_urls: dict[str, str]) -> Iterator[Database]:
    """Postings' database with an officer, a division's establishment and a record's
    events."""
    db = Database(database_urls["postings"])
    try:
        _seeded(db)
        yield db
    finally:
        db.close()


def _both_ways(
    session: Session, statement: Any, params: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    ours = [row._asdict() for row in CompiledOnce(statement).run(session, params)]
    theirs = [row._asdict() for row in session.execute(statement, params)]
    return ours, theirs


def _typed(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: (type(v), v) for k, v in row.items()} for row in rows]


def test_reads_give_sqlalchemys_rows(db: Database) -> None:
    with db.unit_of_work(write=True) as session:
        ours, theirs = _both_ways(
            session,
            strength._STRENGTH_AT_BOTH_ENDS.statement,
            {"rank": "constable", "origin": "north", "destination": "south"},
        )
        assert _typed(ours) == _typed(theirs)
        # The officer's row counts them in (the table's own triggers).
        assert ours[0]["origin_now"] == 1
        assert ours[0]["destination_target"] == 40
        assert ours[0]["destination_now"] == 0  # a constant sent as SQLAlchemy sends it

        if session.get_bind().dialect.name != "postgresql":
            return  # records are read ahead on PostgreSQL alone
        record = session.execute(select(kernel.events.c.originator_id)).scalars().first()
        ahead = read_ahead_statement(kernel.events, kernel.snapshots, kernel.officer_keys)
        params = {"ids": [record], "floors": [1], "shapes": ["officer"], "key_officers": []}
        ours, theirs = _both_ways(session, ahead, params)
        assert _typed(ours) == _typed(theirs)
        assert [r["originator_version"] for r in ours] == [2, 3]
        assert isinstance(ours[0]["originator_id"], UUID)
        assert bytes(ours[0]["state"]) == b"\x00%"


def test_a_write_returns_what_sqlalchemy_returns(db: Database) -> None:
    """The posting's row as a decision writes it: dates, a time with its zone (the column
    type's own result processing), text with a percent sign."""
    with db.unit_of_work(write=True) as session:
        statement = projector._DECIDED_RETURNING.statement
        ours = projector._DECIDED_RETURNING.run(session, _posting("p-1")).one()._asdict()
        theirs = session.execute(statement, _posting("p-2")).one()._asdict()
        assert _typed([{**ours, "id": None}]) == _typed([{**theirs, "id": None}])
        assert ours["from_division"] == "north"
        assert ours["decided_at"] == datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
        assert ours["decided_at"].tzinfo is not None
        projector._UPDATE_OFFICER.run(
            session, {"b_aggregate": _OFFICER["aggregate_id"], "version": 4, "division": "x"}
        )
    with db.unit_of_work(write=False) as session:
        row = session.execute(select(officers.c.version, officers.c.division)).one()
        assert tuple(row) == (4, "x")
        assert session.execute(select(postings.c.id).order_by(postings.c.id)).scalars().all() == [
            "p-1",
            "p-2",
        ]


def test_the_keyring_read_under_its_lock(database_urls: dict[str, str]) -> None:
    db = Database(database_urls["postings"])
    key = os.urandom(32)
    try:
        with db.unit_of_work(write=True) as session:
            session.execute(
                insert(kernel.officer_keys).values(
                    officer_id="K100", key=key, created_at=datetime(2026, 12, 7, tzinfo=UTC)
                )
            )
        read = select(kernel.officer_keys.c.key).where(
            kernel.officer_keys.c.officer_id == bindparam("officer_id")
        )
        with db.unit_of_work(write=True) as session:
            locked = CompiledOnce(read.with_for_update(read=True))
            assert bytes(locked.run(session, {"officer_id": "K100"}).one().key) == key
            assert locked.run(session, {"officer_id": "K999"}).first() is None
    finally:
        db.close()


def test_a_value_its_type_refuses_is_a_statement_error_and_nothing_is_written(
    db: Database,
) -> None:
    refused = {**_posting("p-1"), "decided_at": "not a time"}
    with (
        pytest.raises(StatementError, match=r"decided_at|not a time"),
        db.unit_of_work(write=True) as session,
    ):
        projector._DECIDED_RETURNING.run(session, refused)
    missing = _posting("p-2")
    del missing["whose_division"]
    with (
        pytest.raises(StatementError, match="whose_division"),
        db.unit_of_work(write=True) as session,
    ):
        projector._DECIDED_RETURNING.run(session, missing)
    with db.unit_of_work(write=False) as session:
        assert session.execute(select(postings.c.id)).first() is None


def test_the_databases_refusal_is_sqlalchemys_error(db: Database) -> None:
    """The same key twice: IntegrityError, as from SQLAlchemy, and the unit of work writes
    nothing."""
    with db.unit_of_work(write=True) as session:
        projector._DECIDED_RETURNING.run(session, _posting("p-1"))
        with pytest.raises(IntegrityError):
            projector._DECIDED_RETURNING.run(session, _posting("p-1"))
        session.rollback()
    with db.unit_of_work(write=False) as session:
        assert session.execute(select(postings.c.id)).first() is None


def test_what_it_does_not_do_goes_through_sqlalchemy(db: Database) -> None:
    """A list expanded when the statement runs is SQLAlchemy's to send; the rows are the
    same."""
    statement = select(officers.c.officer_id, officers.c.version).where(
        officers.c.officer_id.in_(bindparam("ids", expanding=True))
    )
    once = CompiledOnce(statement)
    with db.unit_of_work(write=False) as session:
        rows = once.run(session, {"ids": ["K100", "K999"]}).all()
        assert [tuple(r) for r in rows] == [("K100", 3)]
        if session.get_bind().dialect.name == "postgresql":
            assert once._forms
            assert all(form is None for form in once._forms.values())


def test_the_driver_path_is_taken_on_postgresql_and_listeners_still_see_it(
    pg_database_urls: dict[str, str],
) -> None:
    db = Database(pg_database_urls["postings"])
    try:
        with db.unit_of_work(write=True) as session:
            session.execute(postings.delete())
            session.execute(officers.delete())
        _seeded(db)
        once = CompiledOnce(strength._STRENGTH_AT_BOTH_ENDS.statement)
        params = {"rank": "constable", "origin": "north", "destination": "south"}
        with db.unit_of_work(write=False) as session:
            direct = once.run(session, params).one()
        (form,) = once._forms.values()
        assert form is not None
        assert "%(origin)s" in form.sql
        seen: list[str] = []

        def listen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            with db.unit_of_work(write=True) as session:
                watched = once.run(session, params).one()
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
        assert watched == direct
        assert any("strength_counts" in s for s in seen)
    finally:
        db.close()


def test_the_roi_question_reads_what_sqlalchemy_reads(database_urls: dict[str, str]) -> None:
    """ROI's read of an officer's commitments, asked before every decision: dates, a flag
    and an instant, in the order they start."""
    db = Database(database_urls["roi"])
    base = {
        "officer_id": "K100",
        "designation_id": str(uuid4()),
        "course_code": "C1",
        "ends_on": date(2026, 3, 1),
        "period_months": 18,
        "state": "completed",
        "version": 2,
    }
    try:
        with db.unit_of_work(write=True) as session:
            session.execute(
                insert(commitments),
                [
                    {
                        **base,
                        "id": "c-2",
                        "starts_on": date(2026, 2, 1),
                        "binds": True,
                        "period_ends_on": date(2027, 9, 1),
                        "released_at": datetime(2026, 12, 1, 8, tzinfo=UTC),
                    },
                    {
                        **base,
                        "id": "c-1",
                        "starts_on": date(2025, 2, 1),
                        "binds": False,
                        "period_ends_on": None,
                        "released_at": None,
                    },
                ],
            )
        with db.unit_of_work(write=False) as session:
            ours, theirs = _both_ways(
                session, views._OFFICERS_COMMITMENTS.statement, {"officer_id": "K100"}
            )
            assert _typed(ours) == _typed(theirs)
            assert [r["id"] for r in ours] == ["c-1", "c-2"]
            assert ours[1]["released_at"] == datetime(2026, 12, 1, 8, tzinfo=UTC)
            answer = views.roi_answer(session, "K100", date(2026, 12, 7), "DOVR")
            assert answer.bound
    finally:
        db.close()


_SCRATCH = MetaData()
_LATENT = Table(
    "compiled_once_latent",
    _SCRATCH,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("amount", Numeric(10, 2), nullable=True),
    Column("made", String(20), default=lambda: "made in Python"),
    Column("bumped", Integer, onupdate=lambda: 42),
    Column("class", String(10), nullable=True),
)


def test_what_sqlalchemy_would_add_is_left_to_it(database_urls: dict[str, str]) -> None:
    """A default or an onupdate made in Python, a NUMERIC column (whose result processing
    needs the driver's type code) and a column named by a keyword all go through
    SQLAlchemy, with SQLAlchemy's rows (found by the round's tester)."""
    db = Database(database_urls["postings"])
    _SCRATCH.create_all(db.engine)
    try:
        with db.unit_of_work(write=True) as session:
            CompiledOnce(insert(_LATENT)).run(session, {"id": 1, "amount": Decimal("1.50")})
            CompiledOnce(update(_LATENT).where(_LATENT.c.id == bindparam("b_id"))).run(
                session, {"b_id": 1, "class": "c"}
            )
            ours, theirs = _both_ways(session, select(_LATENT), {})
            assert _typed(ours) == _typed(theirs)
            assert ours == [
                {
                    "id": 1,
                    "amount": Decimal("1.50"),
                    "made": "made in Python",
                    "bumped": 42,
                    "class": "c",
                }
            ]
    finally:
        _SCRATCH.drop_all(db.engine)
        db.close()


class _Money(TypeDecorator[Decimal]):
    impl = Numeric(10, 2)
    cache_ok = True


_NUMBERS = Table(
    "compiled_once_numbers",
    MetaData(),  # PostgreSQL's alone: SQLite has no arrays
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("money", _Money, nullable=True),
    Column("amounts", ARRAY(Numeric(10, 2)), nullable=True),
)


def test_numbers_beneath_a_type_or_in_an_array_are_left_to_sqlalchemy(
    pg_database_urls: dict[str, str],
) -> None:
    """NUMERIC beneath a type of the project's, or as an array's items, needs the driver's
    type code as much as a NUMERIC column (found by the tester of the round's mends)."""
    db = Database(pg_database_urls["postings"])
    _NUMBERS.create(db.engine)
    try:
        with db.unit_of_work(write=True) as session:
            row = {"id": 1, "money": Decimal("1.50"), "amounts": [Decimal("2.25")]}
            returning = CompiledOnce(
                insert(_NUMBERS).returning(_NUMBERS.c.money, _NUMBERS.c.amounts)
            )
            assert tuple(returning.run(session, row).one()) == (Decimal("1.50"), [Decimal("2.25")])
            assert all(form is None for form in returning._forms.values())
    finally:
        _NUMBERS.drop(db.engine)
        db.close()
