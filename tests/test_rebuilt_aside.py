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
from sqlalchemy import Column, Engine, Integer, MetaData, Table, create_engine, text
from sqlalchemy.orm import Session

from shared import migrate, rebuilt_aside
from shared.rebuild import rebuild_read_models
from tests.force import (
    force_client,  # noqa: F401 - this module's ``client``
)
from tests.support.http import eventually

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


def test_the_swap_waits_for_a_reader_of_the_old_table(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A transaction that has read the old table holds it until it ends: the rebuild asks
    for it a moment at a time until then, and then swaps; the reader meanwhile reads the
    old rows."""
    monkeypatch.setattr(rebuilt_aside, "LOCK_WAIT", "20ms")
    count = text(f"SELECT count(*) FROM {AUDIT}")
    outcome: list[BaseException | int] = []
    with _engine(client).connect() as reader:
        before = reader.execute(count).scalar()

        def rebuild() -> None:
            try:
                outcome.append(_rebuild(client))
            except BaseException as exc:
                outcome.append(exc)

        worker = threading.Thread(target=rebuild)
        worker.start()
        try:
            eventually(lambda: _asked_for_alone(_engine(client)), timeout=120)
            assert reader.execute(count).scalar() == before
        finally:
            reader.rollback()
            worker.join(120)
    assert not worker.is_alive()
    assert [type(found) for found in outcome] == [int]
    with _engine(client).connect() as connection:
        assert connection.execute(count).scalar() == before


def _asked_for_alone(engine: Engine) -> bool:
    """Whether a transaction waits to hold the audit index alone."""
    with engine.connect() as connection:
        waiting = connection.execute(
            text(
                "SELECT count(*) FROM pg_locks WHERE NOT granted "
                "AND mode = 'AccessExclusiveLock' AND relation = to_regclass(:t)"
            ),
            {"t": AUDIT},
        ).scalar()
    return bool(waiting)


SCRATCH = "aside_scratch"
#: Something that names a table and would not follow a new one, or would stop the old one
#: being dropped: each makes the table one a rebuild empties instead.
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
    "row type used": f"CREATE TABLE aside_holder (held {SCRATCH})",
}


@pytest.mark.parametrize("dependent", [None, *DEPENDENTS])
def test_a_table_something_depends_on_is_emptied_not_set_aside(
    client: TestClient, dependent: str | None
) -> None:
    scratch = Table(SCRATCH, MetaData(), Column("n", Integer, primary_key=True))
    scratch.info["rebuild"] = rebuilt_aside.ASIDE
    with Session(_engine(client)) as session, session.begin():
        session.execute(text(f"CREATE TABLE {SCRATCH} (n integer PRIMARY KEY)"))
        if dependent is not None:
            session.execute(text(DEPENDENTS[dependent]))
        aside = rebuilt_aside.set_aside(session, [scratch])
        assert aside == (set() if dependent else {scratch})
        assert (rebuilt_aside.rows_of(session, scratch) is scratch) == bool(dependent)
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
