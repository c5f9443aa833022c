"""Officers' keys in the service's own database, outside the event log: created on an
officer's first sealed event, destroyed on disposal (L1 Retention & Disposal). Kept per
transaction in the session so that a long replay asks the database once per officer."""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Table, select, update

from shared.db import Database, insert_if_absent
from shared.errors import Conflict
from shared.sealing import DISPOSED


class DatabaseKeyring:
    missing = DISPOSED

    def __init__(self, db: Database, table: Table, clock: Any) -> None:
        self._db = db
        self._table = table
        self._clock = clock

    def _cache(self) -> dict[str, bytes | None]:
        cache: dict[str, bytes | None] = self._db.sessions().info.setdefault("officer_keys", {})
        return cache

    def _lookup(self, officer_id: str) -> tuple[bool, bytes | None]:
        """(known, key): an officer not known yet has no row; a disposed one has no key."""
        cache = self._cache()
        if officer_id in cache:
            return True, cache[officer_id]
        row = (
            self._db.sessions()
            .execute(select(self._table.c.key).where(self._table.c.officer_id == officer_id))
            .first()
        )
        if row is None:
            return False, None
        cache[officer_id] = bytes(row.key) if row.key is not None else None
        return True, cache[officer_id]

    def for_reading(self, officer_id: str) -> bytes | None:
        return self._lookup(officer_id)[1]

    def for_writing(self, officer_id: str) -> bytes:
        known, key = self._lookup(officer_id)
        if known and key is None:
            raise Conflict(
                f"{officer_id}'s personal data was disposed of; nothing more is recorded "
                "about them (L1 Retention & Disposal)"
            )
        if known and key is not None:
            return key
        # Two first writes for one officer race harmlessly: the second keeps the first key.
        insert_if_absent(
            self._db.sessions(),
            self._table,
            {"officer_id": officer_id, "key": os.urandom(32), "created_at": self._clock.now()},
            key=["officer_id"],
        )
        self._cache().pop(officer_id, None)
        _, created = self._lookup(officer_id)
        assert created is not None
        return created

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

    def keys_of(self, officer_ids: set[str]) -> dict[str, bytes]:
        """The keys of these officers that still exist (for an export's key file)."""
        rows = self._db.sessions().execute(
            select(self._table.c.officer_id, self._table.c.key).where(
                self._table.c.officer_id.in_(officer_ids), self._table.c.key.is_not(None)
            )
        )
        return {row.officer_id: bytes(row.key) for row in rows}
