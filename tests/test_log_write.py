"""What runs while a service's log is ordered (ADR 0020). A decision writes its read-model
rows before it takes the log's ordering, and its idempotency record's answer in the
statement that asks for it, done before the ordering is asked for (ADR 0038). Under the
ordering it only inserts the events, reads the chain head, inserts the chain links and
gives the rows listed in the log's order their events' positions, and then it commits.
On PostgreSQL, where the ordering is an advisory lock."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import Session

from services.postings.domain.kinds import PostingKind
from services.postings.domain.location import Location
from services.postings.domain.values import GeoPoint
from services.postings.projections.tables import kernel as postings_kernel
from shared.errors import ConcurrentChange, NotFound
from shared.eventstore import log_lock_key, rebuild_lock_key
from shared.hashchain import GENESIS, extend, stored_leaf_hash
from shared.log_write import _ordering, with_the_ordering
from shared.roles import Role
from tests.force import (
    AUDITOR,
    DIRECTOR,
    NOW,
    compulsory,
    expect,
    force_client,  # noqa: F401 - this module's ``client``
)
from tests.support.http import eventually
from tests.support.runtimes import abandoned

EVENTS = postings_kernel.events.name


@pytest.fixture
def backend() -> str:
    """PostgreSQL only: SQLite has no advisory lock, and one writer at a time anyway."""
    return "postgresql"


class Statements(list[str]):
    """The SQL a request sent, the statement that asked for the log's ordering shown as
    ``LOG ORDERING``, its text kept apart (``ordering``)."""

    ordering = ""


def _statements_of_one_request(client: TestClient, send: Any) -> Statements:
    """The SQL the request's own thread sent, in order, with COMMIT where it committed."""
    engine = client.app.state.runtime.db.engine  # type: ignore[attr-defined]
    seen: list[tuple[int, str]] = []
    log_key = log_lock_key(EVENTS)
    request_thread: list[int] = []
    found = Statements()

    def statement(_c: Any, _cur: Any, sql: str, params: Any, _ctx: Any, _many: bool) -> None:
        if "pg_advisory_xact_lock(" in sql and log_key in dict(params or {}).values():
            request_thread.append(threading.get_ident())
            found.ordering = " ".join(sql.split())
            sql = "LOG ORDERING"
        seen.append((threading.get_ident(), " ".join(sql.split())))

    def commit(_c: Any) -> None:
        seen.append((threading.get_ident(), "COMMIT"))

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    try:
        send()
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)
    assert len(request_thread) == 1, "the decision took the log's ordering once"
    found.extend(sql for thread, sql in seen if thread == request_thread[0])
    return found


def _place(code: str) -> Location:
    """A place of duty registered by HR, as the log stores one."""
    return Location.register(
        code=code,
        name=f"{code} police station",
        division="south",
        town="Hythe",
        point=GeoPoint(51.071, 1.084),
        kind="station",
        actor_id="hr-1",
        actor_role=Role.HR_RESOURCE_PLANNING,
        at=NOW,
    )


def _decide(client: TestClient, key: str) -> None:
    """One compulsory posting decided under ``key``."""
    expect(
        client.post(
            "/postings/compulsory",
            json=compulsory(),
            headers={**DIRECTOR, "Idempotency-Key": key},
        ),
        201,
    )


def _statements_of_one_decision(client: TestClient, key: str) -> Statements:
    """The SQL of one compulsory posting decided, as ``_statements_of_one_request``."""
    return _statements_of_one_request(client, lambda: _decide(client, key))


