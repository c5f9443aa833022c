"""Reference records kept decoded between units of work (shared.reference_records): each
load asks the log for the last event kept and any after it, so a change made anywhere (in
another process too) is seen at the next load, a log that no longer holds what was kept is
read again from its start, and a command's changes to its copy change nothing kept."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from services.postings.application import PostingsApplication
from services.postings.commands import SetNoticePeriod
from services.postings.domain.delegation import Delegation
from services.postings.domain.officer import Officer, officer_aggregate_id
from services.postings.domain.policy import POLICY_ID, PolicySettings
from shared.errors import NotFound
from shared.handling import Actor
from shared.identity import Principal
from shared.reference_records import ReferenceRecords
from shared.roles import Role
from shared.runtime import Runtime
from tests.support.runtimes import Decoded, abandoned, constable, places, send

DIRECTOR = Principal("dhr", Role.DIRECTOR_OF_HR)


def notice_days(runtime: Runtime) -> int:
    app = runtime.application
    assert isinstance(app, PostingsApplication)
    with runtime.db.unit_of_work(write=False):
        return app.policy().notice_days


def test_a_change_made_by_another_process_is_seen_at_the_next_load(
    two_processes: tuple[Runtime, Runtime], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = two_processes
    send(second, SetNoticePeriod(days=40, rationale="Consulted the federation"))
    decoded = Decoded(monkeypatch, first)
    assert notice_days(first) == 40
    assert decoded.count == 2  # read from its start: nothing was kept
    assert notice_days(first) == 40
    assert decoded.count == 2  # kept, and the log has nothing newer
    send(second, SetNoticePeriod(days=35, rationale="Agreed with the federation"))
    assert notice_days(first) == 35
    assert decoded.count == 3  # only the newer event


def test_a_commands_changes_to_its_copy_change_nothing_kept(
    two_processes: tuple[Runtime, Runtime],
) -> None:
    runtime, _ = two_processes
    send(runtime, SetNoticePeriod(days=40, rationale="Consulted the federation"))
    app = runtime.application
    assert notice_days(runtime) == 40
    with runtime.db.unit_of_work(write=False):
        policy = app.load(POLICY_ID, PolicySettings, what="policy")
        policy.notice_days = 1  # changed in memory, never saved
    assert notice_days(runtime) == 40


def test_a_unit_of_work_reads_its_own_unsaved_change_and_nothing_keeps_it(
    two_processes: tuple[Runtime, Runtime],
) -> None:
    runtime, _ = two_processes
    send(runtime, SetNoticePeriod(days=40, rationale="Consulted the federation"))
    handler = runtime.handlers[SetNoticePeriod]
    command = SetNoticePeriod(days=21, rationale="Not committed")
    actor = Actor(DIRECTOR, correlation_id="test")
    with abandoned(runtime.db):
        handler.handle(command, actor, None)
        again = runtime.application.load(POLICY_ID, PolicySettings, what="policy")
        assert again.notice_days == 21
    # That unit of work rolled back: what is kept, and the log, say 40.
    assert notice_days(runtime) == 40


@dataclass
class Counter:
    """A record whose events add to a total: enough to replay."""

    id: UUID
    version: int = 0
    total: int = 0

    @dataclass(frozen=True)
    class Added:
        record_id: UUID
        version: int
        amount: int

        def mutate(self, aggregate: Counter | None) -> Counter:
            counter = aggregate or Counter(self.record_id)
            counter.version, counter.total = self.version, counter.total + self.amount
            return counter


ADDED = get_topic(Counter.Added)
COUNTERS = cast(tuple[type[Aggregate], ...], (Counter,))


def test_a_log_that_no_longer_holds_what_was_kept_is_read_again_from_its_start() -> None:
    record = uuid4()
    log = [StoredEvent(record, v, ADDED, str(v).encode()) for v in (1, 2)]
    asked: list[int] = []

    def read_after(version: int) -> list[StoredEvent]:
        asked.append(version)
        return [s for s in log if s.originator_version > version]

    def decode(stored: StoredEvent) -> Counter.Added:
        return Counter.Added(record, stored.originator_version, int(stored.state))

    kept = ReferenceRecords()

    def total() -> int:
        counter = kept.load(record, COUNTERS, read_after, decode)
        assert isinstance(counter, Counter)
        return counter.total

    assert total() == 3
    assert kept.floor(record) == 1
    # The database was restored from elsewhere: version 2 is another event now.
    log[1] = StoredEvent(record, 2, ADDED, b"10")
    assert total() == 11
    assert asked == [0, 1, 0]
    # And a log emptied of the record holds no record.
    log.clear()
    assert kept.load(record, COUNTERS, read_after, decode) is None
    assert kept.floor(record) == 0


def test_an_id_naming_a_record_of_another_kind_is_neither_decoded_nor_kept(
    two_processes: tuple[Runtime, Runtime], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A delegation id comes from the caller, and may name an officer's record, whose
    events carry sealed personal data: it is not found, and nothing of it is opened or
    kept (so nothing of it could outlive the officer's disposal)."""
    runtime, _ = two_processes
    places(runtime, "maidstone")
    constable(runtime)
    record = officer_aggregate_id("K100")
    app = runtime.application
    decoded = Decoded(monkeypatch, runtime)
    with runtime.db.unit_of_work(write=False), pytest.raises(NotFound):
        app.load(record, Delegation, what="delegation")
    assert decoded.count == 0
    assert app._references.floor(record) == 0
    # The officer is still read as an officer.
    with runtime.db.unit_of_work(write=False):
        assert app.load(record, Officer, what="officer").officer_id == "K100"
