"""The eventsourcing Application bound to the service's own database session, so that the
event store and the read models commit in one transaction (ADR 0001)."""

from __future__ import annotations

import functools
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, ClassVar, Protocol, TypeVar, cast, runtime_checkable
from uuid import UUID

from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
    ProcessingEvent,
    Recording,
)
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    InfrastructureFactory,
    JSONTranscoder,
    Mapper,
    StoredEvent,
    Transcoder,
    UUIDAsHex,
)
from eventsourcing_sqlalchemy.factory import SQLAlchemyFactory
from eventsourcing_sqlalchemy.recorders import SQLAlchemyApplicationRecorder
from sqlalchemy import Select, Table, bindparam, func, select
from sqlalchemy.orm import Session

from shared import driver, key_claims
from shared.audit_index import index_event
from shared.clock import Clock
from shared.compiled_once import CompiledOnce
from shared.db import Database, writing
from shared.errors import ConcurrentChange, NotFound
from shared.event_json import EventTranscoder
from shared.generic_plans import GENERIC_FROM_HERE
from shared.held_writes import flush_inserts, hold_inserts
from shared.keyring import DatabaseKeyring
from shared.log_write import held, hold
from shared.reference_records import ReferenceRecords, first_event_of
from shared.sealing import OWNERS, Keyring, SealingMapper
from shared.snapshots import (
    SNAPSHOT_AFTER,
    Reading,
    RecordSnapshots,
    SnapshotRow,
    read_ahead_statement,
    shape_of,
)
from shared.tables import KernelTables
from shared.transcodings import register_domain_types

A = TypeVar("A", bound=Aggregate)


class Projector(Protocol):
    """Keeps read models: called with each new event inside the event's own transaction, as
    it is stored (before the log is written) or replayed."""

    def project(self, session: Session, event: Any) -> None: ...


@runtime_checkable
class BatchingProjector(Projector, Protocol):
    """A projector that holds more than new rows back during a rebuild (merged updates);
    ``flush_batch`` sends them, after the held inserts they may update."""

    def begin_batch(self, session: Session) -> None: ...

    def flush_batch(self, session: Session) -> None: ...


@runtime_checkable
class RecountingProjector(Projector, Protocol):
    """A projector whose read models include figures the database keeps by itself as rows
    change (triggers), which a rebuild pauses (shared.rebuild.REBUILDING): ``recount``
    counts them afresh from the replayed rows."""

    def recount(self, session: Session) -> None: ...