def test_only_the_log_write_runs_while_the_log_is_ordered(client: TestClient) -> None:
    statements = _statements_of_one_decision(client, "ordered-once")
    ordering = statements.index("LOG ORDERING")
    commit = statements.index("COMMIT", ordering)
    (extending,) = statements[ordering + 1 : commit]
    # The statement that takes the ordering inserts the events once it is granted ...
    assert f"added AS (INSERT INTO {EVENTS} " in statements.ordering
    assert statements.ordering.index("pg_advisory_xact_lock(") < statements.ordering.index(
        "FROM added)"
    )
    # ... and one more reads the chain head, extends the chain and gives the rows listed
    # in the log's order their events' positions (shared.arrival): the posting in the
    # panel's queue is numbered, the act is inserted numbered, and the case the decision
    # opens goes with it, a round trip less than a statement of its own.
    assert f"FROM {EVENTS}_chain ORDER BY position DESC LIMIT 1" in extending
    parts = re.findall(r"part_\d+ AS \(((?:INSERT INTO|UPDATE) \w+)", extending)
    assert parts == [
        f"INSERT INTO {EVENTS}_chain",
        "UPDATE postings",
        "INSERT INTO audit_cases",
        "INSERT INTO audit_decisions",
    ]
    assert "UPDATE postings SET decided_seq = given.value FROM unnest" in extending
    # The links are hashed by the database, from the head the statement reads.
    assert "sha256(" in extending
    # Everything else the decision writes went before, in the same transaction.
    before = statements[:ordering]
    assert any(sql.startswith("INSERT INTO postings ") for sql in before)
    assert not any("audit_cases" in sql for sql in before)
    # The officer's row moved on to the posting's opening, the answer kept under the key
    # and the officers it concerns ride on the statement that asks for the ordering,
    # counted ahead of the lock so that they are done first.
    assert not any(sql.startswith("UPDATE officers") for sql in before)
    assert not any("idempotency_officers" in sql for sql in before)
    assert not any(sql.startswith("UPDATE idempotency_keys") for sql in before)
    assert statements.ordering.startswith("WITH w0 AS (UPDATE officers SET version=")
    assert "w1 AS (UPDATE idempotency_keys " in statements.ordering
    assert "w2 AS (INSERT INTO idempotency_officers " in statements.ordering
    asked = statements.ordering.index("pg_advisory_xact_lock(")
    for n in range(3):
        assert statements.ordering.index(f"(SELECT count(*) FROM w{n})") < asked


def test_the_writes_riding_on_the_ordering_are_done_before_it_is_asked_for(
    client: TestClient,
) -> None:
    """The kept answer's writes travel in the ordering's statement but run before its lock:
    triggers on both tables note whether the writing backend held the log's ordering as
    each row was written (BEFORE triggers: AFTER ones wait for the statement's end), and
    so does one on the log, whose events are inserted under the ordering: the check that
    says False for the answer says True where the ordering is held."""
    url = client.app.state.runtime.db.engine.url  # type: ignore[attr-defined]
    engine = create_engine(url)
    key = log_lock_key(EVENTS)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE written_under (tbl TEXT, ordered BOOLEAN)"))
            conn.execute(
                text(
                    "CREATE FUNCTION note_ordering() RETURNS trigger LANGUAGE plpgsql AS $$ "
                    "BEGIN INSERT INTO written_under SELECT TG_TABLE_NAME, EXISTS ("
                    "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND pid = pg_backend_pid() AND objsubid = 1 "
                    f"AND (classid::BIGINT << 32) + objid::BIGINT = {key}); "
                    "RETURN NEW; END $$"
                )
            )
            for table in ("idempotency_keys", "idempotency_officers", "officers", EVENTS):
                conn.execute(
                    text(
                        f"CREATE TRIGGER note_{table} BEFORE INSERT OR UPDATE ON {table} "
                        "FOR EACH ROW EXECUTE FUNCTION note_ordering()"
                    )
                )
        expect(
            client.post(
                "/postings/compulsory",
                json=compulsory(),
                headers={**DIRECTOR, "Idempotency-Key": "riding-before"},
            ),
            201,
        )
        with engine.connect() as conn:
            noted = conn.execute(text("SELECT tbl, ordered FROM written_under")).all()
        # The claim (inserted first), the officer's row moved on, the answer kept, and the
        # officer it names: before.
        assert sorted(n for n in noted if n[0] != EVENTS) == [
            ("idempotency_keys", False),
            ("idempotency_keys", False),
            ("idempotency_officers", False),
            ("officers", False),
        ]
        # The events: under the ordering.
        events = [ordered for table, ordered in noted if table == EVENTS]
        assert events
        assert all(events)
    finally:
        with engine.begin() as conn:
            for table in ("idempotency_keys", "idempotency_officers", "officers", EVENTS):
                conn.execute(text(f"DROP TRIGGER IF EXISTS note_{table} ON {table}"))
            conn.execute(text("DROP FUNCTION IF EXISTS note_ordering()"))
            conn.execute(text("DROP TABLE IF EXISTS written_under"))
        engine.dispose()


