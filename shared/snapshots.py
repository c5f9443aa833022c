"""Snapshots of records with long histories (issue 18, point 3; ADR 0022): an officer who
has served for years gains an event with every posting, restriction, PDR and change of
details, and every decision about them replayed all of it. A record of a kind that keeps
snapshots is read from its last snapshot and the events after it, in the one statement
that read its events before.

- **A snapshot is a copy, never the record.** The log is. A snapshot names the version it
  was taken at and the SHA-256 of the stored bytes of the record's event at that version.
  It is used only if the log still holds that event, unchanged (read with it), and only if
  the code that would replay the record is the code that took it (its ``shape``). Else the
  record is read from its first event, as if there were no snapshot.
- **Sealed like the events.** The state holds the officer's personal data (name, home
  town, welfare factors, the places they would rather serve), so it is sealed whole with
  the officer's key, and bound to its row (record, version, digest, shape): a state copied
  into another row does not open there. A disposal deletes the officer's snapshots as it
  destroys the key; a snapshot that escaped it (it cannot: writing one takes the key's row
  as every writer does) could not be opened.
- **Taken by the load that needed it.** A unit of work that writes and has replayed at
  least ``SNAPSHOT_AFTER`` events of the record beyond its base keeps the state it built,
  at the version the log held. Never from unsaved changes: a record with events this unit
  of work has not written yet is read the library's way and nothing is kept.
- **One snapshot per record.** A newer one replaces it (an upsert guarded by version); two
  units of work at one version are one that commits and one that rolls back with its
  events, so a snapshot never outlives the events it rests on.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import inspect
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent
from sqlalchemy import (
    Insert,
    Table,
    Text,
    and_,
    any_,
    bindparam,
    false,
    func,
    null,
    select,
    true,
    union_all,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import CompoundSelect

from shared import ledger, transcodings
from shared.sealing import SealingMapper
from shared.tables import RECORD_IDS, VERSIONS, records_at

#: Events replayed beyond a record's base (its snapshot, or its start) before a writing
#: unit of work keeps a snapshot: a record read from its snapshot replays fewer than this.
SNAPSHOT_AFTER = 50

#: The record's fields the library keeps for itself, restored from the row.
_OWN = ("_id", "_version", "_pending_events")


@functools.cache
def shape_of(kind: type[Aggregate]) -> str:
    """The code that computes a record of this kind from its events, and the values its
    state holds: the source of every module of the package that declares the kind (its
    events, values, enums and rules) and of the kernel's transcodings and decisions. A
    snapshot taken by other code (a release that changed any of them) is not used, so no
    snapshot needs upcasting: it is taken again."""
    package = importlib.import_module(kind.__module__.rpartition(".")[0])
    files = sorted(path for folder in package.__path__ for path in Path(folder).rglob("*.py"))
    files += [Path(inspect.getfile(m)) for m in (transcodings, ledger)]
    hashed = hashlib.sha256(f"{kind.__module__}.{kind.__qualname__}".encode())
    for path in files:
        hashed.update(path.read_bytes())
    return hashed.hexdigest()


def _bound(record_id: UUID, version: int, last_digest: str, kind: type[Aggregate]) -> str:
    """What a snapshot's sealed state is a copy of, authenticated with it: a state copied
    into another row (another officer's, or the same officer's at another version) does
    not open there."""
    return f"snapshot:{record_id}:{version}:{last_digest}:{shape_of(kind)}"


def digest(stored: StoredEvent) -> str:
    return hashlib.sha256(stored.state).hexdigest()


@dataclass(frozen=True)
class SnapshotRow:
    record_id: UUID
    version: int
    officer_id: str
    last_digest: str
    state: bytes


def state_of(aggregate: Aggregate) -> dict[str, Any]:
    """What a snapshot keeps of a record: its fields, in a form the transcoder holds (a
    kind whose fields JSON cannot hold as they are says how, ``snapshot_state``)."""
    own = getattr(aggregate, "snapshot_state", None)
    state = dict(own() if callable(own) else vars(aggregate))
    for name in _OWN:
        state.pop(name, None)
    return state


def restored(kind: type[Aggregate], row: SnapshotRow, state: dict[str, Any]) -> Aggregate:
    """The record as the snapshot holds it (the inverse of ``state_of``)."""
    own = getattr(kind, "state_from_snapshot", None)
    fields = dict(own(state) if callable(own) else state)
    fields.update(_id=row.record_id, _version=row.version, _pending_events=[])
    aggregate = object.__new__(kind)
    object.__setattr__(aggregate, "__dict__", fields)
    return aggregate


class RecordSnapshots:
    """The snapshots one application keeps, in its own database."""

    def __init__(self, table: Table, events: Table, mapper: SealingMapper) -> None:
        self.table = table
        self._mapper = mapper
        self._read_one = _read_one(table, events)

    def read(self, session: Session, record_id: UUID, kind: type[Aggregate]) -> Reading:
        """The record's snapshot (if one of this code) and its events from the snapshot's
        version (from its first, if none), in one statement."""
        rows = session.execute(self._read_one, {"id": record_id, "shape": shape_of(kind)})
        snapshot: SnapshotRow | None = None
        stored: list[StoredEvent] = []
        for row in rows:
            if row.is_snapshot:
                snapshot = SnapshotRow(
                    record_id, row.version, row.officer_id, row.last_digest, bytes(row.state)
                )
            else:
                stored.append(StoredEvent(record_id, row.version, row.topic, bytes(row.state)))
        stored.sort(key=lambda s: s.originator_version)
        return Reading(snapshot, stored)

    def open(
        self, kind: type[Aggregate], reading: Reading
    ) -> tuple[Aggregate, list[StoredEvent]] | None:
        """(the record at its snapshot, the events after it), if the snapshot may be used:
        the log still holds the event it was taken at, unchanged, and it opens with the
        officer's key. None otherwise (then the record is read from its first event)."""
        snapshot, stored = reading.snapshot, reading.stored
        if snapshot is None or not stored:
            return None
        at = stored[0]
        if at.originator_version != snapshot.version or digest(at) != snapshot.last_digest:
            return None
        bound = _bound(snapshot.record_id, snapshot.version, snapshot.last_digest, kind)
        opened, state = self._mapper.open_whole(snapshot.officer_id, snapshot.state, bound)
        if not opened or not isinstance(state, dict):
            return None
        try:
            aggregate = restored(kind, snapshot, state)
        except Exception:  # a state this code cannot restore is not used
            return None
        if getattr(aggregate, "officer_id", None) != snapshot.officer_id:
            return None
        return aggregate, stored[1:]

    def keep(
        self, session: Session, aggregate: Aggregate, last: StoredEvent, now: datetime
    ) -> None:
        """Keep the record as it stands at ``last``, its newest event in the log, sealed
        with its officer's key; nothing if it names no officer or their key is gone."""
        officer_id = getattr(aggregate, "officer_id", None)
        if not isinstance(officer_id, str) or last.originator_version != aggregate.version:
            return
        last_digest = digest(last)
        bound = _bound(aggregate.id, aggregate.version, last_digest, type(aggregate))
        sealed = self._mapper.seal_whole(officer_id, state_of(aggregate), bound)
        if sealed is None:
            return
        session.execute(
            _upsert(self.table, session.get_bind().dialect.name),
            {
                "record_id": aggregate.id,
                "record_version": aggregate.version,
                "officer_id": officer_id,
                "shape": shape_of(type(aggregate)),
                "last_digest": last_digest,
                "state": sealed,
                "taken_at": now,
            },
        )


