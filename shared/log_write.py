"""The only part of a unit of work that runs while its service's log is ordered (ADR 0020).

A unit of work seals and projects the events it stores as it stores them: read-model rows,
audit-index rows and officers' keys are all written before the log is touched, and the
idempotency record's answer travels in the statement that asks for the ordering, done
before the ordering is asked for (``with_the_ordering``, ADR 0038). The sealed events
wait in the session until the transaction is about to commit. Then, and only then, the
log's ordering is taken, the events are inserted (which numbers them), the chain head is
read and the chain extended over them, the rows listed in the log's order are given their
events' positions (``shared.arrival``), and the transaction commits at once, which
releases the ordering. So what runs under the ordering is a few
statements and a few hashes, not the decision's Python.

Followers still read in notification-id order, and skip nothing: ids are given under the
ordering, and the ordering is held until commit, so ids commit in the order they are given.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from sqlalchemy import Table, event, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared import arrival, driver, ordering_timings, unnest
from shared.errors import ConcurrentChange
from shared.generic_plans import AS_BEFORE_FROM_HERE
from shared.hashchain import GENESIS, extend, stored_leaf_hash

#: Key in ``Session.info``: the events this unit of work stored, by log, not yet written.
_PENDING = "log_write.pending"
#: Key in ``Session.info``: writes sent in the ordering's statement, done before it is asked.
_RIDING = "log_write.riding"


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


def with_the_ordering(session: Session, sql: str, params: Mapping[str, Any]) -> bool:
    """Send the write ``sql`` (an INSERT, UPDATE or DELETE in the driver's ``%(name)s``
    style) in the statement that asks for the log's ordering, done before the ordering is
    asked for: the round trip the unit of work makes anyway to wait for its turn carries
    it, and the write adds nothing to the time the ordering is held. For a write whose
    rows nothing reads back in this unit of work (the idempotency record's answer), made
    once the command has decided. False, and nothing held, where no ordering will be
    asked for (SQLite, or nothing stored): the caller sends it itself.

    The write must be one statement of its own, with no WITH and no RETURNING: it becomes
    a data-modifying WITH of the ordering's statement, which returns its count."""
    if sql.lstrip()[:6].upper() not in ("INSERT", "UPDATE", "DELETE") or "RETURNING" in sql:
        raise ValueError("only a plain INSERT, UPDATE or DELETE rides on the ordering")
    pending: dict[str, PendingLog] = session.info.get(_PENDING, {})
    if not any(log.lock_key is not None and log.stored for log in pending.values()):
        return False
    riding: list[tuple[str, dict[str, Any]]] = session.info.setdefault(_RIDING, [])
    riding.append((sql, dict(params)))
    return True


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
    if log.lock_key is None:
        _write_one_by_one(session, log)
        return
    riding: list[tuple[str, dict[str, Any]]] = session.info.pop(_RIDING, [])
    stored = log.stored
    # The events' arrays are written before the ordering is asked for: nothing in them
    # depends on it, and every moment the ordering is held another decision waits.
    adding = {
        "originator_ids": unnest.array_text([s.originator_id for s in stored], unnest.UUIDS),
        "originator_versions": unnest.array_text(
            [s.originator_version for s in stored], unnest.INTEGERS
        ),
        "topics": unnest.array_text([s.topic for s in stored], unnest.TEXTS),
        "states": unnest.array_text([s.state for s in stored], unnest.BYTES),
    }
    asked_at = time.time()
    driver.send(session, *_ordering(log.lock_key, riding))
    if ordering_timings.RECORDING is not None:
        ordering_timings.RECORDING.granted(session, asked_at, time.time())
    # One statement inserts the events and reads the chain head: it starts after the
    # ordering was granted, so the head it reads is the last committed one.
    ids, last = driver.send(session, _adding(log.events, log.chain), adding).one()
    # The events were numbered in the order given (the insert reads them in that order),
    # so their positions in ascending order are theirs in turn.
    if len(ids) != len(stored):
        raise RuntimeError("the log numbered a different count of events than it was given")
    links = _links(last, ids, stored)
    # The chain's links, and the rows listed in the log's order (shared.arrival), in one
    # more statement.
    dialect = session.connection().dialect
    parts = [unnest.insert(dialect, log.chain, _LINK_COLUMNS, links, "chain")]
    parts += arrival.numbering_parts(
        session,
        dialect,
        {(s.originator_id, s.originator_version): p for p, s in zip(ids, stored, strict=True)},
    )
    driver.send(session, *unnest.statement(parts))


def _write_one_by_one(session: Session, log: PendingLog) -> None:
    """SQLite, where one writer holds the database anyway: a statement each."""
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
    session.execute(insert(chain), _links(last, ids, log.stored))
    arrival.number(
        session,
        {(s.originator_id, s.originator_version): p for p, s in zip(ids, log.stored, strict=True)},
    )


_LINK_COLUMNS = ("position", "leaf_hash", "chain_hash")


def _links(
    last: str | None, ids: Sequence[int], stored: Sequence[StoredEvent]
) -> list[dict[str, Any]]:
    """The chain extended from its head ``last`` over the events at their positions."""
    head = bytes.fromhex(last) if last else GENESIS
    links = []
    for position, s in zip(ids, stored, strict=True):
        leaf = stored_leaf_hash(position, s.originator_id, s.originator_version, s.topic, s.state)
        head = extend(head, leaf)
        links.append({"position": position, "leaf_hash": leaf.hex(), "chain_hash": head.hex()})
    return links


def _ordering(
    lock_key: int, riding: Sequence[tuple[str, Mapping[str, Any]]] = ()
) -> tuple[str, dict[str, Any]]:
    """The statement that asks for the ordering, with the writes ``riding`` on it done
    first. Each write is a data-modifying WITH, counted in the select list ahead of the
    lock: PostgreSQL evaluates a select list in order, and a WITH read there runs to its
    end when first read, so every write is done before the lock is asked for (a WITH
    nothing read would run after the rest of the statement, under the ordering)."""
    # The key as BIGINT, the one-argument lock the rebuild takes with the same key.
    # The log's writes planned as the settings say, whatever the reads before them were
    # (shared.generic_plans).
    params: dict[str, Any] = {"log_ordering": lock_key}
    withs, counts = [], []
    for n, (sql, values) in enumerate(riding):
        # Each write's parameters named apart from the others'. The writes are the
        # service's own compiled statements, never a caller's text; values go as parameters.
        withs.append(f"w{n} AS ({_renamed(sql, f'w{n}_')} RETURNING 1)")
        counts.append(f"(SELECT count(*) FROM w{n}), ")  # noqa: S608
        params.update({f"w{n}_{name}": value for name, value in values.items()})
    ahead = f"WITH {', '.join(withs)} " if withs else ""
    return (
        f"{ahead}SELECT {''.join(counts)}pg_advisory_xact_lock(%(log_ordering)s::BIGINT), "
        f"{AS_BEFORE_FROM_HERE}",
        params,
    )


#: A parameter in the driver's style, or a literal percent sign (doubled), left as it is.
_PARAMETER = re.compile(r"%%|%\(([^)]+)\)s")


def _renamed(sql: str, prefix: str) -> str:
    return _PARAMETER.sub(lambda m: f"%({prefix}{m.group(1)})s" if m.group(1) else m.group(0), sql)


@functools.cache
def _adding(events: Table, chain: Table) -> str:
    # Built once per log. The events are read in the order given (WITH ORDINALITY, ORDER
    # BY), and numbered as they are read, as SQLAlchemy's own sorted inserts rely on.
    # The names are the service's own tables', never a caller's text.
    return (
        f"WITH added AS (INSERT INTO {events.name} "  # noqa: S608
        "(originator_id, originator_version, topic, state) "
        "SELECT o, v, t, s FROM unnest(%(originator_ids)s::UUID[], "
        "%(originator_versions)s::BIGINT[], %(topics)s::TEXT[], %(states)s::BYTEA[]) "
        "WITH ORDINALITY AS given(o, v, t, s, n) ORDER BY n RETURNING id) "
        "SELECT (SELECT array_agg(id ORDER BY id) FROM added), "
        f"(SELECT chain_hash FROM {chain.name} ORDER BY position DESC LIMIT 1)"
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
        if _RIDING in session.info:
            # Held only while an ordering was to be asked for, and the first one asked
            # takes them: never lose a write by committing without it.
            raise RuntimeError("writes were held for a log ordering that was never asked for")
    except IntegrityError as exc:
        # Another unit of work saved one of these records at the same version first: the
        # version guards the record's rules, and the command is decided again on the record
        # as it now is (shared.handling).
        raise ConcurrentChange("the record was changed by someone else; reload and retry") from exc


def _forget(session: Session, *_: Any) -> None:
    # A unit of work that rolls back wrote nothing; its held events go with it.
    session.info.pop(_PENDING, None)
    session.info.pop(_RIDING, None)
    arrival.forget(session)


event.listen(Session, "after_rollback", _forget)
