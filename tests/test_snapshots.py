"""Officers with long histories are read from their last snapshot and the events after it
(shared.snapshots): the record so read is the record the replay reads; a snapshot the log
or the code no longer agrees with is not used; it is sealed with the officer's key and goes
with their disposal; and units of work racing to keep one leave one, on PostgreSQL."""

from __future__ import annotations

import base64
import json
import os
import threading
from datetime import date
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.domain import Aggregate
from sqlalchemy import delete, select, update

from services.postings.application import PostingsApplication
from services.postings.commands import (
    ChangeOfficer,
    RecordPdr,
    RestrictLocation,
    StatePreferences,
)
from services.postings.domain.kinds import Rank, WelfareFactor
from services.postings.domain.officer import Officer, officer_aggregate_id
from shared.disposal import DisposeOfPersonalData
from shared.identity import Principal
from shared.roles import Role
from shared.runtime import Runtime
from shared.sealing import DISPOSED, SEALED
from shared.snapshots import SNAPSHOT_AFTER, _bound
from tests.force import NOW
from tests.support.runtimes import Decoded, constable, places, send

DIRECTOR = Principal("dhr", Role.DIRECTOR_OF_HR)
PSD = Principal("psd-1", Role.PSD)
OFFICER_ID = "K100"
RECORD = officer_aggregate_id(OFFICER_ID)


@pytest.fixture
def runtime(two_processes: tuple[Runtime, Runtime]) -> Runtime:
    return two_processes[0]


def app_of(runtime: Runtime) -> PostingsApplication:
    app = runtime.application
    assert isinstance(app, PostingsApplication)
    return app


def long_history(runtime: Runtime, changes: int) -> None:
    """An officer with a restriction, stated preferences, a PDR and ``changes`` changes of
    details: every kind of field a snapshot must hold."""
    places(runtime, "maidstone", "ashford")
    constable(runtime, OFFICER_ID, welfare_factors=[WelfareFactor.OCCUPATIONAL_HEALTH])
    send(runtime, RestrictLocation(OFFICER_ID, "ashford", "A matter under investigation"), PSD)
    send(
        runtime,
        StatePreferences(OFFICER_ID, ["maidstone"], "Near my family"),
        Principal(OFFICER_ID, Role.OFFICER, officer_id=OFFICER_ID),
    )
    send(runtime, RecordPdr(OFFICER_ID, due_on=date(2027, 3, 31)))
    for n in range(changes):
        send(runtime, ChangeOfficer(OFFICER_ID, {"skills": [f"skill {n}"]}))


def snapshot_row(runtime: Runtime) -> Any:
    table = runtime.tables.snapshots
    with runtime.db.unit_of_work(write=False) as session:
        return session.execute(select(table).where(table.c.record_id == RECORD)).first()


def fields(aggregate: Aggregate) -> dict[str, Any]:
    return {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}


def replayed(runtime: Runtime) -> Officer:
    """The officer read the library's way: every event from the first, no snapshot."""
    with runtime.db.unit_of_work(write=False):
        officer: Aggregate = app_of(runtime).repository.get(RECORD)
    assert isinstance(officer, Officer)
    return officer


def loaded(runtime: Runtime, *, write: bool = False) -> Officer:
    with runtime.db.unit_of_work(write=write):
        return app_of(runtime).officer(OFFICER_ID)