@dataclass(frozen=True)
class Reading:
    """A record's snapshot, if any, and its stored events from the snapshot's version."""

    snapshot: SnapshotRow | None
    stored: list[StoredEvent]


def _read_one(table: Table, events: Table) -> CompoundSelect:
    """One statement on PostgreSQL and SQLite alike: the snapshot, then the events from its
    version (the first of them is the one the snapshot was taken at, to check it by)."""
    s, e = table.c, events.c
    ours = (s.record_id == bindparam("id"), s.shape == bindparam("shape"))
    base = select(s.record_version).where(*ours).scalar_subquery()
    snapshot = select(
        s.record_version.label("version"),
        true().label("is_snapshot"),
        s.state.label("state"),
        sql_cast(null(), Text).label("topic"),
        s.officer_id.label("officer_id"),
        s.last_digest.label("last_digest"),
    ).where(*ours)
    stored = select(
        e.originator_version,
        false(),
        e.state,
        e.topic,
        sql_cast(null(), Text),
        sql_cast(null(), Text),
    ).where(
        e.originator_id == bindparam("id"),
        e.originator_version >= func.coalesce(base, 0),
    )
    return union_all(snapshot, stored)


@functools.cache
def _upsert(table: Table, dialect: str) -> Insert:
    """Replace a record's snapshot with a newer one, never with an older one (two writers
    that read the record at different versions)."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(table)
    excluded = statement.excluded
    return cast(
        Insert,
        statement.on_conflict_do_update(
            index_elements=[table.c.record_id],
            set_={c.name: excluded[c.name] for c in table.c if c.name != "record_id"},
            where=table.c.record_version < excluded.record_version,
        ),
    )


def read_ahead_statement(
    events: Table, snapshots: Table, keys: Table | None = None
) -> CompoundSelect:
    """Several records' events after their own versions, and their snapshots of these
    shapes with the events from each snapshot's version, in one statement (PostgreSQL;
    ``LedgerApplication.read_ahead``). Snapshot rows are those naming an officer.

    With ``keys``, also the keys of the officers named in ``key_officers``, read under the
    shared lock every writer about an officer takes (``DatabaseKeyring.for_writing``): a
    decision's read of the key it seals with, without a round trip of its own. Key rows
    are those naming no record; a disposed officer's has no key. A row lock needs a unit
    of work that writes (a READ ONLY transaction refuses one), so without keys to read
    the statement has no such part."""
    s, e = snapshots.c, events.c
    ids = bindparam("ids", type_=RECORD_IDS)
    wanted = records_at(ids, bindparam("floors", type_=VERSIONS))
    kept = (
        select(s.record_id, s.record_version, s.officer_id, s.last_digest, s.state)
        .where(s.record_id == any_(ids), s.shape == any_(bindparam("shapes", type_=SHAPES)))
        .cte("kept")
    )
    base = select(kept.c.record_version).where(kept.c.record_id == e.originator_id)
    stored = select(
        e.originator_id,
        e.originator_version,
        e.topic,
        e.state,
        sql_cast(null(), Text).label("officer_id"),
        sql_cast(null(), Text).label("last_digest"),
    ).join(
        wanted,
        and_(
            e.originator_id == wanted.c.record_id,
            e.originator_version > wanted.c.record_version,
            e.originator_version >= func.coalesce(base.scalar_subquery(), 0),
        ),
    )
    snapshot = select(
        kept.c.record_id,
        kept.c.record_version,
        sql_cast(null(), Text),
        kept.c.state,
        kept.c.officer_id,
        kept.c.last_digest,
    )
    if keys is None:
        return union_all(stored, snapshot)
    k = keys.c
    # Locked in a WITH: PostgreSQL refuses FOR SHARE in a branch of a UNION.
    locked = (
        select(k.officer_id, k.key)
        .where(k.officer_id == any_(bindparam("key_officers", type_=SHAPES)))
        .with_for_update(read=True)
        .cte("locked")
    )
    key = select(
        sql_cast(null(), e.originator_id.type),
        sql_cast(null(), e.originator_version.type),
        sql_cast(null(), Text),
        locked.c.key,
        locked.c.officer_id,
        sql_cast(null(), Text),
    )
    return union_all(stored, snapshot, key)


#: The type of the shapes (and the officers' ids) ``read_ahead_statement`` is sent.
SHAPES = ARRAY(Text)
