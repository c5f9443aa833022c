"""A large read model rebuilt beside the old one, on PostgreSQL (issue 18, ADR 0031).

Emptying the audit index and filling it again row by row cost the database most of a
rebuild: each of a million new rows went into nine indexes already holding the million
rows just deleted. Filling a new table with no index, then building each index once over
the sorted rows, costs a quarter of that. So a table marked ``info={"rebuild": "aside"}``
is rebuilt as a new table beside the old one, in the rebuild's own transaction. At the end
its indexes and constraints are built as the old table's are, the old table is dropped and
the new one takes its name and its indexes' names. Readers keep reading the old rows
until the rebuild commits: they wait only for the swap, from the drop to the commit.

Only a table whose rows the rebuild inserts and never reads or changes may be marked: its
rows are held and sent by ``shared.held_writes``, which sends them to the new table. And
only a table nothing else depends on is set aside (``_DEPENDED_ON``): no foreign key,
trigger, view, sequence, storage option or other owner. One that has any is emptied and
refilled as every other read model is. The privileges granted on the old table are granted
on the new one (the services' own role may read and write it, ``migrations``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData, Table, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

#: ``Table.info["rebuild"]`` of a read model rebuilt aside.
ASIDE = "aside"
#: Key in ``Session.info``: the tables set aside in this unit of work, old to new.
_ASIDE = "rebuilt_aside.tables"

#: Why a table may not be swapped: anything that names the table (or its row type) and
#: would not follow the new table, or would stop the old one being dropped.
_DEPENDED_ON = text(
    """
    SELECT c.relkind <> 'r' OR c.relpersistence <> 'p' OR c.relispartition
        OR c.relhassubclass OR c.relhastriggers OR c.relhasrules OR c.relrowsecurity
        OR c.reloptions IS NOT NULL OR c.reltablespace <> 0
        OR c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user)
        OR EXISTS (SELECT FROM pg_inherits i WHERE i.inhrelid = c.oid)
        OR EXISTS (SELECT FROM pg_attrdef d WHERE d.adrelid = c.oid)
        OR EXISTS (
            SELECT FROM pg_attribute a
            WHERE a.attrelid = c.oid AND a.attnum > 0 AND a.attidentity <> ''
        )
        OR EXISTS (
            SELECT FROM pg_constraint f
            WHERE f.contype = 'f' AND (f.conrelid = c.oid OR f.confrelid = c.oid)
        )
        OR EXISTS (
            -- Views, rules and anything else recorded as depending on the table, other
            -- than its own indexes, constraints, row type, column defaults and TOAST.
            SELECT FROM pg_depend d
            WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = c.oid
                AND NOT (d.classid = 'pg_class'::regclass AND d.objid IN (
                    SELECT x.indexrelid FROM pg_index x WHERE x.indrelid = c.oid
                    UNION ALL SELECT c.reltoastrelid))
                AND NOT (d.classid = 'pg_constraint'::regclass AND d.objid IN (
                    SELECT k.oid FROM pg_constraint k WHERE k.conrelid = c.oid))
                AND NOT (d.classid = 'pg_type'::regclass AND d.objid = c.reltype)
        )
        OR EXISTS (
            -- Columns, functions or types of the table's row type.
            SELECT FROM pg_depend d
            WHERE d.refclassid = 'pg_type'::regclass AND d.refobjid = c.reltype
                AND NOT (d.classid = 'pg_class'::regclass AND d.objid = c.oid)
                AND NOT (d.classid = 'pg_type'::regclass AND d.objid IN (
                    SELECT t.oid FROM pg_type t WHERE t.typelem = c.reltype))
        )
    FROM pg_class c
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

#: A table's oid and its name as the database writes it, with its schema.
_NAMED = text(
    """
    SELECT c.oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name,
        quote_ident(n.nspname) AS schema
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.oid = to_regclass(:name)
    """
)

#: How long the swap waits for readers of the old table at a time before it lets them by
#: and asks again (see ``_locked``).
LOCK_WAIT = "200ms"


