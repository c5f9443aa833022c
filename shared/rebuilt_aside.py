"""A large read model rebuilt beside the old one, on PostgreSQL (issue 18, ADR 0031).

Emptying the audit index and filling it again row by row cost the database most of a
rebuild: each of a million new rows went into nine indexes already holding the million
rows just deleted. Filling a new table with no index, then building each index once over
the sorted rows, costs a quarter of that. So a table marked ``info={"rebuild": "aside"}``
is rebuilt as a new table beside the old one, in the rebuild's own transaction. At the end
its indexes and constraints are built as the old table's are, the old table is dropped and
the new one takes its name and its indexes' names. Readers keep reading the old rows
until the rebuild commits: they wait only from the swap to the commit.

Only a table whose rows the rebuild inserts and never reads or changes may be marked: its
rows are held and sent by ``shared.held_writes``, which sends them to the new table. A
table that cannot be swapped without losing something (``shared.swappable``) is emptied
and refilled as every other read model is. And where the swap cannot be made at the end
(a reader holds the old table, something came to depend on it meanwhile), the new rows
are copied into the old table instead: the rebuild still ends, and ends correct."""

from __future__ import annotations

import functools
import hashlib
import logging
import time
from typing import Any

from sqlalchemy import MetaData, Table, delete, insert, select, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from shared.swappable import why_not_swappable

log = logging.getLogger(__name__)

#: ``Table.info["rebuild"]`` of a read model rebuilt aside.
ASIDE = "aside"
#: Key in ``Session.info``: the tables set aside in this unit of work, old to new.
_ASIDE = "rebuilt_aside.tables"

#: How long the swap waits for the old table at a time, and how long in all, before it puts
#: its rows into the old table instead. Each wait is queued, so readers arriving after it
#: wait behind it, but short: shorter than the database's deadlock check (1 s by default),
#: so a reader that waits for the rebuild meanwhile is let by when it ends, not deadlocked
#: with it for ever. Every statement of the swap after the lock waits as briefly.
LOCK_WAIT = "200ms"
SWAP_WAIT_SECONDS = 3.0

#: A table's oid, its name as the database writes it with its schema, and its schema.
_NAMED = text(
    """
    SELECT c.oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname), n.nspname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.oid = to_regclass(:name)
    """
)

#: The old table's indexes, and the constraint each backs if any, as the database would
#: write them again.
_INDEXES = text(
    """
    SELECT x.indexrelid AS oid, quote_ident(i.relname) AS name,
        pg_get_indexdef(x.indexrelid) AS definition,
        CASE WHEN k.oid IS NOT NULL THEN pg_get_constraintdef(k.oid) END AS constraint_definition
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    LEFT JOIN pg_constraint k ON k.conindid = x.indexrelid AND k.conrelid = x.indrelid
    WHERE x.indrelid = :table
    ORDER BY i.relname
    """
)

#: Each privilege granted on a table: (privilege, grantee as written, with grant option).
_GRANTS = text(
    """
    SELECT a.privilege_type,
        CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END,
        a.is_grantable
    FROM pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
    WHERE c.oid = :table
    """
)

#: Whether the database keeps planner statistics for a table.
_ANALYSED = text(
    "SELECT EXISTS (SELECT FROM pg_stats WHERE schemaname = :schema AND tablename = :table)"
)


class _NotSwapped(Exception):
    """The swap cannot be made now; the new rows go into the old table instead."""


def set_aside(session: Session, tables: list[Table]) -> set[Table]:
    """For each table of ``tables`` marked ``ASIDE`` that can be swapped, a new empty table
    beside it, where its held rows go from now on in this unit of work; returns them, the
    tables not to be emptied. PostgreSQL only."""
    aside: dict[Table, Table] = session.info.setdefault(_ASIDE, {})
    quote = session.get_bind().dialect.identifier_preparer
    for table in tables:
        if table.info.get("rebuild") != ASIDE or table in aside:
            continue
        named = session.execute(_NAMED, {"name": quote.format_table(table)}).one_or_none()
        if named is None:
            continue
        oid, name, schema = named
        if reasons := why_not_swappable(session, oid):
            log.info("rebuilding %s in place: %s", name, "; ".join(reasons))
            continue
        new = _beside(table, schema)
        made = session.begin_nested()
        try:
            # The columns, their types, NOT NULL and CHECK constraints; no index yet.
            session.execute(
                text(
                    f"CREATE TABLE {quote.format_table(new)} (LIKE {name} "
                    "INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMPRESSION)"
                )
            )
        except DBAPIError as exc:
            made.rollback()
            if not _not_swappable(exc):
                raise
            log.warning("rebuilding %s in place: %s", name, exc)
            continue
        made.commit()
        aside[table] = new
    return set(aside)


