"""Officers' keys in the service's own database, outside the event log: created on an
officer's first sealed event, destroyed on disposal (L1 Retention & Disposal). Kept per
transaction in the session so that a long replay asks the database once per officer."""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import ARRAY, ColumnElement, Table, Text, any_, bindparam, exists, select, update
from sqlalchemy.orm import Session

from shared.compiled_once import CompiledOnce
from shared.db import Database, insert_if_absent
from shared.rules.retention import NothingIsRecordedAfterDisposal
from shared.sealing import DISPOSED, KEY_BYTES, HeldKeys

#: Key in ``Session.info``: the officers whose personal data this unit of work sealed.
WRITTEN_ABOUT = "officer_keys_written_about"
#: Key in ``Session.info``: the officers whose keys this unit of work read under the
#: writers' shared lock (``for_writing``), held to its end.
_LOCKED = "officer_keys_locked"


def written_about(session: Session) -> set[str]:
    """The officers whose personal data this unit of work wrote."""
    found: set[str] = session.info.get(WRITTEN_ABOUT, set())
    return found


class DatabaseKeyring:
    missing = DISPOSED

    def __init__(self, db: Database, table: Table, clock: Any) -> None:
        self._db = db
        self._table = table
        self._clock = clock
        # Built once: every decision about an officer reads their key.
        read = select(table.c.key).where(table.c.officer_id == bindparam("officer_id"))
        self._read = CompiledOnce(read)
        self._locked_read = CompiledOnce(read.with_for_update(read=True))
        self._read_many = CompiledOnce(
            select(table.c.officer_id, table.c.key).where(
                table.c.officer_id == any_(bindparam("officer_ids", type_=ARRAY(Text)))
            )
        )

    def _cache(self) -> dict[str, bytes | None]:
        cache: dict[str, bytes | None] = self._db.sessions().info.setdefault("officer_keys", {})
        return cache

    def _lookup(self, officer_id: str, *, lock: bool = False) -> tuple[bool, bytes | None]:
        """(known, key): an officer not known yet has no row; a disposed one has no key.
        ``lock``: read it under a shared row lock held to the end of the transaction, once
        per transaction (see ``for_writing``)."""
        cache = self._cache()
        locked: set[str] = self._db.sessions().info.setdefault(_LOCKED, set())
        if officer_id in cache and (not lock or officer_id in locked):
            return True, cache[officer_id]
        query = self._locked_read if lock else self._read
        row = query.run(self._db.sessions(), {"officer_id": officer_id}).first()
        if row is None:
            return False, None
        if lock:
            locked.add(officer_id)
        cache[officer_id] = bytes(row.key) if row.key is not None else None
        return True, cache[officer_id]

    def for_reading(self, officer_id: str) -> bytes | None:
        # Asked for every sealed field a replay opens: the unit of work's cache first.
        cache: dict[str, bytes | None] | None = self._db.sessions().info.get("officer_keys")
        if cache is not None and officer_id in cache:
            return cache[officer_id]
        return self._lookup(officer_id)[1]

    def read_ahead(self, officer_ids: set[str]) -> None:
        """Read these officers' keys in one statement, for this unit of work's
        ``for_reading``, where it has not read them yet (``SealingMapper.to_domain_events``,
        ``held``). An officer with no row is left to ``for_reading``, as if not asked."""
        cache = self._cache()
        if not (asked := officer_ids - cache.keys()):
            return
        session = self._db.sessions()
        if session.get_bind().dialect.name != "postgresql":
            cache.update(self._keys_where(self._table.c.officer_id.in_(asked)))
            return
        # Built once, the officers as one array: a feed's page asks this for every page,
        # and a list expanded at each call was compiled again each time.
        rows = self._read_many.run(session, {"officer_ids": sorted(asked)})
        cache.update({row.officer_id: _key_of(row) for row in rows})

    def locked(self, officer_id: str) -> bool:
        """Whether this unit of work holds the officer's key under the writers' lock."""
        held: set[str] = self._db.sessions().info.get(_LOCKED, set())
        return officer_id in held

    def read_to_write_as(self, officer_id: str, key: bytes | None) -> None:
        """The officer's key as read under the writers' lock in a statement of the unit of
        work's own (``LedgerApplication.read_ahead``), as if ``read_to_write`` had read it."""
        self._db.sessions().info.setdefault(_LOCKED, set()).add(officer_id)
        self._cache()[officer_id] = key

    def read_to_write(self, officer_id: str) -> None:
        """Read the officer's key under the shared lock ``for_writing`` takes, before their
        record is opened with it: a unit of work that means to write about the officer then
        reads the key once, not once to open the record and again to seal."""
        self._lookup(officer_id, lock=True)

    def for_writing(self, officer_id: str) -> bytes:
        """The key to seal what is written about the officer. Read under a shared lock on
        the key's row, kept until this transaction ends: a disposal (which locks the row to
        destroy the key) waits for every writer that holds it, and a writer that comes
        after waits for the disposal and then finds no key. So nothing is recorded about an
        officer after their disposal commits."""
        written: set[str] = self._db.sessions().info.setdefault(WRITTEN_ABOUT, set())
        written.add(officer_id)
        known, key = self._lookup(officer_id, lock=True)
        if known and key is None:
            NothingIsRecordedAfterDisposal.refuse(
                f"{officer_id}'s personal data was disposed of; nothing more is recorded about them"
            )
        if known and key is not None:
            return key
        # Two first writes for one officer race harmlessly: the second keeps the first key.
        insert_if_absent(
            self._db.sessions(),
            self._table,
            {
                "officer_id": officer_id,
                "key": os.urandom(KEY_BYTES),
                "created_at": self._clock.now(),
            },
            key=["officer_id"],
        )
        self._cache().pop(officer_id, None)
        _, created = self._lookup(officer_id)
        assert created is not None
        return created

    def hold_for_disposal(self, officer_id: str) -> None:
        """Take the key's row for the disposal, first (before the log is ordered, as every
        writer takes it before the log): writers holding it finish first, later ones wait."""
        self._db.sessions().execute(
            select(self._table.c.key)
            .where(self._table.c.officer_id == officer_id)
            .with_for_update()
        ).first()
        self._cache().pop(officer_id, None)

    def dispose(self, officer_id: str) -> bool:
        """Destroy the officer's key; False if there was none to destroy."""
        session = self._db.sessions()
        result = session.execute(
            update(self._table)
            .where(self._table.c.officer_id == officer_id, self._table.c.key.is_not(None))
            .values(key=None, disposed_at=self._clock.now())
        )
        self._cache()[officer_id] = None
        return bool(getattr(result, "rowcount", 0))

    def held(self, officer_ids: set[str]) -> set[str]:
        """Which of these officers' keys still exist, asked in one statement for those this
        unit of work has not read yet, and kept for it as ``for_reading`` keeps them."""
        self.read_ahead(officer_ids)
        cache = self._cache()
        return {o for o in officer_ids if cache.get(o) is not None}

    def held_of(self, officer_id: str | ColumnElement[str]) -> ColumnElement[bool]:
        """Whether the officer's key still exists (``held``), as an expression to ask within
        another statement; the database answers it once for the statement. The officer may
        be a parameter bound when the statement is run (a statement built once)."""
        keys = self._table.c
        return exists().where(keys.officer_id == officer_id, keys.key.is_not(None))

    def keys_of(self, officer_ids: set[str]) -> dict[str, bytes]:
        """The keys of these officers that still exist (for an export's key file)."""
        keys = self._table.c
        held = self._keys_where(keys.officer_id.in_(officer_ids), keys.key.is_not(None))
        return {officer: key for officer, key in held.items() if key is not None}

    def as_read_now(self) -> HeldKeys:
        """Every officer's key as this unit of work reads them now, in one statement, for a
        replay of the whole log that writes nothing: the rebuild's decoder
        (shared.decoding), which asked an officer at a time (3,000 statements for 300,000
        events, 2.3 s of 11 s of decoding). Read once the rebuild holds the log, they are
        the keys of the log it reads: a key is made, and a disposal destroys one, only in a
        transaction that commits through the log, after the rebuild. An officer with no
        key, or none any more, reads as disposed, as from the database."""
        return HeldKeys(self._keys_where(), missing=DISPOSED)

    def _keys_where(self, *where: ColumnElement[bool]) -> dict[str, bytes | None]:
        """The officers' keys on the rows ``where`` picks, in one statement; None for a
        disposed officer's."""
        keys = self._table.c
        rows = self._db.sessions().execute(select(keys.officer_id, keys.key).where(*where))
        return {row.officer_id: _key_of(row) for row in rows}


def _key_of(row: Any) -> bytes | None:
    return bytes(row.key) if row.key is not None else None
