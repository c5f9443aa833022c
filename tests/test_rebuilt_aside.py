"""On PostgreSQL a rebuild fills the audit index as a new table beside the old one and swaps
it in at the end (``shared.rebuilt_aside``): the table that results is the old one in all
but its rows' making (indexes, constraints, privileges), readers read the old rows until
the rebuild commits and keep the statements they prepared, and the swap waits for a reader
of the old table rather than failing either of them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Column, Engine, Integer, MetaData, Table, Text, create_engine, text
from sqlalchemy.orm import Session

from shared import migrate, rebuilt_aside
from shared.eventstore import rebuild_lock_key
from shared.rebuild import rebuild_read_models
from tests.force import (
    force_client,  # noqa: F401 - this module's ``client``
)
from tests.support.http import eventually
from tests.support.pg import read_alone

AUDIT = "audit_decisions"


@pytest.fixture
def backend() -> str:
    """PostgreSQL only: SQLite rebuilds by emptying each table."""
    return "postgresql"


def _engine(client: TestClient) -> Engine:
    engine: Engine = client.app.state.runtime.db.engine  # type: ignore[attr-defined]
    return engine


def _rebuild(client: TestClient, **given: Any) -> int:
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    return rebuild_read_models(
        runtime.application, migrate.service_metadata("postings"), runtime.tables, **given
    )


def _shape(engine: Engine) -> dict[str, Any]:
    """What the database holds of the audit index besides its rows' order on disk."""
    with engine.connect() as connection:

        def rows(sql: str) -> list[tuple[Any, ...]]:
            return sorted(tuple(r) for r in connection.execute(text(sql), {"t": AUDIT}))

        return {
            "oid": connection.execute(text("SELECT to_regclass(:t)::oid"), {"t": AUDIT}).scalar(),
            "indexes": rows("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = :t"),
            "constraints": rows(
                "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = to_regclass(:t)"
            ),
            "columns": rows(
                "SELECT column_name, data_type, is_nullable, character_maximum_length, "
                "ordinal_position FROM information_schema.columns WHERE table_name = :t"
            ),
            "privileges": rows(
                "SELECT a.grantee, a.privilege_type, a.is_grantable FROM pg_class c, "
                "aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a "
                "WHERE c.oid = to_regclass(:t)"
            ),
            "rows": rows(f"SELECT * FROM {AUDIT}"),
            "left over": rows("SELECT relname FROM pg_class WHERE relname LIKE 'rebuilt\\_%'"),
        }


@pytest.fixture
def granted_otherwise(client: TestClient) -> Iterator[None]:
    """The audit index granted other than the schema's default privileges give a new table:
    a SELECT to everyone, and the services' role without DELETE."""
    role = client.app.state.runtime.settings.db_app_role  # type: ignore[attr-defined]
    changes = (
        (f"GRANT SELECT ON {AUDIT} TO PUBLIC", f"REVOKE SELECT ON {AUDIT} FROM PUBLIC"),
        (f'REVOKE DELETE ON {AUDIT} FROM "{role}"', f'GRANT DELETE ON {AUDIT} TO "{role}"'),
    )
    with _engine(client).begin() as connection:
        for change, _ in changes:
            connection.execute(text(change))
    try:
        yield
    finally:
        with _engine(client).begin() as connection:
            for _, undo in changes:
                connection.execute(text(undo))


@pytest.mark.usefixtures("granted_otherwise")
def test_the_audit_index_swapped_in_is_the_old_table_in_all_but_its_making(
    client: TestClient,
) -> None:
    before = _shape(_engine(client))
    assert before["rows"], "the force's set-up records acts"

    _rebuild(client)

    after = _shape(_engine(client))
    # A new table took the old one's place: nothing else tells the two apart.
    assert after.pop("oid") != before.pop("oid")
    assert after == before
    assert not after["left over"]


def test_readers_read_the_old_rows_until_the_commit_and_keep_their_statements(
    client: TestClient,
) -> None:
    """A reader's statement prepared on the server before the rebuild (as the services'
    connections prepare their frequent ones) still runs after the table it named was
    dropped, on the table that took its name."""
    url = _engine(client).url.set(drivername="postgresql").render_as_string(hide_password=False)
    count = f"SELECT count(*) FROM {AUDIT}"
    with psycopg.connect(url, autocommit=True) as reader:

        def read() -> int:
            row = reader.execute(count, prepare=True).fetchone()
            assert row is not None
            return int(row[0])

        before = read()
        seen: list[int] = []
        replayed = _rebuild(client, progress=lambda _: seen.append(read()))
        assert replayed > 0
        assert seen == [before]
        assert read() == before