def test_a_long_history_is_read_from_its_snapshot_as_the_replay_reads_it(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    long_history(runtime, changes=SNAPSHOT_AFTER + 10)
    row = snapshot_row(runtime)
    assert row is not None
    # Kept by the first writing load that replayed enough events; the rest came after it.
    assert row.record_version == SNAPSHOT_AFTER
    # Sealed with the officer's key: nothing of theirs reads in clear.
    for clear in (b"Ashford", b"Officer K100", b"occupational_health", b"maidstone"):
        assert clear not in row.state
    whole = replayed(runtime)
    decoded = Decoded(monkeypatch, runtime)
    officer = loaded(runtime)
    assert decoded.count == whole.version - row.record_version
    assert fields(officer) == fields(whole)
    assert officer.restricted_at("ashford")
    assert officer.preferences is not None
    assert officer.preferences.places == ["maidstone"]
    # A decision reads it the same way: queued on, read ahead with its snapshot.
    decoded.count = 0
    app = app_of(runtime)
    with runtime.db.unit_of_work(write=True):
        app.serialise_on(RECORD)
        app.read_ahead(RECORD)
        assert fields(app.officer(OFFICER_ID)) == fields(whole)
    assert decoded.count == whole.version - row.record_version


@pytest.mark.parametrize(
    "spoiled",
    [
        {"last_digest": "0" * 64},  # the log no longer holds the event it was taken at
        {"shape": "f" * 64},  # other code took it
        {"state": b'{"not": "sealed"}'},
        {"officer_id": "K999"},  # sealed for another officer
    ],
    ids=["log-changed", "code-changed", "not-sealed", "another-officer"],
)
def test_a_snapshot_the_log_or_the_code_no_longer_agrees_with_is_not_used(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch, spoiled: dict[str, Any]
) -> None:
    long_history(runtime, changes=SNAPSHOT_AFTER)
    whole = replayed(runtime)
    table = runtime.tables.snapshots
    with runtime.db.unit_of_work(write=True) as session:
        session.execute(update(table).where(table.c.record_id == RECORD).values(**spoiled))
    decoded = Decoded(monkeypatch, runtime)
    # A read replays every event, and keeps nothing (it writes nothing).
    assert fields(loaded(runtime)) == fields(whole)
    assert decoded.count == whole.version
    kept = snapshot_row(runtime)
    assert {name: getattr(kept, name) for name in spoiled} == spoiled
    # A writing unit of work replays every event too, and keeps a good snapshot again.
    assert fields(loaded(runtime, write=True)) == fields(whole)
    decoded.count = 0
    assert fields(loaded(runtime)) == fields(whole)
    assert decoded.count == 0
    assert snapshot_row(runtime).record_version == whole.version


def spoil(runtime: Runtime, **values: Any) -> None:
    table = runtime.tables.snapshots
    with runtime.db.unit_of_work(write=True) as session:
        session.execute(update(table).where(table.c.record_id == RECORD).values(**values))


def test_a_sealed_state_opens_only_in_the_row_it_was_taken_for(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The state is authenticated with the record, version and event it is a copy of: one
    copied from another row (the same officer's older snapshot, or another officer's with
    that officer's id) is not used, and nothing is later sealed with the wrong key."""
    long_history(runtime, changes=SNAPSHOT_AFTER)
    older = snapshot_row(runtime)
    for n in range(SNAPSHOT_AFTER):
        send(runtime, ChangeOfficer(OFFICER_ID, {"skills": [f"later {n}"]}))
    newer = snapshot_row(runtime)
    assert newer.record_version > older.record_version
    whole = replayed(runtime)
    decoded = Decoded(monkeypatch, runtime)
    spoil(runtime, state=older.state)
    assert fields(loaded(runtime)) == fields(whole)
    assert decoded.count == whole.version
    # Another officer's sealed state, with their id: the state opens with their key, but
    # not for this row.
    constable(runtime, "K200", rank=Rank.SERGEANT, home_town="Dover")
    other = officer_aggregate_id("K200")
    app = app_of(runtime)
    table = runtime.tables.snapshots
    with runtime.db.unit_of_work(write=True) as session:
        officer = app.officer("K200")
        app._snapshots.keep(session, officer, app.recorder.select_events(other)[-1], NOW)
        theirs = session.execute(select(table).where(table.c.record_id == other)).one()
    spoil(runtime, state=theirs.state, officer_id="K200")
    decoded.count = 0
    assert loaded(runtime).officer_id == OFFICER_ID
    assert decoded.count == whole.version


def _unknown_rank(state: dict[str, Any]) -> None:
    state["rank"]["_data_"] = "constable_renamed"


def _restrictions_gone(state: dict[str, Any]) -> None:
    del state["restrictions"]


@pytest.mark.parametrize(
    "change", [_restrictions_gone, _unknown_rank], ids=["field-gone", "value-unknown"]
)
def test_a_state_this_code_cannot_restore_is_not_used(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch, change: Any
) -> None:
    """Sealed properly, with the officer's key and for the right row, but no longer what
    this code restores (a field gone, an enum's value unknown): the record is read from its
    first event, not refused."""
    long_history(runtime, changes=SNAPSHOT_AFTER)
    row = snapshot_row(runtime)
    aad = f"{OFFICER_ID}\n" + _bound(RECORD, row.record_version, row.last_digest, Officer)
    with runtime.db.unit_of_work(write=False):
        key = app_of(runtime).keyring.for_reading(OFFICER_ID)
    assert key is not None
    envelope = json.loads(row.state)
    raw = base64.b64decode(envelope[SEALED]["data"])
    plain = json.loads(AESGCM(key).decrypt(raw[:12], raw[12:], aad.encode()))
    change(plain["v"])
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, json.dumps(plain).encode(), aad.encode())
    envelope[SEALED]["data"] = base64.b64encode(nonce + sealed).decode()
    spoil(runtime, state=json.dumps(envelope).encode())
    whole = replayed(runtime)
    decoded = Decoded(monkeypatch, runtime)
    assert fields(loaded(runtime)) == fields(whole)
    assert decoded.count == whole.version


def test_a_read_keeps_no_snapshot(runtime: Runtime) -> None:
    long_history(runtime, changes=SNAPSHOT_AFTER)
    table = runtime.tables.snapshots
    with runtime.db.unit_of_work(write=True) as session:
        session.execute(delete(table))
    loaded(runtime)
    assert snapshot_row(runtime) is None


def test_a_disposal_deletes_the_officers_snapshots(runtime: Runtime) -> None:
    long_history(runtime, changes=SNAPSHOT_AFTER)
    assert snapshot_row(runtime) is not None
    send(
        runtime,
        DisposeOfPersonalData(OFFICER_ID, date(2026, 1, 31), "Retention period ended"),
    )
    assert snapshot_row(runtime) is None
    # Read from the log, sealed fields disposed of; and nothing is kept again.
    officer = loaded(runtime, write=True)
    assert officer.name == DISPOSED
    assert officer.home_town == DISPOSED
    assert snapshot_row(runtime) is None


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_units_of_work_racing_to_keep_a_snapshot_leave_one(runtime: Runtime) -> None:
    """Eight loads at one version, and eight changes queued on the officer, at once: every
    one succeeds, one snapshot is left, at the newest version a load kept, and the record
    read from it is the record the replay reads."""
    long_history(runtime, changes=SNAPSHOT_AFTER)
    table = runtime.tables.snapshots
    with runtime.db.unit_of_work(write=True) as session:
        session.execute(delete(table))
    start = threading.Barrier(8)
    failures: list[BaseException] = []

    def race(work: Any) -> None:
        try:
            start.wait(timeout=60)
            work()
        except BaseException as exc:  # reported below
            failures.append(exc)

    def change(n: int) -> Any:
        return lambda: send(runtime, ChangeOfficer(OFFICER_ID, {"skills": [f"raced {n}"]}))

    for works in (
        [lambda: loaded(runtime, write=True)] * 8,
        [change(n) for n in range(8)],
    ):
        threads = [threading.Thread(target=race, args=(work,)) for work in works]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not failures
    whole = replayed(runtime)
    row = snapshot_row(runtime)
    assert row is not None
    assert SNAPSHOT_AFTER + 4 <= row.record_version <= whole.version
    assert fields(loaded(runtime)) == fields(whole)
