"""A rebuild's writes, held back and sent many at a time: rows inserted by COPY (on
PostgreSQL, in number) or one statement per table, officers' merged updates, and, for a
large log on PostgreSQL, all of them sent from a thread of their own while the next page
is projected (``writing_behind``). Live units of work write at once."""

from __future__ import annotations

import contextlib
import functools
import operator
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Column,
    Connection,
    Insert,
    MetaData,
    Table,
    Update,
    bindparam,
    event,
    update,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from shared.db import bind_processor
from shared.rebuilt_aside import rows_of

#: Key in ``Session.info`` (which lives as long as one unit of work) of held-back rows.
_HELD = "held_writes.inserts"
Held = dict[tuple[Table, tuple[str, ...]], list[dict[str, Any]]]


def hold_inserts(session: Session) -> None:
    """From now on in this unit of work, ``insert_row`` holds rows back until
    ``flush_inserts``, which sends them many at a time: for a rebuild, whose one
    transaction would otherwise pay a round trip per read-model row."""
    session.info[_HELD] = {}


def holding_inserts(session: Session) -> bool:
    """This unit of work holds rows back (a rebuild): nothing will read them back soon."""
    return _HELD in session.info


def insert_row(session: Session, table: Table, row: dict[str, Any]) -> None:
    """INSERT one row, now or, while rows are held, at the next ``flush_inserts``."""
    held: Held | None = session.info.get(_HELD)
    if held is None:
        session.execute(_insert_into(table), row)
        return
    held.setdefault((table, tuple(sorted(row))), []).append(row)


@functools.cache
def _insert_into(table: Table) -> Insert:
    # Built once per table: building a statement, and its cache key, costs more than
    # sending it.
    return table.insert()


def flush_inserts(session: Session) -> None:
    """Send the held rows, a statement per table and set of columns, parents before the
    tables that refer to them. While ``writing_behind`` runs, they go as COPYs from its
    thread, and this returns at once."""
    held: Held | None = session.info.get(_HELD)
    if not held:
        return
    groups = [
        ((rows_of(session, table), columns), rows)
        for (table, columns), rows in sorted(held.items(), key=lambda item: _rank(item[0][0]))
    ]
    held.clear()
    behind: WritesBehind | None = session.info.get(_BEHIND)
    if behind is not None:
        if not any(_defaults_made_in_python(t, c) for (t, c), _ in groups):
            for (table, columns), rows in groups:
                behind.send(*_copying(session, table, columns, rows))
            return
        # Sent now, from here: after every write sent behind before them.
        behind.wait()
    postgresql = session.get_bind().dialect.name == "postgresql"
    for (table, columns), rows in groups:
        if postgresql and len(rows) >= COPY_FROM and not _defaults_made_in_python(table, columns):
            _copying(session, table, columns, rows)[1]()
        else:
            session.execute(_insert_into(table), rows)


def _rank(table: Table) -> int:
    """Where ``table`` comes among its metadata's tables, parents first. A rebuild flushes
    before every event that reads back (a decision's, in thousands), and sorting the
    metadata's tables each time cost more than the flush's own statements."""
    ranks = _ranks(table.metadata, len(table.metadata.tables))
    if table not in ranks:
        # The metadata changed as many tables as it gained: sorted afresh.
        _ranks.cache_clear()
        ranks = _ranks(table.metadata, len(table.metadata.tables))
    return ranks[table]


@functools.lru_cache(maxsize=64)
def _ranks(metadata: MetaData, _tables: int) -> dict[Table, int]:
    # Keyed by the number of tables too: a table added to the metadata sorts afresh.
    return {table: at for at, table in enumerate(metadata.sorted_tables)}


#: Below this many rows, one multi-row INSERT costs less than COPY's own exchanges (a
#: rebuild flushes before every event whose handler reads back, often with a few rows).
COPY_FROM = 100


def _defaults_made_in_python(table: Table, columns: tuple[str, ...]) -> bool:
    """Whether a column the rows leave out would be filled by SQLAlchemy, not the database:
    COPY knows nothing of that, so such rows go as INSERTs."""
    return any(c.default is not None for c in table.columns if c.key not in columns)


