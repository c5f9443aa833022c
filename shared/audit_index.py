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


def case_type(event: Any) -> str:
    """The aggregate an event belongs to, by name: ``Posting.Decided`` -> ``Posting``."""
    return event_type(event).split(".")[0]


def _text(value: Any) -> str | None:
    if isinstance(value, Enum):
        return str(value.value)
    return value if isinstance(value, str) else None


def index_event(session: Session, kernel: KernelTables, event: Any, position: int) -> None:
    """Record a new case, and a decision, as the event is stored or replayed."""
    case_id = str(event.originator_id)
    if isinstance(event, AggregateCreated):
        officer_id, kind = (
            _text(getattr(event, "officer_id", None)),
            _text(getattr(event, "kind", None)),
        )
        session.execute(
            insert(kernel.audit_cases).values(
                case_id=case_id,
                case_type=case_type(event),
                officer_id=officer_id,
                kind=kind,
                opened_at=event.timestamp,
            )
        )
    else:
        cases = kernel.audit_cases.c
        row = session.execute(
            select(cases.officer_id, cases.kind).where(cases.case_id == case_id)
        ).first()
        officer_id, kind = (row.officer_id, row.kind) if row else (None, None)
    decision = getattr(event, "decision", None)
    if not isinstance(decision, Decision):
        return
    session.execute(
        insert(kernel.audit_decisions).values(
            position=position,
            case_id=case_id,
            case_type=case_type(event),
            event_type=event_type(event),
            officer_id=officer_id,
            kind=kind,
            clause=decision.clause,
            actor_id=decision.actor_id,
            actor_role=decision.actor_role.value,
            delegation_id=str(decision.delegation_id) if decision.delegation_id else None,
            occurred_at=event.timestamp,
        )
    )