def set_aside(session: Session, tables: list[Table]) -> set[Table]:
    """For each table of ``tables`` marked ``ASIDE`` that can be swapped, a new empty table
    beside it, where its held rows go from now on in this unit of work; returns them, the
    tables not to be emptied. PostgreSQL only."""
    aside: dict[Table, Table] = session.info.setdefault(_ASIDE, {})
    for table in tables:
        if table.info.get("rebuild") != ASIDE or table in aside:
            continue
        quote = session.get_bind().dialect.identifier_preparer
        if session.execute(_DEPENDED_ON, {"name": quote.format_table(table)}).scalar() is not False:
            continue
        oid, name, _ = session.execute(_NAMED, {"name": quote.format_table(table)}).one()
        new = table.to_metadata(MetaData(), name=f"rebuilt_{oid}")
        # The columns, their types, NOT NULL and CHECK constraints; no index yet.
        session.execute(
            text(
                f"CREATE TABLE {quote.format_table(new)} (LIKE {name} "
                "INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMPRESSION)"
            )
        )
        _granted_as(session, oid, quote.format_table(new))
        aside[table] = new
    return set(aside)


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


def _granted_as(session: Session, old: int, new: str) -> None:
    """The new table granted what the old one is, no more and no less: the schema's
    default privileges, which it was given, may differ from what the old table was granted."""
    was = set(session.execute(_GRANTS, {"table": old}).tuples())
    oid = session.execute(text("SELECT to_regclass(:name)::oid"), {"name": new}).scalar_one()
    now = set(session.execute(_GRANTS, {"table": oid}).tuples())
    for privilege, grantee, _ in now - was:
        session.execute(text(f"REVOKE {privilege} ON {new} FROM {grantee}"))
    for privilege, grantee, grantable in was - now:
        option = " WITH GRANT OPTION" if grantable else ""
        session.execute(text(f"GRANT {privilege} ON {new} TO {grantee}{option}"))


def rows_of(session: Session, table: Table) -> Table:
    """The table ``table``'s held rows go to in this unit of work: its new table while it
    is rebuilt aside, else itself."""
    aside: dict[Table, Table] | None = session.info.get(_ASIDE)
    return aside.get(table, table) if aside else table


def swap_in(session: Session) -> None:
    """The tables set aside in this unit of work take the old tables' places: each
    indexed and constrained as the old one was, under its name and its indexes' names. The
    last step of a rebuild: readers of an old table wait from here until the commit."""
    aside: dict[Table, Table] = session.info.pop(_ASIDE, None) or {}
    quote = session.get_bind().dialect.identifier_preparer
    for old, new in aside.items():
        oid, old_name, schema = session.execute(_NAMED, {"name": quote.format_table(old)}).one()
        _, new_name, _ = session.execute(_NAMED, {"name": quote.format_table(new)}).one()
        indexes = session.execute(_INDEXES, {"table": oid}).all()
        for index in indexes:
            session.execute(text(_built_on(index, old_name, new_name)))
        _locked(session, old_name)
        session.execute(text(f"DROP TABLE {old_name}"))
        session.execute(text(f"ALTER TABLE {new_name} RENAME TO {quote.quote(old.name)}"))
        for index in indexes:
            # Renaming an index that backs a constraint renames the constraint too.
            session.execute(
                text(f"ALTER INDEX {schema}.rebuilt_{index.oid} RENAME TO {index.name}")
            )


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
    raise RuntimeError(f"cannot build {index.name} again: {definition}")


def _locked(session: Session, name: str) -> None:
    """The old table held alone, for the drop: asked for a moment at a time, and let go
    between, so that a reader waiting behind the request for something this transaction
    holds is never deadlocked with it."""
    before = session.execute(text("SELECT current_setting('lock_timeout')")).scalar_one()
    while True:
        savepoint = session.begin_nested()
        try:
            session.execute(_LOCK_TIMEOUT, {"wait": LOCK_WAIT})
            session.execute(text(f"LOCK TABLE {name} IN ACCESS EXCLUSIVE MODE"))
        except OperationalError as exc:
            savepoint.rollback()
            if getattr(exc.orig, "sqlstate", None) != _LOCK_NOT_AVAILABLE:
                raise
            continue
        savepoint.commit()
        session.execute(_LOCK_TIMEOUT, {"wait": before})
        return


_LOCK_TIMEOUT = text("SELECT set_config('lock_timeout', :wait, true)")
#: PostgreSQL's lock_not_available: ``lock_timeout`` ran out.
_LOCK_NOT_AVAILABLE = "55P03"