def _copying(
    session: Session, table: Table, columns: tuple[str, ...], rows: list[dict[str, Any]]
) -> tuple[str, Callable[[], None]]:
    """Rows sent with PostgreSQL's COPY, in the unit of work's own transaction: a rebuild's
    hundreds of thousands of rows are one stream per table, not a statement each. Each
    value goes through its column type's bind processing, as an INSERT would send it.
    Made here, run when called: everything of the session is read now, so that the call
    touches only the driver's connection (``writing_behind`` calls it from its thread)."""
    connection = session.connection()
    dialect = connection.dialect
    quote = dialect.identifier_preparer
    # Only the columns whose type processes a value are visited one by one: of an audit
    # row's fourteen values, three are.
    processed = [
        (at, _same_once(process) if _repeats(table.c[name]) else process)
        for at, name in enumerate(columns)
        if (process := bind_processor(dialect, table.c[name])) is not None
    ]
    pick = operator.itemgetter(*columns) if len(columns) > 1 else lambda row: (row[columns[0]],)
    # The rows are keyed by each column's key, which may differ from its name.
    names = ", ".join(quote.quote(table.c[key].name) for key in columns)
    statement = f"COPY {quote.format_table(table)} ({names}) FROM STDIN"
    driver = connection.connection.driver_connection
    assert driver is not None

    def copy() -> None:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                values = pick(row)
                if processed:
                    values = list(values)
                    for at, process in processed:
                        values[at] = process(values[at])
                copy.write_row(values)

    return statement, copy


def _repeats(column: Column[Any]) -> bool:
    """Whether a column's values repeat from row to row: a record's id, in every row of its
    acts (a page's events of one record share one id object, ``shared.decoding``)."""
    try:
        return column.type.python_type is UUID
    except NotImplementedError:
        return False


def _same_once(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``process``, each value processed once: formatting a UUID as text, in Python, cost
    a rebuild a tenth of its projecting process's time, one record's id again and again."""
    done: dict[Any, Any] = {}

    def once(value: Any) -> Any:
        found = done.get(value, done)
        if found is done:
            found = done[value] = process(value)
        return found

    return once


#: Key in ``Session.info``: the writes a rebuild sends from a thread of their own.
_BEHIND = "held_writes.behind"


class WritesBehind:
    """A rebuild's held writes, sent in order from a thread of their own while the next
    page is projected. Any statement the unit of work sends itself first waits for every
    write sent before it, so the database sees all in the order the unit of work made
    them."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._dialect = connection.dialect
        driver = connection.connection.driver_connection
        assert driver is not None
        self._driver = driver
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="writes-behind")
        # One thread runs the writes in the order they were sent.
        self._last_page: list[tuple[str, Future[None]]] = []
        self._this_page: list[tuple[str, Future[None]]] = []
        event.listen(connection, "before_cursor_execute", self.wait)

    def send(self, statement: str, write: Callable[[], None]) -> None:
        """``write`` sends ``statement``, which names it if it fails."""
        self._this_page.append((statement, self._thread.submit(write)))

    def page_done(self) -> None:
        """At most one page's writes wait behind the page being projected: the rows held
        in memory stay two pages' worth, however far the database falls behind."""
        self._wait(self._last_page)
        self._last_page, self._this_page = self._this_page, []

    def wait(self, *_: Any) -> None:
        """Until every write sent so far is done; raises the first error one met."""
        self._wait(self._last_page)
        self._wait(self._this_page)

    def _wait(self, writes: list[tuple[str, Future[None]]]) -> None:
        while writes:
            statement, write = writes.pop(0)
            try:
                write.result()
            except Exception as exc:
                # As SQLAlchemy raises a statement's error (IntegrityError, OperationalError,
                # ...), the write's statement named: it is raised at another statement.
                error = self._dialect.loaded_dbapi.Error
                raise DBAPIError.instance(statement, None, exc, error) from exc

    def close(self, failed: bool) -> None:
        event.remove(self._connection, "before_cursor_execute", self.wait)
        if not failed:
            try:
                self.wait()
            finally:
                self._thread.shutdown()
            return
        # The unit of work rolls back: writes not begun are dropped, and the one under way
        # is cancelled, so that an interrupted rebuild stops now, not once a write that
        # waits for another transaction's lock gets it. The rollback waits for the thread.
        self._thread.shutdown(wait=False, cancel_futures=True)
        with contextlib.suppress(Exception):
            self._driver.cancel_safe()
        self._thread.shutdown(wait=True)


