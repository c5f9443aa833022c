"""Exporting a service's log as JSON Lines for auditors: each stored event in its stored
form (so its hash can be recomputed anywhere), with its leaf hash and the chain hashes
before and after it, and the event decoded for reading. Personal data stays sealed in the
export; the officers' keys go, only if asked for, to a separate key file, so that the
export itself never holds personal data in clear. Streams in batches, so a whole log never
sits in memory."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, TextIO

from eventsourcing.persistence import Mapper
from sqlalchemy import select
from sqlalchemy.engine import Engine

from shared.audit_trail import chained_events
from shared.envelope import to_envelope
from shared.eventstore import stored_event
from shared.hashchain import GENESIS
from shared.tables import KernelTables

FORMAT = "officer-postings-export/1"
BATCH = 1000


def _chained_events(engine: Engine, kernel: KernelTables) -> Iterator[Any]:
    events = kernel.events.c
    after = 0
    while True:
        with engine.connect() as conn:
            batch = conn.execute(
                chained_events(kernel).where(events.id > after).order_by(events.id).limit(BATCH)
            ).all()
        yield from batch
        if len(batch) < BATCH:
            return
        after = batch[-1].id


def _officer_cases(engine: Engine, kernel: KernelTables, officer_id: str) -> set[str]:
    cases = kernel.audit_cases.c
    with engine.connect() as conn:
        return set(
            conn.execute(select(cases.case_id).where(cases.officer_id == officer_id)).scalars()
        )


def officer_keys(engine: Engine, kernel: KernelTables, officer_id: str | None) -> dict[str, str]:
    """The officers' keys still held (all, or one officer's), base64, for a key file handed
    to an auditor beside an export; a disposed officer's key is gone and not in it."""
    keys = kernel.officer_keys.c
    query = select(keys.officer_id, keys.key).where(keys.key.is_not(None))
    if officer_id is not None:
        query = query.where(keys.officer_id == officer_id)
    with engine.connect() as conn:
        return {
            row.officer_id: base64.b64encode(bytes(row.key)).decode() for row in conn.execute(query)
        }


def export_log(
    engine: Engine,
    kernel: KernelTables,
    mapper: Mapper[Any],
    out: TextIO,
    *,
    service: str,
    exported_at: datetime,
    officer_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the header and every event that matches (all of an officer's cases; events
    recorded in [since, until]); returns how many events were written."""
    written = -1  # the header is not an event
    for line in export_lines(
        engine,
        kernel,
        mapper,
        service=service,
        exported_at=exported_at,
        officer_id=officer_id,
        since=since,
        until=until,
        progress=progress,
    ):
        out.write(line)
        written += 1
    return written


def export_lines(
    engine: Engine,
    kernel: KernelTables,
    mapper: Mapper[Any],
    *,
    service: str,
    exported_at: datetime,
    officer_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[str]:
    """The export's lines, each ending in a newline: the header, then every event that
    matches. A generator, so the command-line tool writes a file and the API streams an
    answer from the same lines, a batch read at a time."""
    cases = _officer_cases(engine, kernel, officer_id) if officer_id else None
    header = {
        "format": FORMAT,
        "service": service,
        "exported_at": exported_at.isoformat(),
        "filters": {
            "officer_id": officer_id,
            "since": since.isoformat() if since else None,
            "until": until.isoformat() if until else None,
        },
    }
    yield json.dumps(header) + "\n"
    previous, read = GENESIS.hex(), 0
    for row in _chained_events(engine, kernel):
        read += 1
        prev_chain_hash, previous = previous, row.chain_hash
        if progress and read % BATCH == 0:
            progress(read)
        if cases is not None and str(row.originator_id) not in cases:
            continue
        stored = stored_event(row)
        event = mapper.to_domain_event(stored)
        at = event.timestamp  # type: ignore[attr-defined]
        if (since and at < since) or (until and at > until):
            continue
        line = {
            "position": row.id,
            "originator_id": str(row.originator_id),
            "originator_version": row.originator_version,
            "topic": row.topic,
            "state": base64.b64encode(stored.state).decode(),
            "leaf_hash": row.leaf_hash,
            "prev_chain_hash": prev_chain_hash,
            "chain_hash": row.chain_hash,
            "event": to_envelope(row.id, event),
        }
        yield json.dumps(line, sort_keys=True) + "\n"
