"""Statements of ours sent to the driver itself, on a connection and in its transaction,
past SQLAlchemy's execution of them (ADR 0032): ``send`` for a unit of work's few
statements of text, ``rows`` for the reads that walk the whole log.

For the few statements sent as text on a decision's path (the records' locks, the log's
ordering, the log write's two statements) and ``insert_if_absent``'s (each event a
follower applies), SQLAlchemy's execution context and result added as much CPU as
psycopg's own work did (about 45 microseconds a statement, measured). What SQLAlchemy
does besides is kept:

- an error is handled by SQLAlchemy's own handling of an error a statement met: raised as
  SQLAlchemy raises it (``IntegrityError``, ``OperationalError``, ...), naming the
  statement, so that callers handle it as before; a connection it says is gone
  invalidated, and the pool with it, so that no other connection of the same server is
  handed out again; an interrupted statement's connection dropped;
- where anything listens to the connection's statements (a rebuild's writes sent behind,
  which every statement must wait for; a test looking at what is sent), ``send``'s
  statement goes through SQLAlchemy after all, and they see it. SQLAlchemy's own log of
  statements (``echo``) does not list the others.

``send`` takes PostgreSQL's text only (the driver's ``%(name)s`` style); ``rows`` takes a
statement SQLAlchemy compiled for the connection's dialect, SQLite's too."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from psycopg.pq import ExecStatus
from sqlalchemy import Connection
from sqlalchemy.engine import Compiled
from sqlalchemy.orm import Session


class Sent:
    """A statement's rows, as far as its callers read them."""

    def __init__(self, rows: list[Any]) -> None:
        self._rows = rows

    def one(self) -> Any:
        if len(self._rows) != 1:
            raise RuntimeError(f"one row was expected, the statement gave {len(self._rows)}")
        return self._rows[0]

    def first(self) -> Any:
        return self._rows[0] if self._rows else None

    def all(self) -> list[Any]:
        return self._rows

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows)


def send(session: Session, sql: str, params: Mapping[str, Any] | None = None) -> Sent:
    """``sql`` with ``params`` in the unit of work's transaction, its rows read whole
    (PostgreSQL)."""
    return send_on(session.connection(), sql, params)


def send_on(connection: Connection, sql: str, params: Mapping[str, Any] | None = None) -> Sent:
    """As ``send``, on a connection the caller has in hand (in its transaction)."""
    if _watched(connection):
        result = connection.exec_driver_sql(sql, dict(params) if params is not None else None)
        return Sent([tuple(row) for row in result] if result.returns_rows else [])
    return Sent(_run(connection, sql, params))


def rows(connection: Connection, compiled: Compiled, params: dict[str, Any]) -> list[Any]:
    """``compiled``'s rows on ``connection`` (in its transaction), as the driver's own
    tuples: for the reads that walk the whole log (verification, a rebuild), where building
    SQLAlchemy's rows cost as much again as reading them. On PostgreSQL the values come in
    its binary form, bytes as they are stored where the text form is hex to decode.

    What SQLAlchemy would do around the statement is not done: no result processing (the
    caller converts what its columns need), no bind processing of parameters (pass values
    the driver takes as they are: integers, text), and no expanding of ``in_`` lists. Nor
    does it wait for a listener: a rebuild reads its next page while its writes are sent
    behind."""
    values: dict[str, Any] = dict(compiled.construct_params(params) or {})
    # Drivers that take parameters by position (SQLite's) name them in this order.
    positions: list[str] | None = getattr(compiled, "positiontup", None)
    given = values if positions is None else [values[n] for n in positions]
    binary = connection.dialect.name == "postgresql"
    return _run(connection, str(compiled), given, binary=binary)


def _run(connection: Connection, sql: str, params: Any, *, binary: bool = False) -> list[Any]:
    driver = connection.connection.driver_connection
    assert driver is not None  # a connection in a transaction has its driver's
    try:
        if binary or connection.dialect.name != "postgresql":
            # A page of the whole log (its cursor, and the page it holds, go at once), or
            # SQLite's cursor, which is cheap to make.
            cursor = driver.cursor(binary=True) if binary else driver.cursor()
            try:
                cursor.execute(sql, params)
                return cursor.fetchall() if _gave_rows(cursor) else []
            finally:
                cursor.close()
        cursor = _kept_cursor(driver)
        cursor.execute(sql, params)
        return cursor.fetchall() if _gave_rows(cursor) else []
    except BaseException as exc:
        # SQLAlchemy's own handling, as for a statement it sent (it always raises): the
        # one place that knows everything an error means for the connection and its
        # pool. Pinned by tests/test_driver.py.
        connection._handle_dbapi_exception(exc, sql, params, None, None)


#: The attribute of a driver's connection holding its cursor for ``send``, kept while the
#: connection lives: making one copies the connection's adapters, about a twentieth of the
#: driver's CPU for a statement (py-spy). A connection serves one unit of work at a time,
#: so its cursor does too; the cursor keeps only its last statement's few rows until the
#: next one. Kept on the connection itself (the cursor refers to it), so both go together.
_KEPT_CURSOR = "_officer_postings_cursor"


def _kept_cursor(driver: Any) -> Any:
    cursor = getattr(driver, _KEPT_CURSOR, None)
    if cursor is None or cursor.closed:
        cursor = driver.cursor()
        setattr(driver, _KEPT_CURSOR, cursor)
    return cursor


def _gave_rows(cursor: Any) -> bool:
    """Whether the statement gave rows. On PostgreSQL from the result's status: psycopg's
    description would describe every column first."""
    result = getattr(cursor, "pgresult", None)
    if result is None:
        return cursor.description is not None  # SQLite's cursor
    return bool(result.status == ExecStatus.TUPLES_OK)


def _watched(connection: Connection) -> bool:
    dispatch = connection.dispatch
    return bool(dispatch.before_cursor_execute) or bool(dispatch.after_cursor_execute)
