"""Reading a service's decision history back for auditors: decisions found through the
audit index and read from the stored events themselves, a case's whole history with its
hashes, and a case's state as it stood at a past moment (rebuilt by replay)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from sqlalchemy import Select, and_, literal, select, tuple_
from sqlalchemy.orm import Session

from shared.envelope import event_type, jsonable, to_envelope
from shared.errors import NotFound
from shared.eventstore import LedgerApplication, stored_event
from shared.sealing import decoded_counting_opened
from shared.tables import RECORD_IDS, VERSIONS, KernelTables, records_at


def chained_events(kernel: KernelTables) -> Select[Any]:
    """Stored events joined to their place in the hash chain."""
    events, chain = kernel.events.c, kernel.chain.c
    return select(
        events.id,
        events.originator_id,
        events.originator_version,
        events.topic,
        events.state,
        chain.leaf_hash,
        chain.chain_hash,
    ).join(kernel.chain, chain.position == events.id)


def stored_events(
    session: Session, app: LedgerApplication, kernel: KernelTables, *, case_id: UUID
) -> Iterator[tuple[Any, Any]]:
    """Every stored event of the case ``case_id`` with its place in the chain, in log
    order, each as (row, domain event). The row holds the position (``id``), record,
    version and hashes."""
    query = chained_events(kernel).where(kernel.events.c.originator_id == case_id)
    for row in session.execute(query.order_by(kernel.events.c.id)).all():
        yield row, app.mapper.to_domain_event(stored_event(row))


def stored_events_opened(
    session: Session,
    app: LedgerApplication,
    kernel: KernelTables,
    records: Sequence[tuple[UUID, int]],
) -> Iterator[tuple[Any, Any, set[str]]]:
    """The stored events at these records and versions, as ``stored_events`` gives them,
    each with the officers whose sealed values it opened (for what is kept of it:
    shared.api.kept_acts)."""
    if not records:
        return
    query = _of_records(chained_events(kernel), kernel, records, session.get_bind().dialect.name)
    for row in session.execute(query.order_by(kernel.events.c.id)).all():
        event, opened = decoded_counting_opened(app.mapper, stored_event(row))
        yield row, event, opened


def stored_entries(
    session: Session, app: LedgerApplication, kernel: KernelTables, *, case_id: UUID
) -> Iterator[dict[str, Any]]:
    """Every stored event of the case as an envelope with its leaf and chain hashes."""
    for row, event in stored_events(session, app, kernel, case_id=case_id):
        yield {
            **to_envelope(row.id, event),
            "leaf_hash": row.leaf_hash,
            "chain_hash": row.chain_hash,
        }


def _of_records(
    query: Select[Any], kernel: KernelTables, records: Sequence[tuple[UUID, int]], dialect: str
) -> Select[Any]:
    """Narrow ``query`` to the events at these records and versions, found by the log's
    (record, version) index. On PostgreSQL the keys go as two arrays joined to the log
    (``records_at``): a list of 100 pairs made a new statement every time and took
    PostgreSQL ~4 ms to plan."""
    events = kernel.events.c
    if dialect != "postgresql":
        return query.where(tuple_(events.originator_id, events.originator_version).in_(records))
    keys = records_at(
        literal([r for r, _ in records], RECORD_IDS), literal([v for _, v in records], VERSIONS)
    )
    return query.join(
        keys,
        and_(
            events.originator_id == keys.c.record_id,
            events.originator_version == keys.c.record_version,
        ),
    )


def act_entry(
    service: str, index_row: dict[str, Any], stored: Any, event: Any, published: dict[str, Any]
) -> dict[str, Any]:
    """One act as an auditor reads it: where it sits, what it concerns, who did it in which
    role and when, its outcome (decided, recorded, refused), the decision itself where it is
    one (rationale, delegation, clause, facts), and the act as published to the reader
    (``published``: its contract, withheld as for that reader's role). ``stored`` is the
    event's row in the log (position, version, hashes), ``event`` the event itself."""
    return {
        "service": service,
        "position": stored.id,
        "occurred_at": event.timestamp.isoformat(),
        "type": event_type(event),
        "outcome": index_row["outcome"],
        "case_id": index_row["case_id"],
        "case_type": index_row["case_type"],
        "case_version": stored.originator_version,
        "officer_id": index_row["officer_id"],
        "kind": index_row["kind"],
        "actor_id": index_row["actor_id"],
        "actor_role": index_row["actor_role"],
        "clause": index_row["clause"],
        "decision": published.get("decision"),
        "act": published,
        "leaf_hash": stored.leaf_hash,
    }


def case_history(
    session: Session, app: LedgerApplication, kernel: KernelTables, case_id: UUID
) -> list[dict[str, Any]]:
    history = list(stored_entries(session, app, kernel, case_id=case_id))
    if not history:
        raise NotFound(f"case {case_id} not found")
    return history


def state_of(aggregate: Any) -> dict[str, Any]:
    """An aggregate's state as plain JSON: its public attributes."""
    return {k: jsonable(v) for k, v in vars(aggregate).items() if not k.startswith("_")}


def case_state_at(
    session: Session, app: LedgerApplication, kernel: KernelTables, case_id: UUID, at: datetime
) -> dict[str, Any]:
    """The case as it stood at ``at``: replayed up to the last event recorded by then."""
    events = kernel.events.c
    rows = session.execute(
        select(events.originator_version, events.topic, events.state)
        .where(events.originator_id == case_id)
        .order_by(events.originator_version)
    ).all()
    if not rows:
        raise NotFound(f"case {case_id} not found")
    version = None
    for row in rows:
        event = app.mapper.to_domain_event(
            StoredEvent(
                originator_id=case_id,
                originator_version=row.originator_version,
                topic=row.topic,
                state=row.state,
            )
        )
        if cast(Any, event).timestamp > at:  # every event in a case is an aggregate event
            break
        version = row.originator_version
    if version is None:
        raise NotFound(f"case {case_id} did not exist yet at {at.isoformat()}")
    aggregate: Any = app.repository.get(case_id, version=version)
    return {
        "case_id": str(case_id),
        "case_type": type(aggregate).__name__,
        "as_at": at.isoformat(),
        "version": aggregate.version,
        "latest_version": rows[-1].originator_version,
        "created_on": aggregate.created_on.isoformat(),
        "modified_on": aggregate.modified_on.isoformat(),
        "state": state_of(aggregate),
    }
