"""A test's PostgreSQL databases emptied and lent again to the next test of the same
process, where cloning one afresh for every test was a large part of the suite's time.

Cloning copies the template through the write-ahead log, and dropping forces a checkpoint
(PostgreSQL flushes every dirty buffer of the cluster so that the dropped files are
forgotten); measured while the suite ran on this machine's two cores, the two took about
0.7 to 1 s a database, for over 900 databases a run. Emptying a database its test has
finished with takes a few tens of milliseconds.

What the next test gets is what a clone would be:

- No session of the last test is left: each is ended, and the database is renamed, so that
  anything the last test leaked that connects again finds no database, as after a drop.
- Its catalog is the template's: a digest of every object a test could have made, changed
  or dropped (tables, columns, indexes, functions, triggers, constraints, sequences,
  grants, settings, the migrations' revision) must equal the fresh clone's, or the
  database is dropped instead. A clone keeps its template's object ids, so the digest of a
  fresh clone is the template's.
- Its rows are gone and its sequences restart: the templates hold rows in
  ``alembic_version`` alone, which the emptying keeps.

Anything that goes wrong while emptying drops the database, as before."""

from __future__ import annotations

import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support import pg

#: Emptied databases, by service, for this process's next tests.
_IDLE: dict[str, list[str]] = {}
#: A fresh clone's catalog digest, by service (taken on the process's first clone).
_FRESH: dict[str, str] = {}

#: Every object a test could make, change or drop, with its id, so that a database is lent
#: again only with the very catalog its template gave it.
_CATALOG = """
SELECT md5(string_agg(item, E'\\n' ORDER BY item)) FROM (
  SELECT format('class %s %s %s %s %s %s %s', c.oid, c.relname, c.relnamespace, c.relkind,
                c.relnatts, c.relacl, c.reloptions)
    FROM pg_class c
   WHERE c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
     AND c.relpersistence <> 't'
  UNION ALL
  SELECT format('column %s %s %s %s %s %s %s', a.attrelid, a.attnum, a.attname, a.atttypid,
                a.attnotnull, a.atthasdef, a.attisdropped)
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
   WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL
  SELECT format('index %s %s', indexrelid, indisvalid) FROM pg_index
  UNION ALL
  SELECT format('default %s %s', oid, md5(pg_get_expr(adbin, adrelid))) FROM pg_attrdef
  UNION ALL
  SELECT format('constraint %s %s', oid, convalidated) FROM pg_constraint
  UNION ALL
  SELECT format('trigger %s %s', oid, tgenabled) FROM pg_trigger
  UNION ALL
  SELECT format('rule %s', r.oid) FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
   WHERE c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
  UNION ALL
  SELECT format('policy %s', oid) FROM pg_policy
  UNION ALL
  SELECT format('function %s %s %s', oid, md5(prosrc), proacl) FROM pg_proc
   WHERE pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
  UNION ALL
  SELECT format('type %s', oid) FROM pg_type
   WHERE typnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
  UNION ALL
  SELECT format('schema %s %s %s', oid, nspname, nspacl) FROM pg_namespace
   WHERE nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%'
  UNION ALL
  SELECT format('sequence %s %s %s %s', seqrelid, seqstart, seqincrement, seqcycle)
    FROM pg_sequence
  UNION ALL
  SELECT format('extension %s %s', oid, extversion) FROM pg_extension
  UNION ALL
  SELECT format('large objects %s', count(*)) FROM pg_largeobject_metadata
  UNION ALL
  SELECT format('publication %s', oid) FROM pg_publication
  UNION ALL
  SELECT format('settings %s %s', setrole, setconfig) FROM pg_db_role_setting
   WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
  UNION ALL
  SELECT format('database %s %s %s', datacl, datconnlimit, datallowconn) FROM pg_database
   WHERE datname = current_database()
  UNION ALL
  SELECT format('prepared %s', gid) FROM pg_prepared_xacts WHERE database = current_database()
  UNION ALL
  SELECT format('revision %s', version_num) FROM alembic_version
) AS catalog(item)
"""

#: The statements that empty a database: every table's rows but the migrations' revision,
#: with triggers and foreign-key checks off (``replica``) so that order does not matter and
#: no trigger writes again, then every sequence back to its start.
_EMPTYING = """
SELECT string_agg(format('DELETE FROM public.%I', tablename), '; ' ORDER BY tablename)
  FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'
"""
_RESTARTING = """
SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, start_value, false)
  FROM pg_sequences
"""


def _digest(url: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return str(conn.execute(text(_CATALOG)).scalar_one())
    finally:
        engine.dispose()


def lend(service: str) -> str:
    """A database for one test: one this process emptied, else a fresh clone."""
    idle = _IDLE.get(service)
    if idle:
        return idle.pop()
    url = pg.clone(service)
    if service not in _FRESH:
        _FRESH[service] = _digest(url)
    return url


def give_back(service: str, url: str) -> None:
    """After the test: emptied for the next, or dropped if that cannot be done faithfully."""
    try:
        renamed = _renamed(service, url)
    except Exception:
        pg.drop(url)
        return
    try:
        emptied = _emptied(service, renamed)
    except Exception:
        emptied = False
    if emptied:
        _IDLE.setdefault(service, []).append(renamed)
    else:
        pg.drop(renamed)


def _renamed(service: str, url: str) -> str:
    """Every session on the database ended, then the database under a new name."""
    old = make_url(url).database
    new = f"{pg.CLONE_PREFIX}{service}_{uuid.uuid4().hex[:12]}"
    engine = create_engine(pg.admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": old},
            )
            conn.execute(text(f'ALTER DATABASE "{old}" RENAME TO "{new}"'))
    finally:
        engine.dispose()
    return pg.database_url(new)


def _emptied(service: str, url: str) -> bool:
    """Rows deleted and sequences restarted, in one transaction, if the catalog is still
    the template's; False (nothing changed) if it is not."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            if str(conn.execute(text(_CATALOG)).scalar_one()) != _FRESH.get(service):
                return False
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            deleting = conn.execute(text(_EMPTYING)).scalar_one()
            if deleting:
                conn.exec_driver_sql(deleting)
            conn.execute(text(_RESTARTING)).all()
        return True
    finally:
        engine.dispose()


def drop_idle() -> None:
    """At the end of the process's tests: every database it kept for another."""
    for idle in _IDLE.values():
        while idle:
            pg.drop(idle.pop())
