"""A read model's order of arrival is the log's: a row that lists follow in the order it
arrived (the audit index's acts, the panel's postings, 1068 requests as submitted, appeals
as lodged) takes the position its event is given in the log.

Why the log's position and not a count of rows: a unit of work projects its rows before it
takes the log's ordering (ADR 0020), so a count drawn then ties with, or comes before, one
drawn by a unit of work that commits first. A client paging through a list would see a row
appear behind the page it has read, and lose it, or read a row twice as the others shift.
Positions are given under the ordering, which is held until commit, so a row's place is
fixed when it becomes visible and every later row sorts after it.

Live, the position is not known when the row is projected, so the row is written with
``UNNUMBERED`` and numbered under the ordering, just after the events are inserted
(``shared.log_write``). Such a row is the one its event's record is: keyed by the record's
id in a column named ``id``. A row that nothing reads back in its own unit of work waits
instead and is inserted there: the audit index's acts, numbered, and the case row an event
opens, which lists nothing and takes no position. A rebuild knows each
event's position as it replays it.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from typing import Any
from uuid import UUID

from sqlalchemy import Column, Table, Update, bindparam, update
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from shared import unnest
from shared.held_writes import insert_row

#: The value of a row's place until the log numbers its event: never seen by another unit
#: of work, which sees the row only once it is committed, and so numbered.
UNNUMBERED = 0

#: Key in ``Session.info``: the position of the event a rebuild is replaying.
_REPLAYING = "arrival.replaying"
#: Keys in ``Session.info``: rows to number, and rows to insert, once positions are given.
_TO_NUMBER = "arrival.to_number"
_TO_INSERT = "arrival.to_insert"

#: An event by its record and version (a stored event names its record as the domain event does).
Event = tuple[UUID | str, int]


def replaying(session: Session, position: int) -> None:
    """A rebuild is projecting the event at ``position``."""
    session.info[_REPLAYING] = position


def place(session: Session, event: Any, column: Column[int]) -> int:
    """The value of ``column`` in the row of ``event``'s record that it writes now: its
    position when it is known, else ``UNNUMBERED`` until the log numbers the event."""
    position: int | None = session.info.get(_REPLAYING)
    if position is not None:
        return position
    to_number: dict[tuple[Table, str], list[tuple[str, Event]]]
    to_number = session.info.setdefault(_TO_NUMBER, defaultdict(list))
    to_number[(column.table, column.name)].append((str(event.originator_id), _event(event)))
    return UNNUMBERED


def insert_numbered(session: Session, event: Any, column: Column[int], row: dict[str, Any]) -> None:
    """Insert ``row`` with ``column`` set to ``event``'s position: now in a rebuild, else
    when the log numbers the event (for a row nothing reads back in its unit of work)."""
    table = column.table
    position: int | None = session.info.get(_REPLAYING)
    if position is not None:
        insert_row(session, table, {**row, column.name: position})
        return
    to_insert: dict[Table, list[tuple[str | None, dict[str, Any], Event]]]
    to_insert = session.info.setdefault(_TO_INSERT, defaultdict(list))
    to_insert[table].append((column.name, row, _event(event)))


def insert_with_the_log(session: Session, event: Any, table: Table, row: dict[str, Any]) -> None:
    """Insert ``row`` with the rows this unit of work numbers, under the log's ordering: on
    PostgreSQL in the same statement, a round trip less than sending it now (on SQLite,
    a statement of its own there); in a rebuild, with the rest it holds. For a row nothing
    reads back in its own unit of work and no rule reads to decide (the audit index's case
    opened by the event)."""
    if session.info.get(_REPLAYING) is not None:
        insert_row(session, table, row)
        return
    to_insert: dict[Table, list[tuple[str | None, dict[str, Any], Event]]]
    to_insert = session.info.setdefault(_TO_INSERT, defaultdict(list))
    to_insert[table].append((None, row, _event(event)))


def _placed(column: str | None, row: dict[str, Any], position: int) -> dict[str, Any]:
    return row if column is None else {**row, column: position}


def number(session: Session, positions: dict[Event, int]) -> None:
    """Under the log's ordering, once its events have their ``positions``: number the rows
    this unit of work wrote, and insert the rows that waited, a statement per table."""
    to_number: dict[tuple[Table, str], list[tuple[str, Event]]]
    to_number = session.info.pop(_TO_NUMBER, None) or {}
    for (table, column), rows in to_number.items():
        session.execute(
            _numbering(table, column),
            [{"row_id": row_id, "arrival_position": positions[event]} for row_id, event in rows],
        )
    to_insert: dict[Table, list[tuple[str | None, dict[str, Any], Event]]]
    to_insert = session.info.pop(_TO_INSERT, None) or {}
    for table, waiting in to_insert.items():
        session.execute(
            table.insert(),
            [_placed(column, row, positions[event]) for column, row, event in waiting],
        )


def numbering_parts(
    session: Session, dialect: Dialect, positions: dict[Event, int]
) -> list[unnest.Fragment]:
    """As ``number``, but as parts of one statement (PostgreSQL, ``shared.unnest``): an
    UPDATE per table numbered, an INSERT per table that waited. A row numbered twice in this
    unit of work takes its last event's position, as the UPDATEs run one by one would give
    it; a table numbered in two columns has its second numbered now, apart, since one
    statement may not change a row twice."""
    to_number: dict[tuple[Table, str], list[tuple[str, Event]]]
    to_number = session.info.pop(_TO_NUMBER, None) or {}
    parts: list[unnest.Fragment] = []
    updated: set[Table] = set()
    for (table, column), rows in to_number.items():
        if table in updated:
            session.execute(
                _numbering(table, column),
                [{"row_id": row_id, "arrival_position": positions[e]} for row_id, e in rows],
            )
            continue
        updated.add(table)
        last = {row_id: positions[event] for row_id, event in rows}
        parts.append(unnest.update_by_id(dialect, table, column, last, f"n{len(parts)}"))
    to_insert: dict[Table, list[tuple[str | None, dict[str, Any], Event]]]
    to_insert = session.info.pop(_TO_INSERT, None) or {}
    for table, waiting in to_insert.items():
        rows_by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for column, row, event in waiting:
            numbered = _placed(column, row, positions[event])
            rows_by_columns[tuple(numbered)].append(numbered)
        for columns, rows in rows_by_columns.items():
            parts.append(unnest.insert(dialect, table, columns, rows, f"i{len(parts)}"))
    return parts


def forget(session: Session) -> None:
    """A unit of work that rolls back numbers nothing."""
    session.info.pop(_TO_NUMBER, None)
    session.info.pop(_TO_INSERT, None)


@functools.cache
def _numbering(table: Table, column: str) -> Update:
    # Built once per table: every decision runs it, under the log's ordering.
    return (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values({column: bindparam("arrival_position")})
    )


def _event(event: Any) -> Event:
    return (event.originator_id, event.originator_version)