@contextmanager
def writing_behind(session: Session) -> Iterator[WritesBehind]:
    """For a rebuild of a large log on PostgreSQL: held rows (``flush_inserts``) and merged
    updates (``update_rows``) are sent from a thread of their own, so the database takes
    in one page's rows while the next page is projected. Leaving waits for the last write,
    and raises what it met; leaving on an error cancels the write under way and drops
    those not begun (``WritesBehind.close``)."""
    behind = WritesBehind(session.connection())
    session.info[_BEHIND] = behind
    failed = True
    try:
        yield behind
        failed = False
    finally:
        session.info.pop(_BEHIND, None)
        behind.close(failed)


def update_rows(session: Session, table: Table, key: str, rows: list[dict[str, Any]]) -> None:
    """``UPDATE table SET the row's other columns WHERE key = the row's key``, for rows that
    all name the same columns: now, or while ``writing_behind`` runs, from its thread."""
    if not rows:
        return
    behind: WritesBehind | None = session.info.get(_BEHIND)
    if behind is not None:
        columns = tuple(name for name in rows[0] if name != key)
        if not _set_in_python(table, (key, *columns)):
            behind.send(*_updating(session, table, key, columns, rows))
            return
        # Sent now, from here: after every write sent behind before it.
        behind.wait()
    session.execute(
        _update_by(table, key), [{"w_key": row[key], **_without(row, key)} for row in rows]
    )


def _set_in_python(table: Table, columns: tuple[str, ...]) -> bool:
    """Whether an UPDATE of these columns would have SQLAlchemy set others too (a column's
    ``onupdate``): only an UPDATE through SQLAlchemy does that."""
    return any(c.onupdate is not None for c in table.columns if c.key not in columns)


@functools.cache
def _update_by(table: Table, key: str) -> Update:
    # Built once per table and key, as ``_insert_into``.
    return update(table).where(table.c[key] == bindparam("w_key"))


def _without(row: dict[str, Any], key: str) -> dict[str, Any]:
    return {name: value for name, value in row.items() if name != key}


def _updating(
    session: Session,
    table: Table,
    key: str,
    columns: tuple[str, ...],
    rows: list[dict[str, Any]],
) -> tuple[str, Callable[[], None]]:
    """As ``_copying``: made here, reading the session now, and run by the driver alone."""
    connection = session.connection()
    dialect = connection.dialect
    quote = dialect.identifier_preparer
    # The names are the table's own columns (a column's key may differ from its name),
    # never a caller's text.
    settings = ", ".join(
        f"{quote.quote(table.c[name].name)} = %(c{at})s" for at, name in enumerate(columns)
    )
    statement = (
        f"UPDATE {quote.format_table(table)} SET {settings} "  # noqa: S608
        f"WHERE {quote.quote(table.c[key].name)} = %(key)s"
    )
    processors = [
        (f"c{at}", name, bind_processor(dialect, table.c[name])) for at, name in enumerate(columns)
    ]
    process_key = bind_processor(dialect, table.c[key])
    params = [
        {
            "key": row[key] if process_key is None else process_key(row[key]),
            **{
                param: row[name] if process is None else process(row[name])
                for param, name, process in processors
            },
        }
        for row in rows
    ]
    driver = connection.connection.driver_connection
    assert driver is not None

    def update_them() -> None:
        with driver.cursor() as cursor:
            cursor.executemany(statement, params)

    return statement, update_them
