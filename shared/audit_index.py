"""The auditor's index over a service's log: every case (aggregate) with the officer it
concerns, and every decision with what an auditor searches on. It is a read model: built in
the event's own transaction, rebuilt by replay, and never the only copy of anything (the
decision itself is read back from the stored event)."""

from __future__ import annotations

from enum import Enum
from typing import Any

from eventsourcing.domain import AggregateCreated
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.db import insert_row
from shared.envelope import event_type
from shared.ledger import Decision
from shared.tables import KernelTables

#: Key in ``Session.info`` (which lives as long as one unit of work).
_CASES = "audit_index.cases"


def case_type(event: Any) -> str:
    """The aggregate an event belongs to, by name: ``Posting.Decided`` -> ``Posting``."""
    return event_type(event).split(".")[0]


def _text(value: Any) -> str | None:
    if isinstance(value, Enum):
        return str(value.value)
    return value if isinstance(value, str) else None


def _case(session: Session, kernel: KernelTables, case_id: str) -> tuple[str | None, str | None]:
    """The officer and kind of a case; they are fixed when the case opens, so each is read
    from the database at most once per unit of work."""
    cases: dict[str, tuple[str | None, str | None]] = session.info.setdefault(_CASES, {})
    if case_id not in cases:
        c = kernel.audit_cases.c
        row = session.execute(select(c.officer_id, c.kind).where(c.case_id == case_id)).first()
        cases[case_id] = (row.officer_id, row.kind) if row else (None, None)
    return cases[case_id]


def index_event(session: Session, kernel: KernelTables, event: Any, position: int) -> None:
    """Record a new case, and a decision, as the event is stored or replayed."""
    case_id = str(event.originator_id)
    if isinstance(event, AggregateCreated):
        officer_id = _text(getattr(event, "officer_id", None))
        kind = _text(getattr(event, "kind", None))
        session.info.setdefault(_CASES, {})[case_id] = (officer_id, kind)
        insert_row(
            session,
            kernel.audit_cases,
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
    insert_row(
        session,
        kernel.audit_decisions,
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
