"""Following another service's event feed: pull, at-least-once delivery, an effect applied
exactly once because the position is stored in the same transaction as the effect.

One active follower per feed per service: on PostgreSQL a session advisory lock is held by
the follower that is running, so any number of API instances may run side by side."""

from __future__ import annotations

import logging
import threading
import zlib
from collections.abc import Callable
from typing import Any

import httpx
from eventsourcing.persistence import IntegrityError as StoreIntegrityError
from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from shared.clock import Clock
from shared.db import Database, met_another_transaction
from shared.errors import ConcurrentChange
from shared.feed_client import FeedClient, FeedError
from shared.handling import MAX_ATTEMPTS, pause_before_running_again
from shared.tables import KernelTables

log = logging.getLogger(__name__)

Handler = Callable[[Session, dict[str, Any]], None]


class Follower:
    def __init__(
        self,
        *,
        feed: str,
        db: Database,
        tables: KernelTables,
        client: FeedClient,
        handler: Handler,
        clock: Clock,
        batch_size: int = 100,
        poll_seconds: float = 1.0,
        linger_seconds: float = 0.0,
    ) -> None:
        self.feed = feed
        self._db = db
        self._positions = tables.follower_positions
        self._client = client
        self._handler = handler
        self._clock = clock
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._linger_seconds = min(linger_seconds, poll_seconds)
        #: How many items the last read gave: fewer than a batch means the feed's end.
        self._read_last = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock_connection: Connection | None = None
        self._lock_key = zlib.crc32(f"follower:{feed}".encode())

    # -- position ---------------------------------------------------------------------------

    def position(self) -> int:
        with self._db.unit_of_work(write=False) as session:
            return self._read_position(session)

    def _read_position(self, session: Session) -> int:
        row = session.execute(
            select(self._positions.c.position).where(self._positions.c.feed == self.feed)
        ).first()
        return int(row.position) if row else 0

    def _write_position(self, session: Session, old: int, new: int) -> None:
        now = self._clock.now()
        if (
            old == 0
            and not session.execute(
                select(self._positions.c.feed).where(self._positions.c.feed == self.feed)
            ).first()
        ):
            session.execute(
                insert(self._positions).values(feed=self.feed, position=new, updated_at=now)
            )
        else:
            session.execute(
                update(self._positions)
                .where(self._positions.c.feed == self.feed)
                .values(position=new, updated_at=now)
            )

    # -- one pass ---------------------------------------------------------------------------

    def run_once(self) -> int:
        """Apply the next batch; returns how many events took effect."""
        after = self.position()
        page = self._client.read(after=after, limit=self._batch_size)
        self._read_last = len(page.items)
        if not page.items:
            if page.last_id > after:
                # The feed passed over events this follower does not read, to its end.
                self._pass_to(page.last_id)
            return 0
        try:
            return self._apply_together(page.items, page.last_id)
        except Exception:  # whatever it was, one item at a time says which
            log.debug("follower %s: a batch went item by item", self.feed)
        applied = sum(1 for item in page.items if self._apply(item))
        self._pass_to(page.last_id)
        return applied

    def _apply_together(self, items: list[dict[str, Any]], read_to: int) -> int:
        """A batch in one unit of work with the position after its last item (or where
        the read passed to, past events not followed): a busy feed costs one transaction
        per batch, not one per event. If any item cannot be applied with the others (it
        met a command at a record's version, or fails), the batch is applied item by item
        instead, each with its own retries."""
        applied = 0
        with self._db.unit_of_work(write=True) as session:
            current = self._read_position(session)
            for item in items:
                if item["id"] <= current:
                    continue  # delivered again: already applied
                self._handler(session, item)
                applied += 1
            end = max(items[-1]["id"], read_to)
            if end > current:
                self._write_position(session, current, end)
        return applied

    def _pass_to(self, position: int) -> None:
        """The position moved on past events nothing here acts on; never back."""
        with self._db.unit_of_work(write=True) as session:
            current = self._read_position(session)
            if position > current:
                self._write_position(session, current, position)

    def _apply(self, item: dict[str, Any]) -> bool:
        """Apply one item with the position, in one unit of work; an effect that meets a
        command of this service at a record's version is applied again on the record as it
        now is, as a command would be (shared.api.commands), so a busy record does not hold
        the feed back for a poll each time."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                with self._db.unit_of_work(write=True) as session:
                    current = self._read_position(session)
                    if item["id"] <= current:
                        return False  # delivered again: already applied
                    self._handler(session, item)
                    self._write_position(session, current, item["id"])
                return True
            except (ConcurrentChange, StoreIntegrityError, IntegrityError, OperationalError) as exc:
                if isinstance(exc, OperationalError) and not met_another_transaction(exc):
                    raise
                if attempt == MAX_ATTEMPTS:
                    raise
                pause_before_running_again(attempt)
        return False

    def catch_up(self) -> int:
        """Apply everything available now (for tests and one-off runs)."""
        total = 0
        while True:
            applied = self.run_once()
            total += applied
            if applied == 0:
                return total

    # -- background -------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._loop, name=f"follower-{self.feed}", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._release_lock()
        self._client.close()

    def _loop(self) -> None:
        while not self._stop.is_set():
            applied = 0
            try:
                if self._hold_lock():
                    applied = self.run_once()
            except (httpx.HTTPError, FeedError) as exc:
                log.warning("follower %s: feed not readable: %s", self.feed, exc)
            except SQLAlchemyError as exc:
                log.warning("follower %s: database error, will retry: %s", self.feed, exc)
                self._release_lock()
            except Exception as exc:  # a follower must outlive any one event
                # An event this follower cannot apply: stop at it (order matters), keep
                # retrying, and say so loudly rather than let the thread die unseen.
                log.exception(
                    "follower %s: cannot apply the next event (%s), will retry", self.feed, exc
                )
            if applied == 0:
                self._stop.wait(self._poll_seconds)
            elif self._read_last < self._batch_size:
                # At the feed's end: let the next events gather rather than read them one
                # decision at a time. A full batch reads on at once (catching up).
                self._stop.wait(self._linger_seconds)

    def _hold_lock(self) -> bool:
        if self._db.is_sqlite:
            return True  # one process per embedded database
        if self._lock_connection is not None:
            return True
        connection = self._db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        got = connection.execute(select(func.pg_try_advisory_lock(self._lock_key))).scalar()
        if got:
            self._lock_connection = connection
            return True
        connection.close()
        return False

    def _release_lock(self) -> None:
        if self._lock_connection is None:
            return
        connection, self._lock_connection = self._lock_connection, None
        try:
            # Closing alone would return the connection to the pool with its session, and
            # the lock, still alive: unlock explicitly.
            connection.execute(select(func.pg_advisory_unlock(self._lock_key)))
            connection.close()
        except SQLAlchemyError:
            # The session is gone already (and its lock with it); drop the connection.
            connection.invalidate()
            log.debug("follower %s: lock connection already gone", self.feed)
