"""Verifying a service's log: re-hash every stored event in order, compare with the stored
chain and with the signed checkpoints, and report the first point of divergence."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Table, func, select

from shared.checkpoints import Checkpoint, CheckpointStore
from shared.hashchain import GENESIS, Divergence, canonical_entry, extend, leaf_hash
from shared.tables import KernelTables

BATCH = 5000


@dataclass
class VerifyReport:
    service: str
    events: int = 0
    head: str = GENESIS.hex()
    checkpoints_checked: int = 0
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
            "first_divergence": self.divergence.as_dict() if self.divergence else None,
            "notes": self.notes,
        }


def _rows(engine: Engine, table: Table, key: str) -> Iterator[Any]:
    """Stream a table in position order, a batch at a time."""
    after = -1
    column = table.c[key]
    while True:
        with engine.connect() as conn:
            batch = conn.execute(
                select(table).where(column > after).order_by(column).limit(BATCH)
            ).all()
        yield from batch
        if len(batch) < BATCH:
            return
        after = getattr(batch[-1], key)


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
    events = _rows(engine, kernel.events, "id")
    chained = _rows(engine, kernel.chain, "position")
    event, link = next(events, None), next(chained, None)
    head = GENESIS
    while event is not None or link is not None:
        position = min(
            p
            for p in (getattr(event, "id", None), getattr(link, "position", None))
            if p is not None
        )
        if event is None or event.id != position:
            report.divergence = Divergence(position, "an event in the chain is missing (deleted?)")
            return report
        if link is None or link.position != position:
            report.divergence = Divergence(position, "an event is not in the chain (inserted?)")
            return report
        state = bytes(event.state)
        leaf = leaf_hash(
            canonical_entry(
                position, event.originator_id, event.originator_version, event.topic, state
            )
        )
        if leaf.hex() != link.leaf_hash:
            report.divergence = Divergence(
                position, "the event differs from what was chained (altered or reordered)"
            )
            return report
        head = extend(head, leaf)
        if head.hex() != link.chain_hash:
            report.divergence = Divergence(
                position, "the stored chain does not follow from the events before it"
            )
            return report
        report.events += 1
        signed = checkpoints.get(report.events)
        if signed is not None:
            report.checkpoints_checked += 1
            if signed.head != head.hex():
                report.divergence = Divergence(
                    position, f"the log differs from the checkpoint signed at {signed.signed_at}"
                )
                return report
        if progress and report.events % BATCH == 0:
            progress(report.events)
        event, link = next(events, None), next(chained, None)
    report.head = head.hex()
    beyond = [size for size in checkpoints if size > report.events]
    if beyond:
        report.divergence = Divergence(
            report.events + 1,
            f"the log has {report.events} events; a checkpoint signed {max(beyond)} (truncated?)",
        )
    return report


def write_checkpoint(
    engine: Engine, kernel: KernelTables, store: CheckpointStore, *, service: str, at: datetime
) -> Checkpoint | None:
    """Sign the log's current size and head; None while the log is empty."""
    chain = kernel.chain
    with engine.connect() as conn:
        last = conn.execute(select(chain).order_by(chain.c.position.desc()).limit(1)).first()
        size = conn.execute(select(func.count()).select_from(chain)).scalar_one()
    if last is None:
        return None
    return store.sign(
        service=service, size=size, last_position=last.position, head=last.chain_hash, at=at
    )
