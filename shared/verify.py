"""Verifying a service's log: re-hash every stored event in order, compare with the stored
chain and with the signed checkpoints, and report the first point of divergence."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from itertools import zip_longest
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Engine, Text, bindparam, cast, func, select

from shared import driver
from shared.checkpoints import Checkpoint, CheckpointStore
from shared.hashchain import GENESIS, Divergence, extend, stored_leaf_hash
from shared.tables import KernelTables

BATCH = 20000


@dataclass
class VerifyReport:
    service: str
    events: int = 0
    head: str = GENESIS.hex()
    checkpoints_checked: int = 0
    #: The latest signed checkpoint the log was found to match: how far an auditor can
    #: rely on the log without trusting the database.
    last_checkpoint: Checkpoint | None = None
    divergence: Divergence | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.divergence is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "ok": self.ok,
            "events": self.events,
            "head": self.head,
            "checkpoints_checked": self.checkpoints_checked,
            "last_checkpoint": _signed(self.last_checkpoint),
            "first_divergence": self.divergence.as_dict() if self.divergence else None,
            "notes": self.notes,
        }


def _signed(checkpoint: Checkpoint | None) -> dict[str, Any] | None:
    if checkpoint is None:
        return None
    return {
        "size": checkpoint.size,
        "last_position": checkpoint.last_position,
        "head": checkpoint.head,
        "signed_at": checkpoint.signed_at,
    }


def _batches(engine: Engine, columns: list[ColumnElement[Any]], upto: int) -> Iterator[list[Any]]:
    """Rows in the order of the first column (the position), up to ``upto``, a batch at a
    time, as the driver's own tuples: this runs once per event of the log, and SQLAlchemy's
    result rows would double the cost of reading them.

    The bound ``upto`` is applied here, not in the statement: with a range bounded on both
    sides, PostgreSQL estimated a few thousand rows on a log whose statistics lagged behind
    it (one just written), and read and sorted the whole rest of the log for every batch
    (22,600 events/s on a million, against 127,600). Bounded below only, the batch is the
    next rows of the primary key's index, whatever the statistics say."""
    key = columns[0]
    compiled = (
        select(*columns)
        .where(key > bindparam("after"))
        .order_by(key)
        .limit(BATCH)
        .compile(dialect=engine.dialect)
    )
    after = -1
    while True:
        with engine.connect() as conn:
            batch = driver.rows(conn, compiled, {"after": after})
        if batch and batch[-1][0] > upto:
            yield [row for row in batch if row[0] <= upto]
            return
        yield batch
        if len(batch) < BATCH:
            return
        after = batch[-1][0]


def _read_ahead(batches: Iterator[list[Any]]) -> Iterator[list[Any]]:
    """The batches, the next read while this one is hashed (reading waits mostly on the
    database, which works on the other core meanwhile)."""
    with ThreadPoolExecutor(max_workers=1) as reader:
        ahead = reader.submit(next, batches, None)
        while True:
            batch = ahead.result()
            if batch is None:
                return
            ahead = reader.submit(next, batches, None)
            yield batch


def _id_column(engine: Engine, column: ColumnElement[Any]) -> ColumnElement[Any]:
    """The aggregate id as text where the database can say it (PostgreSQL writes a UUID as
    ``str(UUID)`` does): the driver then makes no UUID object per event."""
    return cast(column, Text) if engine.dialect.name == "postgresql" else column


def _id_text(value: bytes | str) -> str:
    """The aggregate id as the driver gives it, as text: PostgreSQL's already is (see
    ``_id_column``), SQLite's is the 16 bytes the column type stored."""
    return value if isinstance(value, str) else str(UUID(bytes=value))


