"""One database per service: the engine, a per-thread session, and the unit of work in
which an event, its read-model rows, an idempotency record and a follower's position all
commit together or not at all."""

from __future__ import annotations

import functools
import select
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Table,
    create_engine,
    event,
    insert,
    text,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from shared.compiled_once import CompiledOnce
from shared.migrate import ensure_sqlite_folder

#: Rows one multi-row INSERT carries alone: its parameters stay far below PostgreSQL's
#: 65,535, and a statement of more rows is rare enough not to be kept compiled.
ALONE_MAX = 500


#: A pooled connection idle longer than this is asked whether it still lives before it is
#: used; one used more recently is trusted (see ``_ping_when_idle``).
IDLE_PING_SECONDS = 1.0


class Database:
    def __init__(self, url: str, *, idle_ping_seconds: float = IDLE_PING_SECONDS) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        kwargs: dict[str, Any] = {}
        if self.is_sqlite:
            ensure_sqlite_folder(url)
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            # Two pools (below) of half the size one pool had: a process keeps as many
            # connections idle, and opens as many at most, as it did with one. Last in,
            # first out: the connection used last is used next, so under load a few stay
            # warm (their prepared statements with them) and the rest sit idle.
            kwargs.update(pool_size=5, max_overflow=10, pool_use_lifo=True)
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.is_sqlite:
            _make_sqlite_transactional(self.engine)
            self._reading = self.engine
        else:
            # Reads have a pool of their own, of connections in autocommit whose every
            # transaction is READ ONLY (the server refuses a write in one). A read sends its
            # statements alone, each its own transaction, with no BEGIN before it and no
            # COMMIT after: a round trip a statement, where a transaction took two more.
            # Reads were already READ COMMITTED, where each statement sees the database as
            # it is when the statement starts, so nothing a read saw changes. No ROLLBACK
            # is ever sent, so the statements psycopg prepared on a connection stay
            # prepared (a ROLLBACK deallocates them all).
            self._reading = create_engine(self.url, **kwargs, isolation_level="AUTOCOMMIT")
            _read_only_sessions(self._reading)
            for engine in (self.engine, self._reading):
                _ping_when_idle(engine, idle_ping_seconds)
        self.sessions = scoped_session(
            sessionmaker(bind=self.engine, autoflush=True, expire_on_commit=False)
        )
        # SQLite has one writer at a time; serialising writers in-process avoids
        # "database is locked" when a read transaction would have to upgrade to a write.
        self._sqlite_writer = threading.Lock() if self.is_sqlite else None

    @contextmanager
    def unit_of_work(self, *, write: bool) -> Iterator[Session]:
        """A transaction bound to this thread's session. Commits on success when ``write``;
        an error rolls back, so a refused command stores nothing. A read on PostgreSQL runs
        each statement as a READ ONLY transaction of its own, where a write is refused by
        the server (see ``_reading``); on SQLite it is a transaction that rolls back."""
        if self.sessions.registry.has():
            raise RuntimeError("a unit of work is already open on this thread")
        if write and self._sqlite_writer is not None:
            self._sqlite_writer.acquire()
        session = self.sessions()
        session.info[_WRITING] = write
        session.bind = self.engine if write else self._reading
        try:
            yield session
            if write or not self.is_sqlite:
                session.commit()
            else:
                session.rollback()
        except BaseException:
            session.rollback()
            raise
        finally:
            self.sessions.remove()
            if write and self._sqlite_writer is not None:
                self._sqlite_writer.release()

    def insert_alone(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """``rows`` stored together, in a transaction of their own. On PostgreSQL, up to
        ``ALONE_MAX`` rows are one multi-row INSERT sent alone: atomic by itself, one round
        trip where a unit of work takes three (BEGIN, the INSERT, COMMIT). A consultation is
        written after every read that names an officer (issue 18, point 6: without a second
        round trip). More rows, or SQLite (one writer at a time, behind the writer's lock),
        take an ordinary unit of work."""
        if self.is_sqlite or len(rows) > ALONE_MAX:
            with self.unit_of_work(write=True) as session:
                session.execute(insert(table), rows)
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            # One row (the usual consultation) goes by the table's INSERT, compiled once;
            # several are one statement of their values, built for them.
            if len(rows) == 1:
                conn.execute(insert(table), rows[0])
            else:
                conn.execute(insert(table).values(rows))

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def close(self) -> None:
        self.sessions.remove()
        self.engine.dispose()
        if self._reading is not self.engine:
            self._reading.dispose()


def _read_only_sessions(engine: Engine) -> None:
    """Every transaction on the engine's connections READ ONLY, set once as each connection
    is made: a setting of the session, so the connection's own options (the URL's, or
    PGOPTIONS) stay as they are for reads as for writes."""

    @event.listens_for(engine, "connect")
    def _read_only(dbapi_connection: Any, _record: Any) -> None:
        # Autocommit, as the engine's isolation level makes it anyway, from the start: the
        # setting then needs no COMMIT, and no rollback can undo it.
        dbapi_connection.autocommit = True
        dbapi_connection.execute("SET SESSION default_transaction_read_only = on")


def _ping_when_idle(engine: Engine, idle_seconds: float) -> None:
    """Ask a pooled connection whether it still lives when it has been idle longer than
    ``idle_seconds``, or when the server has sent it something while it sat in the pool:
    an idle connection is sent nothing but its end (a restart or an administrator closing
    it sends a FATAL message, then closes the socket). Asking at every checkout
    (SQLAlchemy's ``pool_pre_ping``) cost a round trip before every unit of work, a
    thirteenth of a decision's and a quarter of a one-statement read's; looking at the
    socket costs a system call. A connection found dead is discarded and the pool hands
    out another (SQLAlchemy's ``DisconnectionError`` protocol), so the caller never sees
    it."""

    errors = engine.dialect.loaded_dbapi.Error

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get(_RETURNED_AT)
        if returned is None:
            return  # made just now
        warm = time.monotonic() - returned <= idle_seconds
        if warm and not _sent_something(dbapi_connection, errors):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except errors as exc:
            raise DisconnectionError("the pooled connection had closed") from exc


def _sent_something(dbapi_connection: Any, errors: type[Exception]) -> bool:
    """Whether the server has written to this idle connection (or closed it)."""
    try:
        readable, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
    except (OSError, ValueError, errors):
        return True  # no socket to look at: asking will tell
    return bool(readable)


#: Key in a pooled connection's ``info``: when it was last returned to the pool.
_RETURNED_AT = "db.returned_at"


#: Key in ``Session.info``: the unit of work commits what it writes.
_WRITING = "db.writing"


def writing(session: Session) -> bool:
    """This unit of work commits (``unit_of_work(write=True)``): what it keeps stays."""
    return bool(session.info.get(_WRITING))


def _make_sqlite_transactional(engine: Engine) -> None:
    """pysqlite opens transactions lazily and not for SELECTs; take control so every unit of
    work is one real transaction, and use WAL so readers do not block the writer."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # Wait for other connections (another process, a follower) rather than fail at once;
        # set first so that everything below waits too.
        cursor.execute("PRAGMA busy_timeout=30000")
        # WAL persists in the file; switching needs the database to itself, so only when not
        # already in WAL.
        if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


def insert_if_absent(
    session: Session, table: Table, values: dict[str, Any], *, key: list[str]
) -> bool:
    """INSERT that does nothing when a row with the same key exists (on PostgreSQL and
    SQLite alike): for effects that may be applied again, such as a replay. Whether the
    row was inserted. A row with the key that another transaction has inserted and not
    committed makes this wait for it, as a plain INSERT would."""
    # Values given as the statement runs are matched to columns by name, and a name that is
    # no column would be dropped without a word (``.values()`` refused it): refused here.
    unknown = values.keys() - _column_names(table)
    if unknown:
        raise ValueError(f"{table.name} has no column {', '.join(sorted(unknown))}")
    dialect = session.get_bind().dialect.name
    return _if_absent_once(dialect, table, tuple(key)).run(session, values).first() is not None


@functools.cache
def _column_names(table: Table) -> frozenset[str]:
    # Asked for every event a follower applies: the table's names listed once.
    return frozenset(table.c.keys())


@functools.cache
def _if_absent_once(dialect: str, table: Table, key: tuple[str, ...]) -> CompiledOnce:
    """Built once per table and key, its values given when it runs; on PostgreSQL compiled
    once per set of columns and sent to the driver (ADR 0033): SQLAlchemy keeps no compiled
    form of its PostgreSQL INSERT (``inherit_cache = False``: ON CONFLICT has no cache
    key), so it compiled the statement anew for every row, a third of appeals' CPU
    following postings' feed (py-spy)."""
    statement = pg_insert(table) if dialect == "postgresql" else sqlite_insert(table)
    # RETURNING says whether the row went in: the driver's row count does not (-1 here).
    return CompiledOnce(
        statement.on_conflict_do_nothing(index_elements=list(key)).returning(table.c[key[0]])
    )


@functools.cache
def bind_processor(dialect: Dialect, column: Column[Any]) -> Callable[[Any], Any] | None:
    """What SQLAlchemy does to a value of ``column`` before the driver sends it (None: it is
    sent as it is), for the writes that go to the driver directly (arrays to unnest, COPY
    rows, a rebuild's updates), so that they reach the table as an INSERT's would. Found
    once per dialect and column."""
    processor: Callable[[Any], Any] | None = column.type.dialect_impl(dialect).bind_processor(
        dialect
    )
    return processor


#: PostgreSQL's answers to two transactions that met: a deadlock one of them was chosen to
#: break, and a serialisation failure. Either may simply be run again.
_MET_ANOTHER = frozenset({"40P01", "40001"})


def met_another_transaction(exc: BaseException) -> bool:
    """The database refused this unit of work only because another ran at the same time."""
    return getattr(getattr(exc, "orig", None), "sqlstate", None) in _MET_ANOTHER
