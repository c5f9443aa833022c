"""A test's PostgreSQL databases emptied and lent again to the next test of the same
process, where cloning one afresh for every test was a large part of the suite's time.

Cloning copies the template through the write-ahead log, and dropping forces a checkpoint
(PostgreSQL flushes every dirty buffer of the cluster so that the dropped files are
forgotten); measured while the suite ran on this machine's two cores, the two took about
0.7 to 1 s a database, for over 900 databases a run. Emptying a database its test has
finished with takes well under a tenth of a second on an idle machine.

What the next test gets is what a clone would be:

- No session of the last test is left: each is ended, and the database is renamed, so that
  anything the last test leaked that connects again finds no database, as after a drop.
- Its catalog is the template's: a digest of every object a test could have made, changed
  or dropped (tables, columns, indexes, functions, triggers, constraints, sequences,
  grants, settings, the migrations' revision) must equal the fresh clone's, or the
  database is dropped instead. A clone keeps its template's object ids, so the digest of a
  fresh clone is the template's.
- Its rows are gone, each table it wrote to is truncated to empty files, and its sequences
  restart: the templates hold rows in ``alembic_version`` alone, which the emptying keeps.
  Its counters of rows and scans are reset; planner statistics an ``ANALYZE`` gathered
  count as a change of the catalog.

Anything that goes wrong while emptying (an interruption too) drops the database, as before.
A worker killed outright leaves its idle databases behind, as it left its current ones."""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, create_engine, text
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
  SELECT format('class %s %s %s %s %s %s %s %s %s %s %s %s', c.oid, c.relname,
                c.relnamespace, c.relkind, c.relnatts, c.relacl, c.reloptions, c.relowner,
                c.relpersistence, c.relreplident, c.relrowsecurity, c.relforcerowsecurity)
    FROM pg_class c
   WHERE c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
     AND c.relpersistence <> 't'
  UNION ALL
  SELECT format('column %s %s %s %s %s %s %s %s %s %s %s %s %s', a.attrelid, a.attnum,
                a.attname, a.atttypid, a.atttypmod, a.attnotnull, a.atthasdef, a.attisdropped,
                a.attstattarget, a.attacl, a.attcollation, a.attidentity, a.attgenerated)
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
   WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL
  SELECT format('index %s %s %s %s', indexrelid, md5(pg_get_indexdef(indexrelid)), indisvalid,
                indisclustered) FROM pg_index
  UNION ALL
  SELECT format('default %s %s', oid, md5(pg_get_expr(adbin, adrelid))) FROM pg_attrdef
  UNION ALL
  SELECT format('constraint %s %s %s %s %s %s', oid, conname, md5(pg_get_constraintdef(oid)),
                convalidated, condeferrable, condeferred) FROM pg_constraint
  UNION ALL
  SELECT format('trigger %s %s %s', oid, md5(pg_get_triggerdef(oid)), tgenabled) FROM pg_trigger
  UNION ALL
  SELECT format('rule %s %s', r.oid, md5(pg_get_ruledef(r.oid)))
    FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
   WHERE c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
  UNION ALL
  SELECT format('policy %s %s %s %s %s', oid, polcmd, polroles, pg_get_expr(polqual, polrelid),
                pg_get_expr(polwithcheck, polrelid)) FROM pg_policy
  UNION ALL
  SELECT format('function %s %s %s %s %s %s %s %s %s %s %s %s %s %s', oid, md5(prosrc), proacl,
                proconfig, prosecdef, provolatile, proisstrict, procost, prorows,
                proparallel, proleakproof, prolang, proretset, prorettype) FROM pg_proc
   WHERE pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
  UNION ALL
  SELECT format('type %s', oid) FROM pg_type
   WHERE typnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
  UNION ALL
  SELECT format('schema %s %s %s', oid, nspname, nspacl) FROM pg_namespace
   WHERE nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%'
  UNION ALL
  SELECT format('sequence %s %s %s %s %s %s %s', seqrelid, seqstart, seqincrement, seqmin,
                seqmax, seqcache, seqcycle)
    FROM pg_sequence
  UNION ALL
  SELECT format('default privileges %s %s %s %s', defaclrole, defaclnamespace, defaclobjtype,
                defaclacl) FROM pg_default_acl
  UNION ALL
  SELECT format('comment %s %s %s %s', objoid, classoid, objsubid, md5(description))
    FROM pg_description WHERE objoid >= 16384
  UNION ALL
  SELECT format('owned sequence %s %s %s %s', objid, refobjid, refobjsubid, deptype)
    FROM pg_depend
   WHERE classid = 'pg_class'::regclass AND objid IN (SELECT seqrelid FROM pg_sequence)
  UNION ALL
  SELECT format('inherits %s %s', inhrelid, inhparent) FROM pg_inherits
  UNION ALL
  SELECT format('enum %s %s', enumtypid, enumlabel) FROM pg_enum
  UNION ALL
  SELECT format('extended statistics %s', oid) FROM pg_statistic_ext
  UNION ALL
  -- What an ANALYZE gathered: a fresh clone has none (autovacuum, where it is on, may
  -- gather some during a test, and the database is then dropped, not lent again).
  SELECT format('statistics %s', count(*)) FROM pg_stats WHERE schemaname = 'public'
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
  SELECT format('database %s %s %s %s', datdba, datacl, datconnlimit, datallowconn)
    FROM pg_database
   WHERE datname = current_database()
  UNION ALL
  SELECT format('prepared %s', gid) FROM pg_prepared_xacts WHERE database = current_database()
  UNION ALL
  SELECT format('revision %s', version_num) FROM alembic_version
) AS catalog(item)
"""

#: The tables a test wrote to (any storage at all: a fresh clone's tables have none), but
#: the migrations' revision. Truncated, each is back to a fresh clone's empty files, where
#: deleting its rows would leave them dead (autovacuum may be off, as on this machine) and
#: each next test's scans slower.
_WRITTEN = """
SELECT string_agg(format('%I.%I', relnamespace::regnamespace, relname), ', ' ORDER BY relname)
  FROM pg_class
 WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p')
   AND relname <> 'alembic_version' AND pg_relation_size(oid) > 0
