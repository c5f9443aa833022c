"""How long each unit of work waited for the ordering of its service's log, and then held
it until its transaction ended (issue 18): the figure the benchmark reports at 1, 4 and 16
concurrent requests. Recorded only when the service is told where to write it
(``ORDERING_TIMINGS_FILE``), and written when the service stops, so that a run that is not
measured pays nothing and one that is pays two clock readings per transaction."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

#: Key in ``Session.info``: (wall-clock time granted, monotonic time granted, seconds waited).
_GRANTED = "ordering_timings.granted"


class OrderingTimings:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._rows: list[tuple[float, float, float]] = []
        self._guard = threading.Lock()

    def granted(self, session: Session, asked_at: float, granted_at: float) -> None:
        """Wall-clock times (the database grants the ordering, and says when)."""
        session.info[_GRANTED] = (asked_at, granted_at)

    def ended(self, session: Session) -> None:
        granted = session.info.pop(_GRANTED, None)
        if granted is not None:
            asked_at, granted_at = granted
            with self._guard:
                self._rows.append((granted_at, granted_at - asked_at, time.time() - granted_at))

    def write(self) -> None:
        with self._guard:
            rows, self._rows = self._rows, []
        lines = "".join(
            json.dumps({"at": at, "waited": waited, "held": held}) + "\n"
            for at, waited, held in rows
        ).encode()
        # One appending write: a service run as several processes writes one file, each
        # process as it stops, and their lines must not interleave.
        out = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            written = 0
            while written < len(lines):
                written += os.write(out, lines[written:])
        finally:
            os.close(out)


#: The process's recorder, when one is asked for.
RECORDING: OrderingTimings | None = None


def record_to(path: str) -> None:
    """From now on, time each transaction's hold on the log's ordering (a service's start)."""
    global RECORDING
    if RECORDING is not None or not path:
        return
    RECORDING = OrderingTimings(Path(path))
    recording = RECORDING

    # The ordering is released when the transaction ends, whichever way it ends.
    def _ended(session: Session, *_: Any) -> None:
        recording.ended(session)

    event.listen(Session, "after_commit", _ended)
    event.listen(Session, "after_rollback", _ended)


def write_recorded() -> None:
    """At a service's stop: what was recorded, appended to the file as JSON lines."""
    if RECORDING is not None:
        RECORDING.write()
