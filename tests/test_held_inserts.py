"""Rows a rebuild holds back (``shared.db.hold_inserts``) reach the database as an INSERT
would write them, whether they go as one statement or, on PostgreSQL and in number, by COPY:
each value through its column type's processing, a table of one column as well."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from uuid import UUID, uuid4

import pytest
from sqlalchemy import (
    Column,
    Dialect,
    Integer,
    MetaData,
    String,
    Table,
    TypeDecorator,
    create_engine,
    select,
)
from sqlalchemy.orm import Session
from sqlalchemy_utils.types.uuid import UUIDType

from shared.db import COPY_FROM, flush_inserts, hold_inserts, insert_row
from shared.tables import UtcDateTime


class Shouted(TypeDecorator[str]):
    """A type whose processing shows: a row written without it would read back as given."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else value.upper()


metadata = MetaData()
ONE = Table("held_one", metadata, Column("code", String(20), primary_key=True))
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
