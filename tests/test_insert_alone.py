"""Rows stored by one statement that is its own transaction (``Database.insert_alone``, the
consultation log's write): one row, several, more than one statement carries, on both
backends; and a statement refused for one row stores none of them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from services.postings.projections.tables import kernel
from shared.db import ALONE_MAX, Database

CONSULTATIONS = kernel.consultations


def _row(n: int) -> dict[str, object]:
    return {
        "at": datetime(2026, 12, 6, tzinfo=UTC),
        "actor_id": "auditor-1",
        "actor_role": "auditor",
        "officer_id": f"K{n:04d}",
        "what": "/officers",
        "endpoint": "GET /officers",
    }


def _stored(db: Database) -> list[str]:
    with db.unit_of_work(write=False) as session:
        return list(
            session.execute(
                select(CONSULTATIONS.c.officer_id).order_by(CONSULTATIONS.c.id)
            ).scalars()
        )


@pytest.mark.parametrize("count", [1, 3, ALONE_MAX + 1])
def test_every_row_is_stored_whatever_their_number(
    database_urls: dict[str, str], count: int
) -> None:
    db = Database(database_urls["postings"])
    try:
        db.insert_alone(CONSULTATIONS, [_row(n) for n in range(count)])
        assert _stored(db) == [f"K{n:04d}" for n in range(count)]
    finally:
        db.close()


@pytest.mark.parametrize("count", [1, 3, ALONE_MAX + 1])
def test_a_row_refused_stores_none_of_them(database_urls: dict[str, str], count: int) -> None:
    db = Database(database_urls["postings"])
    try:
        rows = [_row(n) for n in range(count)]
        rows[-1] = {**rows[-1], "actor_id": None}  # NOT NULL
        with pytest.raises(IntegrityError):
            db.insert_alone(CONSULTATIONS, rows)
        with db.unit_of_work(write=False) as session:
            assert session.execute(select(func.count()).select_from(CONSULTATIONS)).scalar() == 0
        # The connection it used went back to the pool fit for the next unit of work.
        db.insert_alone(CONSULTATIONS, [_row(7)])
        assert _stored(db) == ["K0007"]
    finally:
        db.close()


class _Undone(Exception):
    pass


def _write_and_fail(db: Database, row: dict[str, object]) -> None:
    with db.unit_of_work(write=True) as session:
        session.execute(CONSULTATIONS.insert(), row)
        raise _Undone


def test_the_connections_it_used_go_back_to_whole_transactions(
    database_urls: dict[str, str],
) -> None:
    """Its connection is lent without a transaction; given back, a unit of work on it must
    again undo what it wrote when it fails. Round the whole pool, and more."""
    db = Database(database_urls["postings"])
    try:
        for n in range(35):
            db.insert_alone(CONSULTATIONS, [_row(n)])
            with pytest.raises(_Undone):
                _write_and_fail(db, _row(1000 + n))
        assert _stored(db) == [f"K{n:04d}" for n in range(35)]
    finally:
        db.close()
