"""The auditor's index over a service's log: every case (aggregate) with the officer it
concerns, and every decision with what an auditor searches on. It is a read model: built in
the event's own transaction, rebuilt by replay, and never the only copy of anything (the
decision itself is read back from the stored event)."""

from __future__ import annotations

from enum import Enum
from typing import Any

from eventsourcing.domain import AggregateCreated
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from shared.envelope import event_type
from shared.ledger import Decision
from shared.tables import KernelTables

#: Keys in ``Session.info`` (which lives as long as one unit of work).
_CASES = "audit_index.cases"
_BUFFER = "audit_index.buffer"


def case_type(event: Any) -> str:
    """The aggregate an event belongs to, by name: ``Posting.Decided`` -> ``Posting``."""
    return event_type(event).split(".")[0]


def _text(value: Any) -> str | None:
    if isinstance(value, Enum):
        return str(value.value)
    return value if isinstance(value, str) else None


def buffer_index_rows(session: Session) -> None:
    """Hold the index rows of this unit of work in memory until ``flush_index_rows``: for a
    rebuild, which writes them many at a time rather than one statement per event (nothing
    reads the index while it is being rebuilt, and it only ever gains rows)."""
    session.info[_BUFFER] = {"cases": [], "decisions": []}


def flush_index_rows(session: Session, kernel: KernelTables) -> None:
    """Write the buffered rows, cases first (a decision names its case)."""
    buffer = session.info.get(_BUFFER)
    if not buffer:
        return
    for table, rows in (
        (kernel.audit_cases, buffer["cases"]),
        (kernel.audit_decisions, buffer["decisions"]),
    ):
        if rows:
            session.execute(insert(table), rows)
            rows.clear()


def _case(session: Session, kernel: KernelTables, case_id: str) -> tuple[str | None, str | None]:
    """The officer and kind of a case; they are fixed when the case opens, so each is read
    from the database at most once per unit of work."""
    cases: dict[str, tuple[str | None, str | None]] = session.info.setdefault(_CASES, {})
    if case_id not in cases:
        c = kernel.audit_cases.c
        row = session.execute(select(c.officer_id, c.kind).where(c.case_id == case_id)).first()
        cases[case_id] = (row.officer_id, row.kind) if row else (None, None)
    return cases[case_id]


def _write(session: Session, kernel: KernelTables, which: str, row: dict[str, Any]) -> None:
    buffer = session.info.get(_BUFFER)
    if buffer is not None:
        buffer[which].append(row)
        return
    table = kernel.audit_cases if which == "cases" else kernel.audit_decisions
    session.execute(insert(table), row)


def index_event(session: Session, kernel: KernelTables, event: Any, position: int) -> None:
    """Record a new case, and a decision, as the event is stored or replayed."""
    case_id = str(event.originator_id)
    if isinstance(event, AggregateCreated):
        officer_id = _text(getattr(event, "officer_id", None))
        kind = _text(getattr(event, "kind", None))
        session.info.setdefault(_CASES, {})[case_id] = (officer_id, kind)
        _write(
            session,
            kernel,
            "cases",
            {
                "case_id": case_id,
                "case_type": case_type(event),
                "officer_id": officer_id,
                "kind": kind,
                "opened_at": event.timestamp,
            },
        )
    decision = getattr(event, "decision", None)
    if not isinstance(decision, Decision):
        return
    officer_id, kind = _case(session, kernel, case_id)
    _write(
        session,
        kernel,
        "decisions",
        {
            "position": position,
            "case_id": case_id,
            "case_type": case_type(event),
            "event_type": event_type(event),
            "officer_id": officer_id,
            "kind": kind,
            "clause": decision.clause,
            "actor_id": decision.actor_id,
            "actor_role": decision.actor_role.value,
            "delegation_id": str(decision.delegation_id) if decision.delegation_id else None,
            "occurred_at": event.timestamp,
        },
    )