def test_a_decision_reads_its_records_together_and_the_officers_key_once(
    client: TestClient,
) -> None:
    """After queueing on the officer, a decision reads the officer's, the place's and the
    policy's events in one statement (the handler reads the notice period first, after
    queueing), and the officer's key once, under the lock that sealing needs; its answer is
    the posting's row as the INSERT returned it, not read back. The officer is queued on
    once, in the statement that takes the writer's share of the rebuild lock."""
    statements = _statements_of_one_decision(client, "read-together")
    before = statements[: statements.index("LOG ORDERING")]
    locks = [sql for sql in before if "pg_advisory_xact_lock" in sql]
    assert len(locks) == 1
    assert "pg_advisory_xact_lock_shared(" in locks[0]
    # The key is claimed in the same statement, before the first lock is asked for
    # (shared.key_claims), and by no statement of its own.
    assert locks[0].startswith("WITH claimed AS (INSERT INTO idempotency_keys ")
    assert locks[0].index("(SELECT count(*) FROM claimed)") < locks[0].index("pg_advisory")
    assert [sql for sql in before if "INSERT INTO idempotency_keys" in sql] == locks
    # The officer's snapshot, if one, comes with the events (shared.snapshots).
    reads = [
        sql for sql in before if sql.startswith((f"SELECT {EVENTS}.originator_id", "WITH kept AS"))
    ]
    together = [sql for sql in reads if "JOIN unnest(" in sql and "FROM record_snapshots" in sql]
    assert len(together) == 1
    # Nothing is read alone: not even the policy, whose notice period is read first.
    assert len(reads) == 1
    # The officer's key comes in the same statement, under the lock sealing needs.
    keys = [sql for sql in before if "FROM officer_keys" in sql]
    assert keys == together
    assert "FROM officer_keys WHERE officer_keys.officer_id = ANY (" in keys[0]
    assert "FOR SHARE)" in keys[0]
    assert not any(sql.startswith("SELECT postings.id") for sql in before)
    assert any(sql.startswith("INSERT INTO postings ") and "RETURNING" in sql for sql in before)


def test_a_record_saved_and_loaded_again_in_one_unit_of_work_has_its_new_events(
    client: TestClient,
) -> None:
    app = client.app.state.runtime.application  # type: ignore[attr-defined]
    with abandoned(app.db) as session:
        place = _place("hythe")
        app.store(place)
        again = app.load(place.id, Location, what="location")
        assert (again.version, again.code) == (1, "hythe")
        # Nothing reached the log: it is written only as the unit of work commits.
        stored = text(f"SELECT count(*) FROM {EVENTS} WHERE originator_id = :id")
        assert session.execute(stored, {"id": place.id}).scalar() == 0
    # That unit of work did not commit, and its events went with it.
    with app.db.unit_of_work(write=False), pytest.raises(NotFound):
        app.load(place.id, Location, what="location")