def _rebuild_beside(client: TestClient, reader: Any, then: Any = None) -> list[Any]:
    """A rebuild on a thread of its own while ``reader`` holds the old table; once the
    swap is seen waiting for it, ``then`` runs. Returns what the rebuild came to, an error or the
    events replayed."""
    outcome: list[Any] = []

    def rebuild() -> None:
        try:
            outcome.append(_rebuild(client))
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=rebuild)
    worker.start()
    try:
        eventually(lambda: _waiting_for_the_old_table(_engine(client)) or not worker.is_alive())
        if then is not None:
            then()
    finally:
        worker.join(120)
    assert not worker.is_alive()
    return outcome


def _waiting_for_the_old_table(engine: Engine) -> bool:
    return bool(
        read_alone(
            engine,
            "SELECT count(*) FROM pg_locks WHERE NOT granted "
            "AND mode = 'AccessExclusiveLock' AND relation = to_regclass(:t) "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            t=AUDIT,
        )
    )


def _count(connection: Any) -> int:
    return int(connection.execute(text(f"SELECT count(*) FROM {AUDIT}")).scalar())


def test_the_swap_waits_for_a_reader_that_holds_the_old_table_a_while(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A transaction that has read the old table holds it until it ends: the swap waits
    for it a moment at a time meanwhile, and swaps once it ends."""
    monkeypatch.setattr(rebuilt_aside, "SWAP_WAIT_SECONDS", 600.0)
    before = _shape(_engine(client))
    with _engine(client).connect() as reader:
        held = _count(reader)

        def read_then_end() -> None:
            # The reader, holding the table already, reads on: the old rows.
            assert _count(reader) == held
            reader.rollback()

        outcome = _rebuild_beside(client, reader, read_then_end)
    assert [type(found) for found in outcome] == [int]
    after = _shape(_engine(client))
    assert after.pop("oid") != before.pop("oid")
    assert after == before


def test_a_reader_that_holds_the_old_table_on_gets_the_rows_put_into_it(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past ``SWAP_WAIT_SECONDS`` the rebuild gives up the swap and puts its rows into the
    old table, as a rebuild without one beside it would: it ends, correct, without holding
    the services' writers any longer."""
    monkeypatch.setattr(rebuilt_aside, "SWAP_WAIT_SECONDS", 0.2)
    before = _shape(_engine(client))
    with _engine(client).connect() as reader:
        held = _count(reader)
        outcome = _rebuild_beside(client, reader)
        assert _count(reader) == held
        reader.rollback()
    assert [type(found) for found in outcome] == [int]
    assert _shape(_engine(client)) == before  # the same table, the same rows


def test_a_reader_waiting_for_the_rebuild_while_it_holds_the_old_table_is_not_deadlocked(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A transaction that read the old table and then waits for the rebuild (for the
    writers' share of its lock, as a writer does) waited for ever on a swap that waited
    for it: now the swap gives up, and both end."""
    monkeypatch.setattr(rebuilt_aside, "SWAP_WAIT_SECONDS", 0.0)
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    key = rebuild_lock_key(runtime.tables.events.name)
    waited: list[Any] = []
    with _engine(client).connect() as reader:
        # The reader's own deadlock check put off: on a busy machine it could otherwise
        # run before the rebuild gives up, and end the reader, which is not what is tested.
        reader.execute(text("SET deadlock_timeout = '120s'"))
        held = _count(reader)

        def wait_for_the_rebuild() -> None:
            reader.execute(text("SELECT pg_advisory_xact_lock_shared(:key)"), {"key": key})
            waited.append(_count(reader))
            reader.rollback()

        outcome = _rebuild_beside(client, reader, wait_for_the_rebuild)
    assert [type(found) for found in outcome] == [int]
    assert waited == [held]


def _autocommit(client: TestClient, *statements: str) -> None:
    with _engine(client).connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        for statement in statements:
            c.execute(text(statement))


def _around_a_rebuild(
    client: TestClient, made: str, undone: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The audit index before and after a rebuild, ``made`` run before both and ``undone``
    after, however the rebuild ends."""
    _autocommit(client, made)
    try:
        before = _shape(_engine(client))
        _rebuild(client)
        return before, _shape(_engine(client))
    finally:
        _autocommit(client, undone)


def test_a_schema_named_for_the_connecting_role_does_not_take_the_new_table(
    client: TestClient,
) -> None:
    """PostgreSQL's default search path puts a schema named for the role first: the new
    table is made in the old one's schema, not wherever the path would put it."""
    with _engine(client).connect() as connection:
        role = connection.execute(text("SELECT quote_ident(current_user)")).scalar()
    before, after = _around_a_rebuild(
        client, f"CREATE SCHEMA {role}", f"DROP SCHEMA {role} CASCADE"
    )
    assert after.pop("oid") != before.pop("oid")
    assert after == before


def test_a_privilege_granted_while_the_rebuild_runs_is_on_the_table_that_results(
    client: TestClient,
) -> None:
    before = _shape(_engine(client))
    grant = f"GRANT SELECT ON {AUDIT} TO PUBLIC"
    try:
        _rebuild(client, progress=lambda _: _autocommit(client, grant))
        after = _shape(_engine(client))
    finally:
        _autocommit(client, f"REVOKE SELECT ON {AUDIT} FROM PUBLIC")
    assert after.pop("oid") != before.pop("oid")
    everyone = (0, "SELECT", False)  # PUBLIC's oid is 0
    assert everyone in after["privileges"]
    after["privileges"].remove(everyone)
    assert after == before


def test_a_view_made_on_the_old_table_while_the_rebuild_runs_keeps_it(
    client: TestClient,
) -> None:
    """Something that came to depend on the old table meanwhile is found under the
    swap's lock: the rows go into the old table, and the view reads them."""
    before = _shape(_engine(client))
    view = f"CREATE VIEW aside_view AS SELECT record_id FROM {AUDIT}"
    try:
        _rebuild(client, progress=lambda _: _autocommit(client, view))
        after = _shape(_engine(client))
        with _engine(client).connect() as connection:
            viewed = connection.execute(text("SELECT count(*) FROM aside_view")).scalar()
    finally:
        _autocommit(client, "DROP VIEW IF EXISTS aside_view")
    assert after == before  # the same table
    assert viewed == len(before["rows"])


def test_an_index_that_will_not_build_on_a_new_table_keeps_the_old_one(
    client: TestClient,
) -> None:
    """An index whose definition names the table itself (its whole row) cannot be built
    on another: the rows go into the old table, and its indexes stay as they were."""
    before, after = _around_a_rebuild(
        client,
        f"CREATE INDEX aside_whole_row ON {AUDIT} (({AUDIT} IS NOT NULL))",
        "DROP INDEX aside_whole_row",
    )
    assert after == before


def test_an_index_being_altered_when_the_swap_comes_keeps_the_old_table(
    client: TestClient,
) -> None:
    """An ALTER INDEX holds the index, not the table: the drop would wait for it and then
    drop what it changed. The swap sees the index held, and puts its rows into the old
    table, whose index keeps the change once it commits."""
    before = _shape(_engine(client))
    index = "ix_audit_decisions_clause"
    try:
        with _engine(client).connect() as other:
            other.execute(text(f"ALTER INDEX {index} SET (fillfactor = 50)"))
            _rebuild(client)
            other.commit()
        after = _shape(_engine(client))
    finally:
        _autocommit(client, f"ALTER INDEX {index} RESET (fillfactor)")
    assert after["oid"] == before["oid"]
    assert after["rows"] == before["rows"]
    assert "fillfactor='50'" in dict(after["indexes"])[index]


def test_a_table_the_planner_had_statistics_for_keeps_them(client: TestClient) -> None:
    """Where the old table had been analysed, the new one is too: planned without
    statistics, an officer's timeline walked every act in the log."""
    _autocommit(client, f"ANALYZE {AUDIT}")
    _rebuild(client)
    with _engine(client).connect() as connection:
        kept = connection.execute(
            text("SELECT count(*) FROM pg_stats WHERE tablename = :t"), {"t": AUDIT}
        ).scalar()
    assert kept


SCRATCH = "aside_scratch"
#: Something that names a table and would not follow a new one, or would stop the old one
#: being dropped, or that a new one made ``LIKE`` it would not carry: each makes the table
#: one a rebuild empties instead.
DEPENDENTS = {
    "view": f"CREATE VIEW aside_view AS SELECT n FROM {SCRATCH}",
    "foreign key": f"CREATE TABLE aside_child (n integer REFERENCES {SCRATCH} (n))",
    "trigger": (
        "CREATE FUNCTION aside_touch() RETURNS trigger LANGUAGE plpgsql AS "
        "'BEGIN RETURN NEW; END'; "
        f"CREATE TRIGGER aside_touched BEFORE INSERT ON {SCRATCH} "
        "FOR EACH ROW EXECUTE FUNCTION aside_touch()"
    ),
    "column default": f"ALTER TABLE {SCRATCH} ALTER COLUMN n SET DEFAULT 1",
    "storage option": f"ALTER TABLE {SCRATCH} SET (fillfactor = 70)",
    "replica identity": f"ALTER TABLE {SCRATCH} REPLICA IDENTITY FULL",
    "row type used": f"CREATE TABLE aside_holder (held {SCRATCH})",
    "row type's array used": f"CREATE TABLE aside_holder (held {SCRATCH}[])",
    "comment": f"COMMENT ON COLUMN {SCRATCH}.n IS 'why'",
    "column privilege": f"GRANT SELECT (n) ON {SCRATCH} TO PUBLIC",
    "statistics target": f"ALTER TABLE {SCRATCH} ALTER COLUMN n SET STATISTICS 500",
    "publication": f"CREATE PUBLICATION aside_published FOR TABLE {SCRATCH}",
    "TOAST option": f"ALTER TABLE {SCRATCH} SET (toast.autovacuum_enabled = false)",
    "event trigger": (
        "CREATE FUNCTION aside_guard() RETURNS event_trigger LANGUAGE plpgsql AS "
        "'BEGIN RAISE EXCEPTION ''no DDL here''; END'; "
        "CREATE EVENT TRIGGER aside_guarded ON ddl_command_start "
        "WHEN TAG IN ('DROP TABLE') EXECUTE FUNCTION aside_guard()"
    ),
    "access method": (
        "CREATE ACCESS METHOD aside_heap TYPE TABLE HANDLER heap_tableam_handler; "
        f"ALTER TABLE {SCRATCH} SET ACCESS METHOD aside_heap"
    ),
    "index statistics target": (
        f"CREATE INDEX aside_expression ON {SCRATCH} ((n + 1)); "
        "ALTER INDEX aside_expression ALTER COLUMN 1 SET STATISTICS 500"
    ),
}


@pytest.mark.parametrize("dependent", [None, *DEPENDENTS])
def test_a_table_something_depends_on_is_emptied_not_set_aside(
    client: TestClient, dependent: str | None
) -> None:
    scratch = Table(
        SCRATCH, MetaData(), Column("n", Integer, primary_key=True), Column("note", Text)
    )
    scratch.info["rebuild"] = rebuilt_aside.ASIDE
    with Session(_engine(client)) as session, session.begin():
        session.execute(text(f"CREATE TABLE {SCRATCH} (n integer PRIMARY KEY, note text)"))
        if dependent is not None:
            session.execute(text(DEPENDENTS[dependent]))
        aside = rebuilt_aside.set_aside(session, [scratch])
        assert aside == (set() if dependent else {scratch})
        assert (rebuilt_aside.rows_of(session, scratch) is scratch) == bool(dependent)
        session.rollback()


def test_a_trigger_once_dropped_does_not_keep_a_table_from_being_set_aside(
    client: TestClient,
) -> None:
    """The catalogue's flag says a table has, or once had, a trigger: what is asked is
    whether it has one now."""
    scratch = Table(
        SCRATCH, MetaData(), Column("n", Integer, primary_key=True), Column("note", Text)
    )
    scratch.info["rebuild"] = rebuilt_aside.ASIDE
    with Session(_engine(client)) as session, session.begin():
        session.execute(text(f"CREATE TABLE {SCRATCH} (n integer PRIMARY KEY, note text)"))
        session.execute(text(DEPENDENTS["trigger"]))
        session.execute(text(f"DROP TRIGGER aside_touched ON {SCRATCH}"))
        assert rebuilt_aside.set_aside(session, [scratch]) == {scratch}
        session.rollback()


def test_every_table_marked_aside_can_be_swapped_in_each_service(
    pg_database_urls: dict[str, str],
) -> None:
    """A migration that made a marked table depend on something (a view, a trigger) would
    quietly send its rebuild back to emptying it: the marked tables are held swappable."""
    for service, url in pg_database_urls.items():
        marked = [
            table
            for table in migrate.service_metadata(service).sorted_tables
            if table.info.get("rebuild") == rebuilt_aside.ASIDE
        ]
        assert marked, service
        engine = create_engine(url)
        try:
            with Session(engine) as session, session.begin():
                assert rebuilt_aside.set_aside(session, marked) == set(marked), service
                session.rollback()
        finally:
            engine.dispose()


def test_a_table_already_named_as_the_new_one_would_be_keeps_the_old_one_in_place(
    client: TestClient,
) -> None:
    scratch = Table(
        SCRATCH, MetaData(), Column("n", Integer, primary_key=True), Column("note", Text)
    )
    scratch.info["rebuild"] = rebuilt_aside.ASIDE
    taken = rebuilt_aside._beside(scratch, "public").name
    with Session(_engine(client)) as session, session.begin():
        session.execute(text(f"CREATE TABLE {SCRATCH} (n integer PRIMARY KEY, note text)"))
        session.execute(text(f"CREATE TABLE {taken} (n integer)"))
        assert rebuilt_aside.set_aside(session, [scratch]) == set()
        # The unit of work goes on: the failed CREATE was undone alone.
        assert session.execute(text(f"SELECT count(*) FROM {taken}")).scalar() == 0
        session.rollback()
