"""What runs while a service's log is ordered (ADR 0020). A decision writes its read-model
rows and idempotency record before it takes the log's ordering. Under the ordering it only
inserts the events, reads the chain head, inserts the chain links and gives the rows listed
in the log's order their events' positions, and then it commits. On PostgreSQL, where the
ordering is an advisory lock."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event, text

from services.postings.domain.kinds import PostingKind
from services.postings.domain.location import Location
from services.postings.domain.values import GeoPoint
from services.postings.projections.tables import kernel as postings_kernel
from shared.errors import ConcurrentChange, NotFound
from shared.eventstore import log_lock_key, rebuild_lock_key
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


def _statements_of_one_request(client: TestClient, send: Any) -> list[str]:
    """The SQL the request's own thread sent, in order, with COMMIT where it committed."""
    engine = client.app.state.runtime.db.engine  # type: ignore[attr-defined]
    seen: list[tuple[int, str]] = []
    log_key = log_lock_key(EVENTS)
    request_thread: list[int] = []

    def statement(_c: Any, _cur: Any, sql: str, params: Any, _ctx: Any, _many: bool) -> None:
        if "pg_advisory_xact_lock(" in sql and log_key in dict(params or {}).values():
            request_thread.append(threading.get_ident())
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
    return [sql for thread, sql in seen if thread == request_thread[0]]


def _statements_of_one_decision(client: TestClient, key: str) -> list[str]:
    """The SQL of one compulsory posting decided, as ``_statements_of_one_request``."""
    return _statements_of_one_request(
        client,
        lambda: expect(
            client.post(
                "/postings/compulsory",
                json=compulsory(),
                headers={**DIRECTOR, "Idempotency-Key": key},
            ),
            201,
        ),
    )


def test_only_the_log_write_runs_while_the_log_is_ordered(client: TestClient) -> None:
    statements = _statements_of_one_decision(client, "ordered-once")
    ordering = statements.index("LOG ORDERING")
    commit = statements.index("COMMIT", ordering)
    adding, extending = statements[ordering + 1 : commit]
    # One statement inserts the events and reads the chain head ...
    assert adding.startswith(f"WITH added AS (INSERT INTO {EVENTS} ")
    assert f"FROM {EVENTS}_chain ORDER BY position DESC LIMIT 1" in adding
    # ... and one more extends the chain and gives the rows listed in the log's order their
    # events' positions (shared.arrival): the posting in the panel's queue is numbered, the
    # act is inserted numbered, and the case the decision opens goes with it, a round trip
    # less than a statement of its own.
    parts = [part.split("(")[0].strip() for part in extending.split(" AS (")[1:]]
    assert parts == [
        f"INSERT INTO {EVENTS}_chain",
        "UPDATE postings SET decided_seq = given.value FROM unnest",
        "INSERT INTO audit_cases",
        "INSERT INTO audit_decisions",
    ]
    # Everything else the decision writes went before, in the same transaction.
    before = statements[:ordering]
    assert any(sql.startswith("INSERT INTO postings ") for sql in before)
    assert not any("audit_cases" in sql for sql in before)
    # The answer kept under the key names the officers it concerns in the same statement.
    assert any(
        sql.startswith("WITH naming AS (INSERT INTO idempotency_officers ")
        and "UPDATE idempotency_keys " in sql
        for sql in before
    )


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
    # The officer's snapshot, if one, comes with the events (shared.snapshots).
    reads = [
        sql for sql in before if sql.startswith((f"SELECT {EVENTS}.originator_id", "WITH kept AS"))
    ]
    together = [sql for sql in reads if "JOIN unnest(" in sql and "FROM record_snapshots" in sql]
    assert len(together) == 1
    # Nothing is read alone: not even the policy, whose notice period is read first.
    assert len(reads) == 1
    keys = [sql for sql in before if "FROM officer_keys" in sql]
    assert len(keys) == 1
    assert keys[0].endswith("FOR SHARE")
    assert not any(sql.startswith("SELECT postings.id") for sql in before)
    assert any(sql.startswith("INSERT INTO postings ") and "RETURNING" in sql for sql in before)


def test_a_record_saved_and_loaded_again_in_one_unit_of_work_has_its_new_events(
    client: TestClient,
) -> None:
    app = client.app.state.runtime.application  # type: ignore[attr-defined]
    with abandoned(app.db) as session:
        place = Location.register(
            code="hythe",
            name="Hythe police station",
            division="south",
            town="Hythe",
            point=GeoPoint(51.071, 1.084),
            kind="station",
            actor_id="hr-1",
            actor_role=Role.HR_RESOURCE_PLANNING,
            at=NOW,
        )
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