"""
_RESTARTING = """
SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, start_value, false)
  FROM pg_sequences
"""


def _catalog(conn: Connection) -> str:
    return str(conn.execute(text(_CATALOG)).scalar_one())


def _digest(url: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return _catalog(conn)
    finally:
        engine.dispose()


def lend(service: str) -> str:
    """A database for one test: one this process emptied, else a fresh clone."""
    idle = _IDLE.get(service)
    if idle:
        return idle.pop()
    url = pg.clone(service)
    if service not in _FRESH:
        try:
            _FRESH[service] = _digest(url)
        except BaseException:
            pg.drop(url)
            raise
    return url


def give_back(service: str, url: str) -> None:
    """After the test: emptied for the next, or dropped if that cannot be done faithfully."""
    renamed = pg.database_url(f"{pg.CLONE_PREFIX}{service}_{uuid.uuid4().hex[:12]}")
    try:
        _rename(url, renamed)
    except BaseException as error:
        # A session that would not end or came back, or an interruption: dropped (with
        # force) under either name, as the error may have come after the rename was made.
        for name in (url, renamed):
            pg.drop(name)
        if isinstance(error, Exception):
            return
        raise
    emptied = False
    try:
        emptied = _emptied(service, renamed)
    except Exception:  # dropped below: never lent half emptied
        pass
    finally:
        # Kept or dropped even when interrupted (Ctrl-C), never lost between the two.
        if emptied:
            _IDLE.setdefault(service, []).append(renamed)
        else:
            pg.drop(renamed)


def give_back_all(lent: list[tuple[str, str]]) -> None:
    """A test's databases, by service, each given back even if another could not be."""
    failed: BaseException | None = None
    for service, url in lent:
        try:
            give_back(service, url)
        except BaseException as error:  # raised again once all are given back
            failed = failed or error
    if failed is not None:
        raise failed


def _rename(url: str, renamed: str) -> None:
    """Every session on the database ended, then the database under its new name."""
    old, new = make_url(url).database, make_url(renamed).database
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


def _emptied(service: str, url: str) -> bool:
    """The tables written to truncated and every sequence restarted, in one transaction,
    if the catalog is still the template's; False (nothing changed) if it is not."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            if _catalog(conn) != _FRESH.get(service):
                return False
            written = conn.execute(text(_WRITTEN)).scalar_one()
            if written:
                # CASCADE: a table that refers to a written one is emptied with it.
                conn.exec_driver_sql(f"TRUNCATE {written} RESTART IDENTITY CASCADE")
            # Every sequence, whether a truncated table owns it or not.
            conn.execute(text(_RESTARTING)).all()
            # The counts of rows and scans the last test's work left.
            conn.execute(text("SELECT pg_stat_reset()"))
        return True
    finally:
        engine.dispose()


def drop_idle() -> None:
    """At the end of the process's tests: every database it kept for another."""
    for idle in _IDLE.values():
        while idle:
            pg.drop(idle.pop())
