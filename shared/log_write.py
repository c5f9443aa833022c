"""The only part of a unit of work that runs while its service's log is ordered (ADR 0020).

A unit of work seals and projects the events it stores as it stores them: read-model rows,
audit-index rows and officers' keys are all written before the log is touched, and the
idempotency record's answer travels in the statement that asks for the ordering, done
before the ordering is asked for (``with_the_ordering``, ADR 0038). The sealed events
wait in the session until the transaction is about to commit. Then, and only then, the
log's ordering is taken and the events are inserted (which numbers them), in the one
statement; their leaves are hashed; one more statement reads the chain head, extends the
chain over them (the database hashing the links, ADR 0039) and gives the rows listed in
the log's order their events' positions (``shared.arrival``); and the transaction commits
at once, which releases the ordering. So what runs under the ordering is two statements
and a few hashes, not the decision's Python.

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


def with_the_ordering(
    session: Session, sql: str, params: Mapping[str, Any]
) -> dict[str, Any] | None:
    """Send the write ``sql`` (an INSERT, UPDATE or DELETE in the driver's ``%(name)s``
    style) in the statement that asks for the log's ordering, done before the ordering is
    asked for: the round trip the unit of work makes anyway to wait for its turn carries
    it, and the write adds nothing to the time the ordering is held. For a write whose
    rows nothing reads back in this unit of work (the idempotency record's answer), made
    once the command has decided. The values held, which the caller may change until the
    commit (a later value for the same write); None, and nothing held, where no ordering
    will be asked for (SQLite, or nothing stored): the caller sends it itself.

    The write must be one statement of its own, with no WITH and no RETURNING: it becomes
    a data-modifying WITH of the ordering's statement, which returns its count."""
    if sql.lstrip()[:6].upper() not in ("INSERT", "UPDATE", "DELETE") or "RETURNING" in sql:
        raise ValueError("only a plain INSERT, UPDATE or DELETE rides on the ordering")
    pending: dict[str, PendingLog] = session.info.get(_PENDING, {})
    if not any(log.lock_key is not None and log.stored for log in pending.values()):
        return None
    riding: list[tuple[str, dict[str, Any]]] = session.info.setdefault(_RIDING, [])
    values = dict(params)
    riding.append((sql, values))
    return values


def still_riding(session: Session, values: dict[str, Any]) -> bool:
    """``values``, as ``with_the_ordering`` handed them back, are still held for the
    ordering's statement (not sent, nor dropped with a unit of work that ended)."""
    return any(kept is values for _, kept in session.info.get(_RIDING, ()))


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
    # One statement does the riding writes, takes the ordering and then inserts the
    # events, which numbers them: the ids are given once the ordering is granted, so in
    # its order. The chain head is not read here: this statement's snapshot was taken
    # before the ordering was granted, and may predate the last holder's commit.
    sql, params = _ordering(log.lock_key, riding, events=log.events)
    granted_at, ids, _ = driver.send(session, sql, {**params, **adding}).one()
    if ordering_timings.RECORDING is not None:
        ordering_timings.RECORDING.granted(session, asked_at, float(granted_at))
    # The events were numbered in the order given (the insert reads them in that order),
    # so their positions in ascending order are theirs in turn.
    if ids is None or len(ids) != len(stored):
        raise RuntimeError("the log numbered a different count of events than it was given")
    # One more statement, whose snapshot is taken under the ordering and so sees the last
    # holder's links: the chain extended over the events' leaves from its head, hashed by
    # the database (``_extending``), and the rows listed in the log's order given their
    # events' positions (shared.arrival).
    leaves = b"".join(
        stored_leaf_hash(p, s.originator_id, s.originator_version, s.topic, s.state)
        for p, s in zip(ids, stored, strict=True)
    )
    dialect = session.connection().dialect
    parts = [_extending(log.chain, ids, leaves)]
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
    lock_key: int, riding: Sequence[tuple[str, Mapping[str, Any]]], *, events: Table
) -> tuple[str, dict[str, Any]]:
    """The statement that does the writes ``riding`` on it, asks for the ordering, then
    inserts the events (their arrays given as ``_write`` names them), and answers when the
    ordering was granted and the events' ids.

    The ordering is a WITH of its own (``ordering``) whose select list counts each riding
    write, a data-modifying WITH, ahead of the lock: PostgreSQL evaluates a select list in
    order, and a WITH read there runs to its end when first read, so the writes are done
    before the lock is asked for (a WITH nothing read would run after the rest of the
    statement, under the ordering). The events' insert reads its rows from ``ordering``
    joined to the arrays, so it cannot number an event before the ordering is granted:
    ids are given in the ordering's order whatever the plan."""
    # The key as BIGINT, the one-argument lock the rebuild takes with the same key.
    params: dict[str, Any] = {"log_ordering": lock_key}
    withs, counts = [], []
    for n, (sql, values) in enumerate(riding):
        # Each write's parameters named apart from the others'. The writes are the
        # service's own compiled statements, never a caller's text; values go as parameters.
        withs.append(f"w{n} AS ({renamed(sql, f'w{n}_')} RETURNING 1)")
        counts.append(f"(SELECT count(*) FROM w{n}) AS w{n}, ")  # noqa: S608
        params.update({f"w{n}_{name}": value for name, value in values.items()})
    # When the ordering was granted, by the database's clock (the benchmark's measure of
    # how long it is held).
    withs.append(
        f"ordering AS (SELECT {''.join(counts)}"  # noqa: S608
        "pg_advisory_xact_lock(%(log_ordering)s::BIGINT) AS locked, "
        "extract(epoch FROM clock_timestamp()) AS granted)"
    )
    withs.append(f"added AS ({_adding(events)})")
    # Then the log's writes after this one planned as the settings say, whatever the reads
    # before them were (shared.generic_plans).
    return (
        f"WITH {', '.join(withs)} SELECT granted, "  # noqa: S608
        f"(SELECT array_agg(id ORDER BY id) FROM added), {AS_BEFORE_FROM_HERE} FROM ordering",
        params,
    )