def test_a_decision_waits_for_a_rebuild_of_the_read_models(client: TestClient) -> None:
    """A rebuild empties and refills the read models in one transaction; a decision, which
    writes its rows before it takes the log's ordering, waits for it to finish."""
    url = client.app.state.runtime.db.engine.url  # type: ignore[attr-defined]
    rebuilder = create_engine(url)
    try:
        with rebuilder.connect() as rebuild, ThreadPoolExecutor(1) as pool:
            rebuild.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": rebuild_lock_key(EVENTS)}
            )
            decided = pool.submit(
                client.post, "/postings/compulsory", json=compulsory(), headers=DIRECTOR
            )

            def waiting_for_the_rebuild() -> bool:
                return bool(
                    rebuild.execute(
                        text(
                            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                            "AND NOT granted AND mode = 'ShareLock'"
                        )
                    ).scalar()
                )

            eventually(waiting_for_the_rebuild)
            assert not decided.done()
            rebuild.commit()
            expect(decided.result(timeout=120), 201)
    finally:
        rebuilder.dispose()


def test_the_chain_the_database_extends_is_the_one_the_verifier_computes(
    client: TestClient,
) -> None:
    """The chain extended at commit is the one the verifier computes: a decision's events,
    sealed and several to a unit of work, verify from the first event to the last."""
    for officer_id in ("K100", "K101"):
        expect(
            client.post(
                "/postings/compulsory", json=compulsory(officer_id=officer_id), headers=DIRECTOR
            ),
            201,
        )
    verified = expect(client.get("/audit/verify", headers=AUDITOR), 200)
    assert verified["ok"], verified
    assert verified["events"] > 10


def test_a_record_saved_meanwhile_by_another_unit_of_work_is_a_lost_race(
    client: TestClient,
) -> None:
    """This unit of work holds the officer at a version another has committed since it
    read: loading the officer again is a lost race, decided again as any other (409 after
    retries), never a record with two events at one version (a 500)."""
    app = client.app.state.runtime.application  # type: ignore[attr-defined]

    def open_a_posting() -> None:
        officer = app.officer("K100")
        officer.open_a_posting(posting_id=uuid4(), kind=PostingKind.COMPULSORY, at=NOW)
        app.store(officer)

    with abandoned(app.db):
        stale = app.officer("K100")
        with ThreadPoolExecutor(1) as pool:
            pool.submit(lambda: _in_a_unit_of_work(app, open_a_posting)).result(timeout=120)
        stale.open_a_posting(posting_id=uuid4(), kind=PostingKind.COMPULSORY, at=NOW)
        app.store(stale)
        with pytest.raises(ConcurrentChange):
            app.officer("K100")


def _in_a_unit_of_work(app: Any, work: Any) -> None:
    with app.db.unit_of_work(write=True):
        work()


def test_writes_riding_on_the_ordering_keep_their_parameters_apart() -> None:
    """Each riding write's parameters are renamed apart, every use of a name with it, and a
    literal percent sign is left as it is; the writes are counted ahead of the lock."""
    sql, params = _ordering(
        7,
        [
            (
                "UPDATE t SET a = %(x)s, b = %(xy)s WHERE c = %(x)s AND d LIKE 'a%%'",
                {"x": 1, "xy": 2},
            ),
            ("INSERT INTO u (v) VALUES (%(x)s)", {"x": 3}),
        ],
        events=postings_kernel.events,
    )
    assert sql.startswith(
        "WITH w0 AS (UPDATE t SET a = %(w0_x)s, b = %(w0_xy)s WHERE c = %(w0_x)s "
        "AND d LIKE 'a%%' RETURNING 1), w1 AS (INSERT INTO u (v) VALUES (%(w1_x)s) RETURNING 1), "
        "ordering AS (SELECT (SELECT count(*) FROM w0) AS w0, (SELECT count(*) FROM w1) AS w1, "
        "pg_advisory_xact_lock("
    )
    # The events' insert reads its rows from the ordering, so none is numbered before the
    # ordering is granted; the ids come out with the time it was.
    assert f"added AS (INSERT INTO {EVENTS} " in sql
    assert "SELECT o, v, t, s FROM ordering, unnest(" in sql
    assert " SELECT granted, (SELECT array_agg(id ORDER BY id) FROM added), " in sql
    assert params == {"log_ordering": 7, "w0_x": 1, "w0_xy": 2, "w1_x": 3}


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 1",
        "WITH a AS (INSERT INTO t VALUES (1)) UPDATE u SET v = 1",
        "UPDATE t SET a = 1 RETURNING a",
    ],
)
def test_only_a_plain_write_rides_on_the_ordering(sql: str) -> None:
    with pytest.raises(ValueError, match="plain INSERT, UPDATE or DELETE"):
        with_the_ordering(Session(), sql, {})


