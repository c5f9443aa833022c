"""The only part of a unit of work that runs while its service's log is ordered (ADR 0020).

A unit of work seals and projects the events it stores as it stores them: read-model rows,
audit-index rows, officers' keys and the idempotency record are all written before the log
is touched. The sealed events wait in the session until the transaction is about to commit.
Then, and only then, the log's ordering is taken, the events are inserted (which numbers
them), the chain head is read and the chain extended over them, the rows listed in the
log's order are given their events' positions (``shared.arrival``), and the transaction
commits at once, which releases the ordering. So what runs under the ordering is a few
statements and a few hashes, not the decision's Python.

Followers still read in notification-id order, and skip nothing: ids are given under the
ordering, and the ordering is held until commit, so ids commit in the order they are given.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from sqlalchemy import Table, event, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared import arrival, ordering_timings
from shared.errors import ConcurrentChange
from shared.hashchain import GENESIS, canonical_entry, extend, leaf_hash

#: Key in ``Session.info``: the events this unit of work stored, by log, not yet written.
_PENDING = "log_write.pending"


@dataclass
class PendingLog:
    """One log's events stored in this unit of work, waiting for its commit."""

    events: Table
    chain: Table
    #: The advisory lock that orders the log's writers (None: SQLite, one writer anyway).
    lock_key: int | None
    stored: list[StoredEvent] = field(default_factory=list)


def hold(
    session: Session,
    *,
    events: Table,
    chain: Table,
    lock_key: int | None,
    stored: Sequence[StoredEvent],
) -> None:
    """Keep sealed events for the log write at commit."""
    pending: dict[str, PendingLog] = session.info.setdefault(_PENDING, {})
    log = pending.get(events.name)
    if log is None:
        log = pending[events.name] = PendingLog(events, chain, lock_key)
    log.stored.extend(stored)


def held(session: Session, events_table: str, originator_id: UUID) -> list[StoredEvent]:
    """The events of one record this unit of work stored and has not written yet: a record
    loaded again after it was saved is loaded with them."""
    pending: dict[str, PendingLog] = session.info.get(_PENDING, {})
    log = pending.get(events_table)
    if log is None:
        return []
    return [s for s in log.stored if s.originator_id == originator_id]


def _write(session: Session, log: PendingLog) -> None:
    """Under the log's ordering: insert the events, read the chain head, extend the chain."""
    if log.lock_key is not None:
        asked_at = time.time()
        session.execute(select(func.pg_advisory_xact_lock(log.lock_key)))
        if ordering_timings.RECORDING is not None:
            ordering_timings.RECORDING.granted(session, asked_at, time.time())
    rows = [
        {
            "originator_id": s.originator_id,
            "originator_version": s.originator_version,
            "topic": s.topic,
            "state": s.state,
        }
        for s in log.stored
    ]
    ids = list(
        session.execute(
            insert(log.events).returning(log.events.c.id, sort_by_parameter_order=True), rows
        ).scalars()
    )
    chain = log.chain
    last = session.execute(
        select(chain.c.chain_hash).order_by(chain.c.position.desc()).limit(1)
    ).scalar()
    head = bytes.fromhex(last) if last else GENESIS
    links = []
    for position, s in zip(ids, log.stored, strict=True):
        leaf = leaf_hash(
            canonical_entry(position, s.originator_id, s.originator_version, s.topic, s.state)
        )
        head = extend(head, leaf)
        links.append({"position": position, "leaf_hash": leaf.hex(), "chain_hash": head.hex()})
    session.execute(insert(chain), links)
    # The rows listed in the order of arrival take their events' positions (shared.arrival).
    arrival.number(
        session,
        {(s.originator_id, s.originator_version): p for p, s in zip(ids, log.stored, strict=True)},
    )


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    pending: dict[str, PendingLog] | None = session.info.pop(_PENDING, None)
    if not pending:
        return
    try:
        for log in pending.values():
            if log.stored:
                _write(session, log)
    except IntegrityError as exc:
        # Another unit of work saved one of these records at the same version first: the
        # version guards the record's rules, and the command is decided again on the record
        # as it now is (shared.handling).
        raise ConcurrentChange("the record was changed by someone else; reload and retry") from exc


def _forget(session: Session, *_: Any) -> None:
    # A unit of work that rolls back wrote nothing; its held events go with it.
    session.info.pop(_PENDING, None)
    arrival.forget(session)


event.listen(Session, "after_rollback", _forget)
