"""The ordering timings a service records for the benchmark (``ORDERING_TIMINGS_FILE``): a
service run as several processes has each of them append to the one file as it stops, and
no line of one is broken by another's (ADR 0027)."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

from shared.ordering_timings import OrderingTimings

ROWS = 20_000


def _record_and_write(path: str, process: int, start: multiprocessing.synchronize.Event) -> None:
    timings = OrderingTimings(Path(path))
    timings._rows = [(float(process), n / 1000, n / 1000) for n in range(ROWS)]
    start.wait(timeout=60)
    timings.write()


def test_processes_stopping_together_append_whole_lines(tmp_path: Path) -> None:
    path = tmp_path / "ordering.jsonl"
    start = multiprocessing.get_context("fork").Event()
    writers = [
        multiprocessing.get_context("fork").Process(
            target=_record_and_write, args=(str(path), process, start)
        )
        for process in range(3)
    ]
    for writer in writers:
        writer.start()
    start.set()
    for writer in writers:
        writer.join(timeout=120)
        assert writer.exitcode == 0

    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(rows) == 3 * ROWS
    assert sorted({row["at"] for row in rows}) == [0.0, 1.0, 2.0]