def verify_log(
    engine: Engine,
    kernel: KernelTables,
    store: CheckpointStore,
    *,
    service: str,
    progress: Callable[[int], None] | None = None,
) -> VerifyReport:
    report = VerifyReport(service=service)
    checkpoints: dict[int, Checkpoint] = {}
    for checkpoint in store.all():
        if not store.valid(checkpoint):
            report.divergence = Divergence(
                0, f"checkpoint at size {checkpoint.size} has a bad signature"
            )
            return report
        checkpoints[checkpoint.size] = checkpoint
    e, c = kernel.events.c, kernel.chain.c
    # Each batch is its own read, so the two streams would see the log at different
    # moments: a link committed between them would have no event beside it and pass for a
    # deleted one. An event and its link commit together, in log order (ADR 0020), so both
    # streams stop at the last position either holds now, read in one statement: whatever
    # commits later lies beyond it, and an event or a link at the end without its partner
    # is still found.
    last = (
        select(func.max(e.id)).scalar_subquery(),
        select(func.max(c.position)).scalar_subquery(),
    )
    with engine.connect() as conn:
        found = conn.execute(select(*(func.coalesce(m, 0) for m in last))).one()
    upto = max(int(found[0]), int(found[1]))
    events = _read_ahead(
        _batches(
            engine,
            [e.id, _id_column(engine, e.originator_id), e.originator_version, e.topic, e.state],
            upto,
        )
    )
    chained = _read_ahead(_batches(engine, [c.position, c.leaf_hash, c.chain_hash], upto))
    # Bound once: this loop runs once per event of the log.
    hash_leaf, hash_node, id_text = stored_leaf_hash, extend, _id_text
    count, head = 0, GENESIS
    # The two streams are read a batch at a time, each the next BATCH rows by position, so
    # while they agree their batches hold the same positions, pair by pair.
    for event_batch, link_batch in zip_longest(events, chained, fillvalue=()):
        for event, link in zip(event_batch, link_batch):  # noqa: B905 - unequal ends below
            position, originator_id, version, topic, state = event
            if link[0] != position:
                return _diverged(report, count, _unpaired(event, link))
            leaf = hash_leaf(position, id_text(originator_id), version, topic, state)
            if leaf.hex() != link[1]:
                return _diverged(report, count, Divergence(position, _ALTERED))
            head = hash_node(head, leaf)
            if head.hex() != link[2]:
                return _diverged(report, count, Divergence(position, _UNCHAINED))
            count += 1
            if count in checkpoints:
                signed = checkpoints[count]
                report.checkpoints_checked += 1
                if signed.head != head.hex():
                    differs = f"the log differs from the checkpoint signed at {signed.signed_at}"
                    return _diverged(report, count, Divergence(position, differs))
                report.last_checkpoint = signed
        if len(event_batch) != len(link_batch):
            # One stream ended (a batch short of BATCH is its last) where the other went on:
            # the first row past the shorter has no partner.
            paired = min(len(event_batch), len(link_batch))
            return _diverged(
                report,
                count,
                _unpaired(
                    event_batch[paired] if len(event_batch) > paired else None,
                    link_batch[paired] if len(link_batch) > paired else None,
                ),
            )
        if progress:
            progress(count)
    report.events = count
    report.head = head.hex()
    beyond = [size for size in checkpoints if size > report.events]
    if beyond:
        report.divergence = Divergence(
            report.events + 1,
            f"the log has {report.events} events; a checkpoint signed {max(beyond)} (truncated?)",
        )
    return report


_ALTERED = "the event differs from what was chained (altered or reordered)"
_UNCHAINED = "the stored chain does not follow from the events before it"


def _diverged(report: VerifyReport, verified: int, divergence: Divergence) -> VerifyReport:
    """The report, stopped at the first divergence, ``verified`` events before it."""
    report.events = verified
    report.divergence = divergence
    return report


def _unpaired(event: Any | None, link: Any | None) -> Divergence:
    """Where the streams part: at the lower of the two positions, which the other lacks."""
    if event is None or (link is not None and link[0] < event[0]):
        assert link is not None
        return Divergence(link[0], "an event in the chain is missing (deleted?)")
    return Divergence(event[0], "an event is not in the chain (inserted?)")


def write_checkpoint(
    engine: Engine,
    kernel: KernelTables,
    store: CheckpointStore,
    *,
    service: str,
    at: datetime,
    unless_size: int = 0,
) -> Checkpoint | None:
    """Sign the log's current size and head; None while the log is empty, or while it has
    not grown past ``unless_size`` (the size last signed)."""
    chain = kernel.chain
    # The size is counted up to the head read, in the same statement: counted apart, an
    # event committed in between would be signed as part of a head that lacks it.
    upto = chain.alias("upto")
    size = (
        select(func.count())
        .select_from(upto)
        .where(upto.c.position <= chain.c.position)
        .scalar_subquery()
    )
    with engine.connect() as conn:
        last = conn.execute(
            select(chain.c.position, chain.c.chain_hash, size.label("size"))
            .order_by(chain.c.position.desc())
            .limit(1)
        ).first()
    if last is None or last.size <= unless_size:
        return None
    return store.sign(
        service=service, size=last.size, last_position=last.position, head=last.chain_hash, at=at
    )
