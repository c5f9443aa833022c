"""The test databases lent again (tests.support.pg_reuse) are what a fresh clone would be:
no rows, sequences at their start, the template's catalog, and nothing of the last test's
sessions; a database whose catalog a test changed is dropped, never lent again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from tests.support import pg, pg_reuse

SERVICE = "roi"


@pytest.fixture
def lent(pg_templates: None) -> Iterator[list[str]]:
    """The URLs this test was lent, each given back or dropped at its end."""
    urls: list[str] = []
    yield urls
    for url in urls:
        if _exists(url):
            pg.drop(url)


def _exists(url: str) -> bool:
    admin = create_engine(pg.admin_url())
    try:
        with admin.connect() as conn:
            name = make_url(url).database
            found = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).first()
            return found is not None
    finally:
        admin.dispose()


def _tables(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version' ORDER BY tablename"
                )
            ).scalars()
        )


def _idle() -> int:
    return len(pg_reuse._IDLE.get(SERVICE, []))


def _lend_again(lent: list[str], url: str) -> str:
    """Give the database back, kept for another test, and be lent it: the same database,
    emptied and renamed."""
    idle = _idle()
    pg_reuse.give_back(SERVICE, url)
    assert _idle() == idle + 1, "kept for another test"
    again = pg_reuse._IDLE[SERVICE].pop()
    lent.append(again)
    return again


def test_a_database_lent_again_has_no_rows_its_sequences_restart_and_its_revision_stays(
    lent: list[str],
) -> None:
    url = pg_reuse.lend(SERVICE)
    lent.append(url)
    engine = create_engine(url)
    try:
        revision = pg.read_alone(engine, "SELECT version_num FROM alembic_version")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO roi_events (originator_id, originator_version, topic, state) "
                    "VALUES (gen_random_uuid(), 1, 't', '\\x00'), "
                    "(gen_random_uuid(), 1, 't', '\\x00')"
                )
            )
        assert pg.read_alone(engine, "SELECT count(*) FROM roi_events") == 2
    finally:
        engine.dispose()

    again = _lend_again(lent, url)

    assert make_url(again).database != make_url(url).database
    assert not _exists(url), "the old name reaches nothing"
    engine = create_engine(again)
    try:
        for table in _tables(engine):
            assert pg.read_alone(engine, f'SELECT count(*) FROM "{table}"') == 0, table
        assert pg.read_alone(engine, "SELECT version_num FROM alembic_version") == revision
        with engine.begin() as conn:
            first = conn.execute(
                text(
                    "INSERT INTO roi_events (originator_id, originator_version, topic, state) "
                    "VALUES (gen_random_uuid(), 1, 't', '\\x00') RETURNING id"
                )
            ).scalar_one()
        assert first == 1
    finally:
        engine.dispose()


def test_a_session_the_last_test_left_open_is_ended(lent: list[str]) -> None:
    url = pg_reuse.lend(SERVICE)
    lent.append(url)
    leaked = create_engine(url)
    conn = leaked.connect()
    conn.execute(text("SELECT pg_advisory_lock(42)"))
    try:
        again = _lend_again(lent, url)
        engine = create_engine(again)
        try:
            # The lock died with the session that held it.
            assert pg.read_alone(engine, "SELECT pg_try_advisory_lock(42)") is True
        finally:
            engine.dispose()
    finally:
        conn.invalidate()
        leaked.dispose()


@pytest.mark.parametrize(
    "change",
    [
        "CREATE TABLE extra (id int)",
        "ALTER TABLE roi_events ADD COLUMN extra int",
        "ALTER TABLE roi_events ALTER COLUMN topic SET DEFAULT 'x'",
        "ALTER TABLE designations DROP CONSTRAINT designations_pkey",
        "DROP INDEX ix_audit_decisions_outcome",
        "CREATE INDEX extra_index ON roi_events (topic)",
        "CREATE FUNCTION extra() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        "CREATE SEQUENCE extra_seq",
        "CREATE VIEW extra_view AS SELECT 1 AS one",
        "UPDATE alembic_version SET version_num = 'elsewhere'",
        "GRANT SELECT ON roi_events TO PUBLIC",
        "CREATE SCHEMA extra",
        "ALTER DATABASE \"{database}\" SET work_mem = '8MB'",
        "ALTER SEQUENCE roi_events_id_seq MAXVALUE 5",
        "ALTER TABLE roi_events ENABLE ROW LEVEL SECURITY",
        "ALTER TABLE roi_events ALTER COLUMN topic SET STATISTICS 5",
        "ALTER TABLE roi_events REPLICA IDENTITY FULL",
        "GRANT SELECT (topic) ON roi_events TO PUBLIC",
        "ALTER TABLE designations SET UNLOGGED",
        "ALTER TABLE roi_events CLUSTER ON roi_events_pkey",
        "COMMENT ON TABLE roi_events IS 'changed'",
        "ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC",
        "ALTER SEQUENCE roi_events_id_seq OWNED BY NONE",
        "CREATE STATISTICS extra_stats ON topic, state FROM roi_events",
        "INSERT INTO roi_events (originator_id, originator_version, topic, state) "
        "VALUES (gen_random_uuid(), 1, 't', '\\x00'); ANALYZE roi_events",
        "ALTER TABLE designations ALTER COLUMN quarter TYPE varchar(40)",
    ],
    ids=[
        "table",
        "column",
        "default",
        "constraint",
        "index-dropped",
        "index-added",
        "function",
        "sequence",
        "view",
        "revision",
        "grant",
        "schema",
        "setting",
        "sequence-bounds",
        "row-security",
        "statistics-target",
        "replica-identity",
        "column-grant",
        "unlogged",
        "clustered",
        "comment",
        "default-privileges",
        "sequence-ownership",
        "extended-statistics",
        "statistics",
        "column-type",
    ],
)
def test_a_database_whose_catalog_changed_is_dropped_not_lent_again(
    lent: list[str], change: str
) -> None:
    url = pg_reuse.lend(SERVICE)
    lent.append(url)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(change.format(database=make_url(url).database)))
    finally:
        engine.dispose()
    idle = _idle()

    pg_reuse.give_back(SERVICE, url)

    assert _idle() == idle, "nothing kept for another test"


def test_a_table_written_to_is_back_to_empty_files_not_dead_rows(lent: list[str]) -> None:
    url = pg_reuse.lend(SERVICE)
    lent.append(url)
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO roi_events (originator_id, originator_version, topic, state) "
                    "SELECT gen_random_uuid(), 1, 't', '\\x00' FROM generate_series(1, 500)"
                )
            )
    finally:
        engine.dispose()

    again = _lend_again(lent, url)

    engine = create_engine(again)
    try:
        assert pg.read_alone(engine, "SELECT pg_relation_size('roi_events')") == 0
    finally:
        engine.dispose()


def test_an_interrupted_emptying_drops_the_database_under_its_new_name(
    lent: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = pg_reuse.lend(SERVICE)
    lent.append(url)
    renamed: list[str] = []

    def interrupted(service: str, url: str) -> bool:
        renamed.append(url)
        raise KeyboardInterrupt

    monkeypatch.setattr(pg_reuse, "_emptied", interrupted)
    idle = _idle()

    with pytest.raises(KeyboardInterrupt):
        pg_reuse.give_back(SERVICE, url)

    assert _idle() == idle
    assert renamed
    assert not _exists(renamed[0])
    assert not _exists(url)


def test_a_trigger_redefined_in_place_is_a_changed_catalog(lent: list[str]) -> None:
    """Postings' strength triggers: one replaced keeps its id and name."""
    url = pg_reuse.lend("postings")
    lent.append(url)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            trigger, table, function = conn.execute(
                text(
                    "SELECT t.tgname, t.tgrelid::regclass::text, t.tgfoid::regproc::text "
                    "FROM pg_trigger t WHERE NOT t.tgisinternal LIMIT 1"
                )
            ).one()
            conn.execute(
                text(
                    f"CREATE OR REPLACE TRIGGER {trigger} AFTER TRUNCATE ON {table} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
                )
            )
    finally:
        engine.dispose()
    idle = len(pg_reuse._IDLE.get("postings", []))

    pg_reuse.give_back("postings", url)

    assert len(pg_reuse._IDLE.get("postings", [])) == idle, "nothing kept for another test"
