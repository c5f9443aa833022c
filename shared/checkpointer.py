"""Signing checkpoints periodically, whenever the log has grown since the last one."""

from __future__ import annotations

import logging
import threading
import zlib
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from shared.checkpoints import CheckpointStore
from shared.clock import Clock
from shared.db import Database
from shared.settings import ServiceSettings
from shared.tables import KernelTables
from shared.verify import write_checkpoint

log = logging.getLogger(__name__)

_SIGNER_LOCK = zlib.crc32(b"officer-postings:checkpoint-signer")


class Checkpointer:
    def __init__(
        self, *, settings: ServiceSettings, db: Database, kernel: KernelTables, clock: Clock
    ) -> None:
        self._settings = settings
        self._db = db
        self._kernel = kernel
        self._clock = clock
        self._store = CheckpointStore(Path(settings.effective_audit_dir))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def sign_if_grown(self) -> bool:
        """Sign a checkpoint if the log has grown since the last one; True if signed."""
        with self._db.engine.connect() as conn:
            # A service run as several processes has one signer at a time (the lock lasts
            # until this connection's transaction ends); the others find it taken and wait
            # for their next turn.
            if (
                conn.dialect.name == "postgresql"
                and not conn.execute(select(func.pg_try_advisory_xact_lock(_SIGNER_LOCK))).scalar()
            ):
                return False
            signed = self._store.all()
            checkpoint = write_checkpoint(
                self._db.engine,
                self._kernel,
                self._store,
                service=self._settings.service_name,
                at=self._clock.now(),
                unless_size=signed[-1].size if signed else 0,
            )
        return checkpoint is not None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="checkpointer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.wait(self._settings.checkpoint_interval_seconds):
            try:
                self.sign_if_grown()
            except (SQLAlchemyError, OSError) as exc:
                log.warning("checkpoint not signed this time: %s", exc)
