"""A statement of ours sent to the driver itself, on a unit of work's connection and in its
transaction, past SQLAlchemy's execution of it (ADR 0032).

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
  which every statement must wait for; a test looking at what is sent), the statement
  goes through SQLAlchemy after all, and they see it. SQLAlchemy's own log of statements
  (``echo``) does not list the others.

PostgreSQL only: the text is in the driver's ``%(name)s`` style."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from psycopg.pq import ExecStatus
from sqlalchemy import Connection
from sqlalchemy.orm import Session


class Sent:
    """A statement's rows, as far as its callers read them."""

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self._rows = rows

    def one(self) -> tuple[Any, ...]:
        if len(self._rows) != 1:
            raise RuntimeError(f"one row was expected, the statement gave {len(self._rows)}")
        return self._rows[0]

    def first(self) -> tuple[Any, ...] | None:
        return self._rows[0] if self._rows else None


def send(session: Session, sql: str, params: Mapping[str, Any] | None = None) -> Sent:
    """``sql`` with ``params`` in the unit of work's transaction, its rows read whole."""
    connection = session.connection()
    if _watched(connection):
        result = connection.exec_driver_sql(sql, dict(params) if params is not None else None)
        return Sent([tuple(row) for row in result] if result.returns_rows else [])
    driver = connection.connection.driver_connection
    assert driver is not None  # a connection in a transaction has its driver's
    try:
        with driver.cursor() as cursor:
            cursor.execute(sql, params)
            # Whether rows came, from the result's status: the cursor's description would
            # build a description of every column first.
            result = cursor.pgresult
            rows = result is not None and result.status == ExecStatus.TUPLES_OK
            return Sent(cursor.fetchall() if rows else [])
    except BaseException as exc:
        # SQLAlchemy's own handling, as for a statement it sent (it always raises): the
        # one place that knows everything an error means for the connection and its
        # pool. Pinned by tests/test_driver.py.
        connection._handle_dbapi_exception(exc, sql, cast(Any, params), None, None)


def _watched(connection: Connection) -> bool:
    dispatch = connection.dispatch
    return bool(dispatch.before_cursor_execute) or bool(dispatch.after_cursor_execute)