@functools.cache
def _beside(table: Table, schema: str) -> Table:
    """The new table of ``table``, in the old one's schema: one name, and one object, for
    all its rebuilds (the statements and value processing built for it are kept per
    table). The name cannot be one of the project's tables, which never begin so."""
    digest = hashlib.sha256(f"{schema}.{table.name}".encode()).hexdigest()[:16]
    return table.to_metadata(MetaData(), schema=schema, name=f"rebuilt_{digest}")


def rows_of(session: Session, table: Table) -> Table:
    """The table ``table``'s held rows go to in this unit of work: its new table while it
    is rebuilt aside, else itself."""
    aside: dict[Table, Table] | None = session.info.get(_ASIDE)
    return aside.get(table, table) if aside else table


def swap_in(session: Session) -> None:
    """The tables set aside in this unit of work take the old tables' places: each
    indexed, constrained, analysed and granted as the old one was, under its name and its
    indexes' names. The last step of a rebuild: readers of an old table wait from here
    until the commit. Where a swap cannot be made, the new rows go into the old table."""
    aside: dict[Table, Table] = session.info.pop(_ASIDE, None) or {}
    quote = session.get_bind().dialect.identifier_preparer
    for old, new in aside.items():
        old_oid, old_name, schema = session.execute(_NAMED, {"name": quote.format_table(old)}).one()
        new_oid, new_name, _ = session.execute(_NAMED, {"name": quote.format_table(new)}).one()
        swap = session.begin_nested()
        try:
            _swap(session, (old_oid, old_name, old.name), (new_oid, new_name), schema)
        except (_NotSwapped, DBAPIError) as exc:
            if isinstance(exc, DBAPIError) and not _not_swappable(exc):
                raise
            swap.rollback()
            log.warning("%s was rebuilt in place, not swapped: %s", old_name, exc)
            _copied_back(session, old, new)
            continue
        swap.commit()


def _swap(session: Session, old: tuple[int, str, str], new: tuple[int, str], schema: str) -> None:
    old_oid, old_name, plain_name = old
    new_oid, new_name = new
    quote = session.get_bind().dialect.identifier_preparer
    indexes = session.execute(_INDEXES, {"table": old_oid}).all()
    for index in indexes:
        session.execute(text(_built_on(index, old_name, new_name)))
    if session.execute(_ANALYSED, {"schema": schema, "table": plain_name}).scalar():
        # The emptied table kept its statistics; a new one has none until analysed, and
        # a search planned without them walked a million rows.
        session.execute(text(f"ANALYZE {new_name}"))
    waited = session.execute(text("SELECT current_setting('lock_timeout')")).scalar_one()
    _locked(session, old_name)
    # Asked again under the lock: a view made on the table while the rebuild ran, an
    # index added or altered, a transaction still altering one.
    if reasons := why_not_swappable(session, old_oid):
        raise _NotSwapped("; ".join(reasons))
    if session.execute(_INDEXES, {"table": old_oid}).all() != indexes:
        raise _NotSwapped("its indexes changed while the rebuild ran")
    if session.execute(_INDEXES_HELD, {"table": old_oid}).scalar():
        raise _NotSwapped("another transaction holds one of its indexes")
    granted = _granted_as(session, old_oid, new_oid, new_name)
    if session.execute(_ROW_VERSION, {"table": old_oid}).scalar() != granted:
        raise _NotSwapped("its privileges changed as they were copied")
    session.execute(text(f"DROP TABLE {old_name}"))
    session.execute(text(f"ALTER TABLE {new_name} RENAME TO {quote.quote(plain_name)}"))
    for index in indexes:
        # Renaming an index that backs a constraint renames the constraint too.
        session.execute(
            text(f"ALTER INDEX {quote.quote(schema)}.rebuilt_{index.oid} RENAME TO {index.name}")
        )
    session.execute(_LOCK_TIMEOUT, {"wait": waited})