def test_the_database_extends_the_chain_as_the_verifier_hashes_it(client: TestClient) -> None:
    """The links of a unit of work of many events, hashed by the database from the head a
    decision left, are the ones verification computes in Python: the whole log verifies,
    and the last link is the Python chain's over every event."""
    _decide(client, "before-many")
    app = client.app.state.runtime.application  # type: ignore[attr-defined]
    with app.db.unit_of_work(write=True):
        app.store(*(_place(f"many-{n}") for n in range(300)))
    assert expect(client.get("/audit/verify", headers=AUDITOR), 200)["ok"] is True
    engine = create_engine(app.db.engine.url)
    try:
        with engine.connect() as conn:
            events = conn.execute(
                text(
                    f"SELECT id, originator_id, originator_version, topic, state FROM {EVENTS} "
                    "ORDER BY id"
                )
            ).all()
            last = conn.execute(
                text(f"SELECT position, chain_hash FROM {EVENTS}_chain ORDER BY position DESC")
            ).first()
    finally:
        engine.dispose()
    head = GENESIS
    for position, originator, version, topic, state in events:
        head = extend(head, stored_leaf_hash(position, originator, version, topic, state))
    assert last is not None
    assert (last.position, last.chain_hash) == (events[-1].id, head.hex())


def _row_version(app: Any, officer_id: str) -> int:
    with app.db.unit_of_work(write=False) as session:
        return int(
            session.execute(
                text("SELECT version FROM officers WHERE officer_id = :o"), {"o": officer_id}
            ).scalar_one()
        )


def test_an_officers_row_moved_on_at_the_ordering_ends_at_the_officers_version(
    client: TestClient,
) -> None:
    """The officer's row moved on to a version and nothing else (a posting opened or
    closed) rides on the ordering's statement: two such moves in one unit of work are one
    write at the later version, and a change of the row sent at once, at a later version,
    is not undone by the move held back."""
    _decide(client, "moved-on")
    app = client.app.state.runtime.application  # type: ignore[attr-defined]
    officer_id = compulsory()["officer_id"]
    with app.db.unit_of_work(write=True):
        officer = app.officer(officer_id)
        opened = officer.open_posting
        officer.close_the_posting(posting_id=opened, why="withdrawn", at=NOW)
        officer.open_a_posting(posting_id=opened, kind=PostingKind.COMPULSORY, at=NOW)
        app.store(officer)
        officer.move_to(location="dover", division="south", posting_id=opened, at=NOW)
        app.store(officer)
        officer.close_the_posting(posting_id=opened, why="moved", at=NOW)
        app.store(officer)
        last = officer.version
    assert _row_version(app, officer_id) == last
    with app.db.unit_of_work(write=True):
        officer = app.officer(officer_id)
        officer.open_a_posting(posting_id=uuid4(), kind=PostingKind.COMPULSORY, at=NOW)
        officer.close_the_posting(posting_id=officer.open_posting, why="withdrawn", at=NOW)
        app.store(officer)
        last = officer.version
    assert _row_version(app, officer_id) == last
