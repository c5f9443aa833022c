"""A statement of ours sent to the driver itself, on a unit of work's connection and in its
transaction, past SQLAlchemy's execution of it.

For the few statements every decision sends as text (the records' locks, the log's
ordering, the log write), SQLAlchemy's execution context and result added as much CPU as
psycopg's own work did (about 45 microseconds a statement, measured); a decision spent a
fiftieth of its CPU there. What SQLAlchemy does besides is kept:

- a driver error is raised as SQLAlchemy raises it (``IntegrityError``,
  ``OperationalError``, ...), naming the statement, so that callers handle it as before;
- a connection the error says is gone is invalidated, so the pool drops it;
- where anything listens to the connection's statements (a rebuild's writes sent behind,
  which every statement must wait for; a test looking at what is sent), the statement
  goes through SQLAlchemy after all, and they see it.

PostgreSQL only: the text is in the driver's ``%(name)s`` style."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from psycopg.pq import ExecStatus
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
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
    errors: type[Exception] = connection.dialect.loaded_dbapi.Error
    try:
        with driver.cursor() as cursor:
            cursor.execute(sql, params)
            # Whether rows came, from the result's status: the cursor's description would
            # build a description of every column first.
            result = cursor.pgresult
            rows = result is not None and result.status == ExecStatus.TUPLES_OK
            return Sent(cursor.fetchall() if rows else [])
    except errors as exc:
        raw = connection.connection.dbapi_connection
        gone = connection.dialect.is_disconnect(cast(Any, exc), raw, None)
        if gone:
            connection.invalidate(exc)
        raise DBAPIError.instance(
            sql,
            params,
            exc,
            errors,
            connection_invalidated=gone,
            dialect=connection.dialect,
        ) from exc


def _watched(connection: Connection) -> bool:
    dispatch = connection.dispatch
    return bool(dispatch.before_cursor_execute) or bool(dispatch.after_cursor_execute)
