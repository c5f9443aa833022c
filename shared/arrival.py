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
(``shared.log_write``). A row that nothing reads back in its own unit of work (the audit
index's) waits instead and is inserted there, already numbered. A rebuild knows each
event's position as it replays it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from uuid import UUID

from sqlalchemy import Column, Table, and_, bindparam, update
from sqlalchemy.orm import Session

from shared.db import insert_row

#: The value of a row's place until the log numbers its event: never seen by another unit
#: of work, which sees the row only once it is committed, and so numbered.
UNNUMBERED = 0

#: Key in ``Session.info``: the position of the event a rebuild is replaying.
_REPLAYING = "arrival.replaying"
#: Key in ``Session.info``: rows to number, and rows to insert, once positions are given.
_TO_NUMBER = "arrival.to_number"
_TO_INSERT = "arrival.to_insert"

#: An event by its record and version (a stored event names its record as the domain event does).
Event = tuple[UUID | str, int]


def replaying(session: Session, position: int) -> None:
    """A rebuild is projecting the event at ``position``."""
    session.info[_REPLAYING] = position


def place(session: Session, event: Any, table: Table, column: Column[int], **key: Any) -> int:
    """The value of ``column`` for the row of ``table`` at ``key`` that ``event`` writes now:
    its position when it is known, else ``UNNUMBERED`` until the log numbers the event."""
    position: int | None = session.info.get(_REPLAYING)
    if position is not None:
        return position
    to_number: dict[tuple[Table, str, tuple[str, ...]], list[dict[str, Any]]]
    to_number = session.info.setdefault(_TO_NUMBER, defaultdict(list))
    to_number[(table, column.name, tuple(sorted(key)))].append(
        {**{f"key_{name}": value for name, value in key.items()}, "event": _event(event)}
    )
    return UNNUMBERED


def insert_numbered(
    session: Session, event: Any, table: Table, column: Column[int], row: dict[str, Any]
) -> None:
    """Insert ``row`` with ``column`` set to ``event``'s position: now in a rebuild, else
    when the log numbers the event (for a row nothing reads back in its unit of work)."""
    position: int | None = session.info.get(_REPLAYING)
    if position is not None:
        insert_row(session, table, {**row, column.name: position})
        return
    to_insert: list[tuple[Table, str, dict[str, Any], Event]]
    to_insert = session.info.setdefault(_TO_INSERT, [])
    to_insert.append((table, column.name, row, _event(event)))


def number(session: Session, positions: dict[Event, int]) -> None:
    """Under the log's ordering, once its events have their ``positions``: number the rows
    this unit of work wrote, and insert the rows that waited, a statement per table."""
    to_number = session.info.pop(_TO_NUMBER, None) or {}
    for (table, column, key), rows in to_number.items():
        statement = (
            update(table)
            .where(and_(*(table.c[name] == bindparam(f"key_{name}") for name in key)))
            .values({column: bindparam("arrival_position")})
        )
        session.execute(
            statement,
            [
                {
                    **{name: value for name, value in row.items() if name != "event"},
                    "arrival_position": positions[row["event"]],
                }
                for row in rows
            ],
        )
    waiting = session.info.pop(_TO_INSERT, None) or []
    by_table: dict[Table, list[dict[str, Any]]] = defaultdict(list)
    for table, column, row, event in waiting:
        by_table[table].append({**row, column: positions[event]})
    for table, rows in by_table.items():
        session.execute(table.insert(), rows)


def forget(session: Session) -> None:
    """A unit of work that rolls back numbers nothing."""
    session.info.pop(_TO_NUMBER, None)
    session.info.pop(_TO_INSERT, None)


def _event(event: Any) -> Event:
    return (event.originator_id, event.originator_version)
