"""Verification reads the log a batch at a time up to the position it started from, and
bounds it in Python: a statement bounded on both sides let PostgreSQL, with statistics
behind a freshly written log, read and sort the rest of the log for every batch."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, event, insert

from shared import verify


def test_batches_stop_at_the_bound_which_no_statement_carries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = create_engine("sqlite://")
    sent: list[str] = []

    # The batches go through the driver's own cursor, past SQLAlchemy's events: the
    # driver's trace sees every statement.
    @event.listens_for(engine, "connect")
    def _traced(driver: Any, _record: Any) -> None:
        driver.set_trace_callback(sent.append)

    metadata = MetaData()
    log = Table(
        "log", metadata, Column("position", Integer, primary_key=True), Column("x", Integer)
    )
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(log), [{"position": p, "x": p * 10} for p in range(1, 11)])
    sent.clear()
    monkeypatch.setattr(verify, "BATCH", 3)
    batches = list(verify._batches(engine, [log.c.position, log.c.x], upto=7))
    assert [[row[0] for row in batch] for batch in batches] == [[1, 2, 3], [4, 5, 6], [7]]
    # Each batch is the next rows of the primary key, bounded below only.
    reads = [statement for statement in sent if statement.startswith("SELECT")]
    assert len(reads) == 3
    assert all("<=" not in statement and "position >" in statement for statement in reads)