class SerialisedRecorder(SQLAlchemyApplicationRecorder):
    """The library's recorder, reading a record's events with those this unit of work
    stored and has not yet written to the log (shared.log_write writes them at commit)."""

    def select_events(
        self,
        originator_id: UUID | str,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> list[StoredEvent]:
        sessions = self.datastore.scoped_session
        ahead = _read_ahead_of(
            sessions, originator_id, gt, plain=lte is None and not desc and limit is None
        )
        if ahead is not None:
            found = ahead
        else:
            statement = self._select_events(
                gt is not None, lte is not None, desc, limit is not None
            )
            params = {"originator_id": originator_id, "gt": gt, "lte": lte, "limit": limit}
            with self.transaction(commit=False) as session:
                found = [stored_event(row) for row in session.execute(statement, params)]
        if sessions is None or not sessions.registry.has():
            return found
        waiting = [
            s
            for s in held(sessions(), self.events_table_name, UUID(str(originator_id)))
            if (gt is None or s.originator_version > gt)
            and (lte is None or s.originator_version <= lte)
        ]
        if not waiting:
            return found
        if any(s.originator_version >= waiting[0].originator_version for s in found):
            # Another unit of work committed this record at a version this one holds: a
            # lost race, decided again like any other (not two events at one version).
            raise ConcurrentChange("the record was changed by someone else; reload and retry")
        merged = sorted([*found, *waiting], key=lambda s: s.originator_version, reverse=desc)
        return merged[:limit] if limit is not None else merged

    def select_after(
        self,
        floors: dict[UUID, int],
        snapshots: Table,
        shapes: list[str],
        keys: Table,
        key_officers: list[str],
    ) -> tuple[dict[UUID, Ahead], dict[str, bytes | None]]:
        """Several records' events, each after its own version, in one statement
        (PostgreSQL): the records a decision reads, asked for together. A record's snapshot
        of one of these ``shapes`` comes too, with its events from the snapshot's version
        (shared.snapshots); and the keys of ``key_officers`` that are there, read under
        the writers' shared lock."""
        ids = list(floors)
        found: dict[UUID, list[StoredEvent]] = {i: [] for i in ids}
        kept: dict[UUID, SnapshotRow] = {}
        locked: dict[str, bytes | None] = {}
        params: dict[str, Any] = {"ids": ids, "floors": [floors[i] for i in ids], "shapes": shapes}
        if key_officers:
            params["key_officers"] = key_officers
        statement = self._select_after(snapshots, keys if key_officers else None)
        with self.transaction(commit=False) as session:
            for row in statement.run(session, params):
                if row.originator_id is None:
                    locked[row.officer_id] = bytes(row.state) if row.state is not None else None
                    continue
                record_id = UUID(str(row.originator_id))
                if row.officer_id is not None:
                    kept[record_id] = SnapshotRow(
                        record_id,
                        row.originator_version,
                        row.officer_id,
                        row.last_digest,
                        bytes(row.state),
                    )
                else:
                    found[record_id].append(stored_event(row))
        ahead = {
            i: Ahead(floors[i], Reading(kept.get(i), sorted(found[i], key=_version_of)))
            for i in ids
        }
        return ahead, locked

    @functools.cache  # noqa: B019 - one recorder per application, for the process's life
    def _select_after(self, snapshots: Table, keys: Table | None) -> CompiledOnce:
        return CompiledOnce(
            read_ahead_statement(cast(Table, self.events_record_cls.__table__), snapshots, keys)
        )

    @functools.cache  # noqa: B019 - one recorder per application, for the process's life
    def _select_events(
        self, after: bool, up_to: bool, desc: bool, limited: bool
    ) -> Select[tuple[Any, ...]]:
        """The read of a record's events, built once for each shape of question: the
        library's builds an ORM query, and its cache key, on every load."""
        c = cast(Table, self.events_record_cls.__table__).c
        statement = select(c.originator_id, c.originator_version, c.topic, c.state).where(
            c.originator_id == bindparam("originator_id")
        )
        if after:
            statement = statement.where(c.originator_version > bindparam("gt"))
        if up_to:
            statement = statement.where(c.originator_version <= bindparam("lte"))
        version = c.originator_version
        statement = statement.order_by(version.desc() if desc else version)
        return statement.limit(bindparam("limit")) if limited else statement


def _version_of(stored: StoredEvent) -> int:
    return stored.originator_version


@dataclass(frozen=True)
class Ahead:
    """A record as ``read_ahead`` read it, after version ``floor``: its events, or, where a
    snapshot of it came, the snapshot and its events from the snapshot's version."""

    floor: int
    reading: Reading


def stored_event(row: Any) -> StoredEvent:
    """A row of a log (its ``originator_id``, ``originator_version``, ``topic`` and
    ``state`` columns) as the library's stored event."""
    return StoredEvent(
        originator_id=row.originator_id,
        originator_version=row.originator_version,
        topic=row.topic,
        state=bytes(row.state),
    )


#: Key in ``Session.info``: the records this unit of work queued on (``serialise_on``).
_SERIALISED = "eventstore.serialised"


#: Key in ``Session.info``: records read ahead (``LedgerApplication.read_ahead``), each an
#: ``Ahead``, until a load takes it.
_READ_AHEAD = "eventstore.read_ahead"
#: Key in ``Session.info``: every record this unit of work has read ahead.
_READ_AHEAD_ASKED = "eventstore.read_ahead_asked"


def _take_ahead(sessions: Any, record_id: UUID | str) -> Ahead | None:
    """The record as this unit of work read it ahead, if it did; each is taken once."""
    if sessions is None or not sessions.registry.has():
        return None
    ahead: dict[UUID, Ahead] | None = sessions().info.get(_READ_AHEAD)
    return ahead.pop(UUID(str(record_id)), None) if ahead else None


def _read_ahead_of(
    sessions: Any, originator_id: UUID | str, gt: int | None, *, plain: bool
) -> list[StoredEvent] | None:
    """The record's events as this unit of work read them ahead, if it did and the load
    asks the same question (all its events after the same version, no snapshot)."""
    entry = _take_ahead(sessions, originator_id)
    if entry is None or not plain or entry.floor != (gt or 0) or entry.reading.snapshot:
        return None
    return entry.reading.stored


def log_lock_key(events_table: str) -> int:
    """The lock that orders the writers of one service's log."""
    return zlib.crc32(f"officer-postings:{events_table}".encode())


def rebuild_lock_key(events_table: str) -> int:
    """The lock a rebuild of one service's read models holds alone, and writers share."""
    return zlib.crc32(f"officer-postings:{events_table}:read-models".encode())


#: Key in ``Session.info``: this unit of work holds its share of the rebuild lock.
_PROJECTING = "eventstore.projecting"


class LedgerFactory(SQLAlchemyFactory):
    application_recorder_class = SerialisedRecorder


class LedgerApplication(Application[UUID]):
    """Base of the three services' applications: one method per command."""

    #: The service's enums and value objects that appear in its events.
    domain_enums: ClassVar[tuple[type[Enum], ...]] = ()
    domain_values: ClassVar[tuple[type[Any], ...]] = ()

    #: The service's kernel tables (set by each service's application class).
    kernel: ClassVar[KernelTables]

    #: Records every decision reads and few change, kept decoded between units of work and
    #: checked against the log at each load (shared.reference_records). None may carry an
    #: officer's sealed data.
    reference_kinds: ClassVar[tuple[type[Aggregate], ...]] = ()

    #: Records whose histories grow long (an officer's), read from their last snapshot and
    #: the events after it (shared.snapshots). Each must name its officer (``officer_id``).
    snapshot_kinds: ClassVar[tuple[type[Aggregate], ...]] = ()

    def __init__(self, db: Database, *, clock: Clock, projector: Projector | None = None) -> None:
        self.db = db
        self.clock = clock
        self._projector = projector
        self._references = ReferenceRecords()
        super().__init__(
            env={
                "PERSISTENCE_MODULE": "eventsourcing_sqlalchemy",
                # alembic owns the schema; the library never creates tables.
                "CREATE_TABLE": "n",
            }
        )
        # Binding the scoped session opened one on this thread; leave the thread clean.
        db.sessions.remove()
        self._snapshots = RecordSnapshots(
            type(self).kernel.snapshots, type(self).kernel.events, cast(SealingMapper, self.mapper)
        )

    def construct_mapper(self) -> Mapper[UUID]:
        """Personal data is sealed with the officer's key on the way in (ADR 0003)."""
        keyring = DatabaseKeyring(self.db, type(self).kernel.officer_keys, self.clock)
        return SealingMapper(self.construct_transcoder(), keyring)

    @property
    def keyring(self) -> DatabaseKeyring:
        keyring = cast(SealingMapper, self.mapper).keyring
        assert isinstance(keyring, DatabaseKeyring)
        return keyring

    def to_domain_events(self, stored_events: Sequence[StoredEvent]) -> list[Any]:
        """A page of this log's events opened, each officer's key read once for the page."""
        return cast(SealingMapper, self.mapper).to_domain_events(stored_events)

    def construct_factory(self, env: Any) -> InfrastructureFactory[Any]:
        factory = LedgerFactory(env)
        factory.datastore.set_scoped_session(self.db.sessions)
        return factory

    def construct_transcoder(self) -> Transcoder:
        return type(self).event_transcoder()

    @classmethod
    def event_transcoder(cls) -> EventTranscoder:
        """What this service's events are read and written with (ADR 0029), online and in
        an offline replay alike."""
        transcoder = EventTranscoder()
        cls.register_all_transcodings(transcoder)
        return transcoder

    @classmethod
    def register_all_transcodings(cls, transcoder: JSONTranscoder) -> None:
        """The library's own transcodings and this service's domain types: one list, used
        by the running application and by an offline replay alike."""
        for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
            transcoder.register(transcoding)
        register_domain_types(transcoder, enums=cls.domain_enums, values=cls.domain_values)

    @classmethod
    def offline_mapper(cls, keyring: Keyring | None = None) -> Mapper[UUID]:
        """The mapper this service stores events with, needing no database or running
        service: for replaying an export independently (with the officers' keys if the
        auditor was given them; without, personal data stays sealed)."""
        return SealingMapper(cls.event_transcoder(), keyring)

    def _record(self, processing_event: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
        """Seal the events and bring the read models up to date now; the log write waits for
        the unit of work's commit, so that nothing but it runs while the log is ordered
        (shared.log_write, ADR 0020)."""
        session = self.db.sessions()
        kernel = type(self).kernel
        events = processing_event.events
        if not self.db.is_sqlite and self._takes_rebuild_share(session):
            session.execute(select(func.pg_advisory_xact_lock_shared(self._rebuild_key)))
        hold(
            session,
            events=kernel.events,
            chain=kernel.chain,
            lock_key=None if self.db.is_sqlite else log_lock_key(kernel.events.name),
            stored=[self.mapper.to_stored_event(e) for e in events],
        )
        for domain_event in events:
            self.project(session, domain_event)
        return []

    def project(self, session: Session, event: Any) -> None:
        """Bring the read models up to date with one event (live, or in a rebuild)."""
        index_event(session, type(self).kernel, event)
        if self._projector is not None:
            self._projector.project(session, event)

    def begin_batch(self, session: Session) -> None:
        """For a rebuild in one unit of work: read-model writes that nothing reads back
        until ``flush_batch`` may wait and go to the database many at a time."""
        hold_inserts(session)
        if isinstance(self._projector, BatchingProjector):
            self._projector.begin_batch(session)

    def flush_batch(self, session: Session) -> None:
        if isinstance(self._projector, BatchingProjector):
            self._projector.flush_batch(session)
        else:
            flush_inserts(session)

    def recount(self, session: Session) -> None:
        """At the end of a rebuild: what the database keeps by itself, counted afresh."""
        if isinstance(self._projector, RecountingProjector):
            self._projector.recount(session)

    def serialise_on(self, *ids: UUID) -> None:
        """Queue this unit of work behind any other that holds one of these records (on
        PostgreSQL, transaction-scoped advisory locks, taken in one order so two units of
        work never wait for each other). The records' versions still guard every rule;
        this only spares a burst of commands on one record from losing the race again and
        again: they wait their turn instead of being run again. A unit of work takes all
        its locks in one call, first; one it holds already is not asked for again."""
        if self.db.is_sqlite:
            return  # one writer at a time already
        session = self.db.sessions()
        held: set[UUID] = session.info.setdefault(_SERIALISED, set())
        new = sorted({_lock_key(i) for i in ids if i not in held})
        held.update(ids)
        if new:
            # The share of the rebuild lock that storing takes (``_record``), taken now in
            # the same statement, after the records' own: a round trip less per decision.
            # The order is the one storing took them in; a rebuild takes no record's lock.
            share = self._takes_rebuild_share(session)
            keys = {f"k{n}": key for n, key in enumerate(new)}
            if share:
                keys["rebuild"] = self._rebuild_key
            # PostgreSQL evaluates a select list in order: the records' locks in key order,
            # after the command's key is claimed, if its claim waits (shared.key_claims).
            sql, params, claiming = key_claims.with_the_locks(
                session, _locking(len(new), share), keys
            )
            row = driver.send(session, sql, params).one()
            if claiming:
                key_claims.answered(session, row)

    def _takes_rebuild_share(self, session: Session) -> bool:
        """Whether the caller's statement is to take this unit of work's share of the
        rebuild lock (``_rebuild_key``): it has not taken it yet (PostgreSQL). A rebuild
        empties and refills the read models in one transaction; a writer's rows wait for it
        rather than change rows the rebuild is replacing. Writers share the lock, so it
        orders nothing among them."""
        if session.info.get(_PROJECTING):
            return False
        session.info[_PROJECTING] = True
        return True

    @functools.cached_property
    def _rebuild_key(self) -> int:
        return rebuild_lock_key(type(self).kernel.events.name)

    @property
    def _recorder(self) -> SerialisedRecorder:
        return cast(SerialisedRecorder, self.recorder)

    def _has_unsaved(self, record_id: UUID) -> bool:
        """This unit of work stored events of the record that the log does not hold yet."""
        sessions = self.db.sessions
        return sessions.registry.has() and bool(
            held(sessions(), type(self).kernel.events.name, record_id)
        )

    def serialised(self, record_id: UUID) -> bool:
        """This unit of work has queued on the record (``serialise_on``): it means to change
        it."""
        sessions = self.db.sessions
        return sessions.registry.has() and record_id in sessions().info.get(_SERIALISED, ())

    def read_ahead(self, *ids: UUID, keys_to_write: tuple[str, ...] = ()) -> None:
        """Read these records' events in one statement, for the loads that follow in this
        unit of work (each takes its own once): a decision reads the officer, the place
        they go to and the delegation relied on, one round trip where it was three. A
        record this unit of work loaded already is not read again, and a reference record
        is read from the last event kept of it. Call it after ``serialise_on``, so that the
        records queued on are read once their turn has come. A record read ahead once in this
        unit of work is not read ahead again (a load finds it, or reads it as before). On
        SQLite it does nothing.

        ``keys_to_write`` (a unit of work that writes): officers it will write about, whose
        keys come in the same statement under the lock ``DatabaseKeyring.read_to_write``
        takes, so that it need not ask again. An officer with no key yet, or keys asked
        when no record is left to read ahead, are left to it."""
        if self.db.is_sqlite:
            return
        info = self.db.sessions().info
        loaded: dict[UUID, int] = info.get(LOADED_VERSIONS, {})
        asked: set[UUID] = info.setdefault(_READ_AHEAD_ASKED, set())
        floors = {i: self._references.floor(i) for i in ids if i not in loaded and i not in asked}
        asked.update(floors)
        if floors:
            kernel = type(self).kernel
            shapes = [shape_of(kind) for kind in type(self).snapshot_kinds]
            officers = (
                sorted(o for o in set(keys_to_write) if not self.keyring.locked(o))
                if keys_to_write
                else []
            )
            ahead, locked = self._recorder.select_after(
                floors, kernel.snapshots, shapes, kernel.officer_keys, officers
            )
            info.setdefault(_READ_AHEAD, {}).update(ahead)
            for officer_id, key in locked.items():
                self.keyring.read_to_write_as(officer_id, key)

    def store(self, *aggregates: Aggregate) -> Sequence[Recording[UUID]]:
        """Save within the current unit of work: the events are sealed and projected now and
        written to the log as it commits, where a lost race on a version is a 409."""
        # Tell the mapper whose personal data each aggregate's events carry.
        owners = {
            a.id: getattr(a, "officer_id")  # noqa: B009 - not every aggregate has one
            for a in aggregates
            if isinstance(getattr(a, "officer_id", None), str)
        }
        token = OWNERS.set(owners)
        try:
            return self.save(*aggregates)
        finally:
            OWNERS.reset(token)

    def load(self, aggregate_id: UUID, kind: type[A], *, what: str, named: str | None = None) -> A:
        """The record, or NotFound naming it as the caller did (``named``: a code or an
        officer id), never by an id the caller never sent."""
        aggregate: Aggregate | None
        if kind in type(self).reference_kinds and not self._has_unsaved(aggregate_id):
            aggregate = self._references.load(
                aggregate_id,
                (kind,),
                lambda after: self._recorder.select_events(aggregate_id, gt=after or None),
                self.mapper.to_domain_event,
            )
        elif kind in type(self).snapshot_kinds and not self._has_unsaved(aggregate_id):
            aggregate = self._load_from_snapshot(aggregate_id, kind)
        else:
            try:
                aggregate = self.repository.get(aggregate_id)
            except AggregateNotFoundError:
                aggregate = None
        if not isinstance(aggregate, kind):
            raise NotFound(f"{what} {named or aggregate_id} not found")
        if self.db.sessions.registry.has():
            info = self.db.sessions().info
            # The version this unit of work decides on, for If-Match (shared.api.commands).
            info.setdefault(LOADED_VERSIONS, {})[aggregate_id] = aggregate.version
            # Whom the records it read concern, for a refusal to name (shared.refusals).
            concerned = getattr(aggregate, "officer_id", None)
            officers: list[str] = info.setdefault(OFFICERS_READ, [])
            if isinstance(concerned, str) and concerned not in officers:
                officers.append(concerned)
        return aggregate

    def _load_from_snapshot(self, record_id: UUID, kind: type[A]) -> Aggregate | None:
        """A record of a kind that keeps snapshots: from its snapshot and the events after
        it, where the snapshot may be used; else from its first event, keeping a snapshot
        if that was a long replay and this unit of work writes (shared.snapshots)."""
        sessions = self.db.sessions
        ahead = _take_ahead(sessions, record_id)
        if ahead is not None and ahead.floor == 0:
            reading = ahead.reading
        else:
            reading = self._snapshots.read(sessions(), record_id, kind)
        opened = self._snapshots.open(kind, reading)
        if opened is not None:
            aggregate, newer = opened
        else:
            aggregate, newer = None, reading.stored
            if reading.snapshot is not None:
                # Not usable (the log or the code changed, or the key is gone): the record
                # is read from its first event.
                newer = self._recorder.select_events(record_id)
            # The id may come from a caller: a record of another kind is not decoded.
            if newer and not first_event_of(newer[0].topic, (kind,)):
                return None
        for stored in newer:
            aggregate = self.mapper.to_domain_event(stored).mutate(aggregate)  # type: ignore[attr-defined]
        session = sessions()
        if aggregate is not None and len(newer) >= SNAPSHOT_AFTER and writing(session):
            officer_id = getattr(aggregate, "officer_id", None)
            if isinstance(officer_id, str):
                # The key's row is taken as every writer takes it: a disposal waits for
                # this unit of work, or this one finds the key gone and keeps nothing.
                self.keyring.read_to_write(officer_id)
                self._snapshots.keep(session, aggregate, newer[-1], self.clock.now())
        return aggregate


#: Key in ``Session.info``: each record's version as this unit of work last loaded it.
LOADED_VERSIONS = "eventstore.loaded_versions"


#: Key in ``Session.info``: the officers whose records this unit of work loaded, in order.
OFFICERS_READ = "eventstore.officers_read"


def officers_read(session: Session) -> list[str]:
    found: list[str] = session.info.get(OFFICERS_READ, [])
    return found


def loaded_version(session: Session, record_id: UUID) -> int | None:
    """The version of the record this unit of work's decision rests on (its last load),
    which its save is guarded by; None if it was not loaded."""
    versions: dict[UUID, int] = session.info.get(LOADED_VERSIONS, {})
    return versions.get(record_id)


@functools.cache
def _locking(records: int, share: bool) -> str:
    """The statement taking ``records`` records' locks, and the rebuild lock's share after
    them if ``share``: text made once per shape, where a statement built of the keys
    themselves had SQLAlchemy work out its cache key again each time (a fiftieth of a
    decision's CPU in postings, py-spy)."""
    locks = [f"pg_advisory_xact_lock(%(k{n})s::BIGINT)" for n in range(records)]
    if share:
        locks.append("pg_advisory_xact_lock_shared(%(rebuild)s::BIGINT)")
    # The reads that follow the locks, on their generic plans (shared.generic_plans).
    return "SELECT " + ", ".join([*locks, *GENERIC_FROM_HERE])


def _lock_key(record_id: UUID) -> int:
    """A signed 64-bit advisory lock key for a record (PostgreSQL's bigint)."""
    return (record_id.int & 0xFFFF_FFFF_FFFF_FFFF) - (1 << 63)