#: Whether another transaction holds a lock on one of the table's indexes (an ALTER INDEX
#: under way): the drop would wait for it, and drop what it changed.
_INDEXES_HELD = text(
    """
    SELECT EXISTS (
        SELECT FROM pg_locks l JOIN pg_index x ON x.indexrelid = l.relation
        WHERE x.indrelid = :table AND l.pid <> pg_backend_pid()
            -- An oid names a relation in one database only.
            AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    )
    """
)

#: The version of the table's catalogue row (a GRANT writes a new one, without a lock on
#: the table).
_ROW_VERSION = text("SELECT xmin::text FROM pg_class WHERE oid = :table")


#: The database's errors (by SQLSTATE class) that mean only that this swap cannot be made:
#: an index that will not build on the new table, a privilege, a lock or an object in the
#: way, a deadlock, a catalogue row changed under the drop ("tuple concurrently updated",
#: an internal error). Rolled back to the savepoint, the rows are copied into the old
#: table, which fails in turn if the database cannot go on. Any other (a cancelled
#: statement, a lost connection) ends the rebuild.
_IN_THE_WAY = ("0A", "22", "23", "2B", "40", "42", "55", "XX")


def _not_swappable(error: DBAPIError) -> bool:
    sqlstate = getattr(error.orig, "sqlstate", None) or ""
    return sqlstate[:2] in _IN_THE_WAY


def _copied_back(session: Session, old: Table, new: Table) -> None:
    """The rebuild's rows put into the old table, as a rebuild without a table beside it
    would have written them, and the new table dropped."""
    session.execute(delete(old))
    session.execute(insert(old).from_select(list(old.c), select(*new.c)))
    new.drop(session.connection())


def _built_on(index: Any, old_name: str, new_name: str) -> str:
    """The statement that builds ``index`` of the old table on the new one, under a name of
    its own until the swap."""
    temporary = f"rebuilt_{index.oid}"
    if index.constraint_definition is not None:
        return f"ALTER TABLE {new_name} ADD CONSTRAINT {temporary} {index.constraint_definition}"
    definition: str = index.definition
    for unique in ("", "UNIQUE "):
        head = f"CREATE {unique}INDEX {index.name} ON {old_name} "
        if definition.startswith(head):
            return f"CREATE {unique}INDEX {temporary} ON {new_name} {definition[len(head) :]}"
    raise _NotSwapped(f"cannot build {index.name} again: {definition}")


def _locked(session: Session, name: str) -> None:
    """The old table held alone, for the drop: waited for ``LOCK_WAIT`` at a time, again
    while readers hold it, for at most ``SWAP_WAIT_SECONDS`` in all. The wait stays set for
    the rest of the swap (the savepoint undoes it)."""
    session.execute(_LOCK_TIMEOUT, {"wait": LOCK_WAIT})
    deadline = time.monotonic() + SWAP_WAIT_SECONDS
    while True:
        ask = session.begin_nested()
        try:
            session.execute(text(f"LOCK TABLE {name} IN ACCESS EXCLUSIVE MODE"))
        except OperationalError as exc:
            ask.rollback()
            if getattr(exc.orig, "sqlstate", None) != _LOCK_NOT_AVAILABLE:
                raise
            if time.monotonic() >= deadline:
                raise _NotSwapped(f"readers held it for {SWAP_WAIT_SECONDS:g} s") from exc
            continue
        ask.commit()
        return


_LOCK_TIMEOUT = text("SELECT set_config('lock_timeout', :wait, true)")
#: PostgreSQL's lock_not_available: the table is held by another transaction.
_LOCK_NOT_AVAILABLE = "55P03"


def _granted_as(session: Session, old: int, new: int, new_name: str) -> str:
    """The new table granted what the old one is now, no more and no less: the schema's
    default privileges, which it was given, may differ from what the old table was
    granted, and the old table's may have changed while the rebuild ran. Returns the
    version of the old table's catalogue row the privileges were read from."""
    version = str(session.execute(_ROW_VERSION, {"table": old}).scalar())
    was = set(session.execute(_GRANTS, {"table": old}).tuples())
    now = set(session.execute(_GRANTS, {"table": new}).tuples())
    for privilege, grantee, _ in now - was:
        session.execute(text(f"REVOKE {privilege} ON {new_name} FROM {grantee}"))
    for privilege, grantee, grantable in was - now:
        option = " WITH GRANT OPTION" if grantable else ""
        session.execute(text(f"GRANT {privilege} ON {new_name} TO {grantee}{option}"))
    return version
