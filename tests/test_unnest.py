"""Rows sent as one array per column (``shared.unnest``), as the log write sends everything
that waits for the log's ordering: values reach the table as an INSERT would send them, a
value too long for its column is refused rather than cut short, several tables go in one
statement, and a row the log numbers twice takes its last event's position."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    select,
)
from sqlalchemy.exc import DataError

from shared import arrival, unnest
from shared.db import Database
from shared.tables import UtcDateTime

metadata = MetaData()


class Kind(enum.StrEnum):
    ONE = "one"


ROWS = Table(
    "unnest_rows",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("seq", BigInteger, nullable=True),
    Column("at", UtcDateTime(), nullable=True),
    Column("note", String(8), nullable=True),
)


@pytest.fixture
def backend() -> str:
    """PostgreSQL only: the log write sends arrays there; SQLite writes a statement each."""
    return "postgresql"


@pytest.fixture
def db(database_urls: dict[str, str]) -> Iterator[Database]:
    db = Database(database_urls["postings"])
    metadata.create_all(db.engine)
    try:
        yield db
    finally:
        db.close()


def _send(db: Database, parts: list[unnest.Fragment]) -> None:
    with db.unit_of_work(write=True) as session:
        session.connection().exec_driver_sql(*unnest.statement(parts))


def _stored(db: Database) -> list[tuple[str, int | None, datetime | None, str | None]]:
    with db.unit_of_work(write=False) as session:
        rows = session.execute(select(ROWS).order_by(ROWS.c.id)).all()
    return [(r.id, r.seq, r.at, r.note) for r in rows]


def test_rows_arrive_as_an_insert_would_send_them(db: Database) -> None:
    kent = timezone(timedelta(hours=1))
    rows: list[dict[str, Any]] = [
        {"id": "a", "seq": 1, "at": datetime(2026, 12, 6, 10, tzinfo=kent), "note": "first"},
        {"id": "b", "seq": None, "at": None, "note": None},
    ]
    dialect = db.engine.dialect
    _send(db, [unnest.insert(dialect, ROWS, ("id", "seq", "at", "note"), rows, "rows")])
    assert _stored(db) == [
        ("a", 1, datetime(2026, 12, 6, 9, tzinfo=UTC), "first"),
        ("b", None, None, None),
    ]


def test_a_value_too_long_for_its_column_is_refused_and_nothing_is_stored(db: Database) -> None:
    rows = [{"id": "a", "note": "short"}, {"id": "b", "note": "far too long"}]
    with pytest.raises(DataError):
        _send(db, [unnest.insert(db.engine.dialect, ROWS, ("id", "note"), rows, "rows")])
    assert _stored(db) == []


def test_several_tables_and_changes_go_in_one_statement(db: Database) -> None:
    dialect = db.engine.dialect
    _send(db, [unnest.insert(dialect, ROWS, ("id", "seq"), [{"id": "a", "seq": 0}], "first")])
    _send(
        db,
        [
            unnest.update_by_id(dialect, ROWS, "seq", {"a": 7}, "numbered"),
            unnest.insert(dialect, ROWS, ("id", "seq"), [{"id": "b", "seq": 8}], "added"),
        ],
    )
    assert _stored(db) == [("a", 7, None, None), ("b", 8, None, None)]


def test_a_row_numbered_twice_takes_its_last_events_position(db: Database) -> None:
    """A unit of work that projects two events of one record numbers its row twice; run one
    by one the second UPDATE wins, and it does in one statement too."""
    record = uuid4()
    dialect = db.engine.dialect
    _send(db, [unnest.insert(dialect, ROWS, ("id",), [{"id": str(record)}], "row")])
    first = SimpleNamespace(originator_id=record, originator_version=1)
    second = SimpleNamespace(originator_id=record, originator_version=2)
    with db.unit_of_work(write=True) as session:
        for event in (first, second):
            assert arrival.place(session, event, ROWS.c.seq) == arrival.UNNUMBERED
        parts = arrival.numbering_parts(session, dialect, {(record, 1): 41, (record, 2): 42})
        session.connection().exec_driver_sql(*unnest.statement(parts))
    assert _stored(db) == [(str(record), 42, None, None)]


ELEMENTS = Table(
    "unnest_elements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("text", Text, nullable=True),
    Column("flag", Boolean, nullable=True),
    Column("record", Uuid(as_uuid=True), nullable=True),
    Column("state", LargeBinary, nullable=True),
    Column("day", Date, nullable=True),
    Column("at", UtcDateTime(), nullable=True),
)

#: Texts that array input would read otherwise unless each is quoted and escaped.
_AWKWARD = [
    "",
    " padded ",
    "NULL",
    "null",
    'a "quoted" word',
    "back\\slash\\",
    "\\",
    '"',
    "{braces},commas",
    "tab\tnew\nline",
    "pound £ and emoji 🚓",
    "\\x41",
]


def test_values_written_as_array_text_arrive_as_themselves(db: Database) -> None:
    """Each type the log write sends as array text, awkward values included, reads back as
    the value written."""
    kent = timezone(timedelta(hours=1))
    rows: list[dict[str, Any]] = [
        {
            "id": i,
            "text": text,
            "flag": i % 2 == 0,
            "record": uuid4(),
            "state": bytes(range(256)) if i == 0 else text.encode(),
            "day": date(2026, 12, 7) + timedelta(days=i),
            "at": datetime(2026, 12, 7, 9, 30, i, 123456, tzinfo=kent),
        }
        for i, text in enumerate(_AWKWARD)
    ]
    rows.append(dict.fromkeys(("text", "flag", "record", "state", "day", "at"), None) | {"id": 99})
    columns = ("id", "text", "flag", "record", "state", "day", "at")
    fragment = unnest.insert(db.engine.dialect, ELEMENTS, columns, rows, "e")
    assert {k: type(v) for k, v in fragment.params.items()} == dict.fromkeys(fragment.params, str)
    _send(db, [fragment])
    with db.unit_of_work(write=False) as session:
        stored = [r._asdict() for r in session.execute(select(ELEMENTS).order_by(ELEMENTS.c.id))]
    assert [{**r, "state": bytes(r["state"]) if r["state"] else r["state"]} for r in stored] == [
        {**row, "at": row["at"].astimezone(UTC) if row["at"] else None} for row in rows
    ]


_EVERY = frozenset({str, int, bool, UUID, bytes, date, datetime})


@pytest.mark.parametrize(
    "values",
    [
        [Decimal("1.5")],
        [1.5],
        [Kind.ONE],
        ["a", Decimal("1")],
        [bytearray(b"x")],
        [datetime(2026, 12, 7, 9, 30)],  # no offset
        [datetime(2026, 12, 7, 9, 30, tzinfo=timezone(timedelta(hours=5, minutes=30)))],
    ],
)
def test_values_of_other_types_are_left_to_the_driver(values: list[Any]) -> None:
    """A type not written here (a subclass, an enum say, among them), or an instant not in
    UTC, goes as the list."""
    assert unnest.array_text(values, _EVERY) is values


def test_a_value_its_column_would_read_otherwise_is_left_to_the_driver() -> None:
    """A boolean for a text column: array input would store ``t``, the driver ``true``."""
    assert unnest.array_text([True], unnest.TEXTS) == [True]
    assert unnest.array_text(["a", 1], unnest.TEXTS) == ["a", 1]


def test_array_text_is_what_array_input_reads() -> None:
    assert unnest.array_text([], unnest.TEXTS) == "{}"
    assert unnest.array_text(["a", None, 'b"\\'], unnest.TEXTS) == '{"a",NULL,"b\\"\\\\"}'
    assert unnest.array_text([1, True], frozenset({int, bool})) == '{"1","t"}'
    assert unnest.array_text([b"\x0a\xff"], unnest.BYTES) == '{"\\\\x0aff"}'


MIXED = Table(
    "unnest_mixed",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("text", Text, nullable=True),
    Column("number", Integer, nullable=True),
    Column("day", Date, nullable=True),
    Column("at", DateTime(timezone=True), nullable=True),
)


def test_values_arrive_as_a_plain_insert_stores_them_whatever_their_type(db: Database) -> None:
    """Values of another type than their column's (a boolean for text or a number, an
    instant for a day, an instant at another offset) are stored as a plain INSERT stores
    them."""
    india = timezone(timedelta(hours=5, minutes=30))
    late = datetime(2026, 12, 7, 23, 30, tzinfo=india)
    rows: list[dict[str, Any]] = [
        {"id": 1, "text": True, "number": True, "day": late, "at": late},
        {"id": 2, "text": False, "number": False, "day": late, "at": late},
    ]
    columns = ("id", "text", "number", "day", "at")
    _send(db, [unnest.insert(db.engine.dialect, MIXED, columns, rows, "m")])
    with db.unit_of_work(write=True) as session:
        unnested = [tuple(r) for r in session.execute(select(MIXED).order_by(MIXED.c.id))]
        session.execute(MIXED.delete())
        session.execute(MIXED.insert(), rows)
        plain = [tuple(r) for r in session.execute(select(MIXED).order_by(MIXED.c.id))]
    assert unnested == plain