#: A parameter in the driver's style, or a literal percent sign (doubled), left as it is.
_PARAMETER = re.compile(r"%%|%\(([^)]+)\)s")


def renamed(sql: str, prefix: str) -> str:
    return _PARAMETER.sub(lambda m: f"%({prefix}{m.group(1)})s" if m.group(1) else m.group(0), sql)


@functools.cache
def _adding(events: Table) -> str:
    # Built once per log. The events are read in the order given (WITH ORDINALITY, ORDER
    # BY), and numbered as they are read, as SQLAlchemy's own sorted inserts rely on.
    # The names are the service's own tables', never a caller's text.
    return (
        f"INSERT INTO {events.name} "  # noqa: S608
        "(originator_id, originator_version, topic, state) "
        "SELECT o, v, t, s FROM ordering, unnest(%(originator_ids)s::UUID[], "
        "%(originator_versions)s::BIGINT[], %(topics)s::TEXT[], %(states)s::BYTEA[]) "
        "WITH ORDINALITY AS given(o, v, t, s, n) ORDER BY n RETURNING id"
    )


def _extending(chain: Table, ids: Sequence[int], leaves: bytes) -> unnest.Fragment:
    """The chain's links over events at positions ``ids`` with these leaves (32 bytes
    each, in turn), extended from the chain's head as ``shared.hashchain.extend`` does,
    SHA-256 over 0x01, the head and the leaf, by the database: the head is read in the
    statement that writes the links, so no round trip under the ordering is spent reading
    it. Verification hashes the chain again in Python, and so holds the two the same."""
    return unnest.Fragment(
        _extending_sql(chain),
        {
            "chain_positions": unnest.array_text(list(ids), unnest.INTEGERS),
            "chain_leaves": leaves,
            "chain_count": str(len(ids)),
        },
    )


@functools.cache
def _extending_sql(chain: Table) -> str:
    # A leaf is a slice of one value (O(1) each), the position an element of a fixed-width
    # array: a unit of work of thousands of events (the benchmark's generation) extends
    # the chain in time proportional to their number. The names are the service's own.
    leaf = "substring(%(chain_leaves)s::BYTEA FROM {start} FOR 32)"
    return (
        f"INSERT INTO {chain.name} (position, leaf_hash, chain_hash) "  # noqa: S608
        "WITH RECURSIVE link(n, head) AS ("
        f"SELECT 0, coalesce((SELECT decode(chain_hash, 'hex') FROM {chain.name} "
        "ORDER BY position DESC LIMIT 1), decode(repeat('00', 32), 'hex')) "
        "UNION ALL SELECT n + 1, sha256(decode('01', 'hex') || head || "
        f"{leaf.format(start='n * 32 + 1')}) "
        "FROM link WHERE n < %(chain_count)s::INTEGER) "
        "SELECT (%(chain_positions)s::BIGINT[])[n], "
        f"encode({leaf.format(start='(n - 1) * 32 + 1')}, 'hex'), encode(head, 'hex') "
        "FROM link WHERE n > 0"
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
