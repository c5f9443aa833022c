"""The auditor's index over a service's log: every case (aggregate) with the officer it
concerns, and every act a person took on it with what an auditor searches on: decisions,
acts that decide nothing (a notification, an appeal lodged, a PDR recorded, an enrolment)
and refusals. It is a read model: built in the event's own transaction, rebuilt by replay,
and never the only copy of anything (the act itself is read back from the stored event)."""

from __future__ import annotations

from enum import Enum
from typing import Any

from eventsourcing.domain import AggregateCreated
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.arrival import insert_numbered, insert_with_the_log
from shared.envelope import event_type
from shared.ledger import Decision
from shared.tables import KernelTables

#: Keys in ``Session.info`` (which lives as long as one unit of work).
_CASES = "audit_index.cases"
_IDS = "audit_index.ids"


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


#: An act's outcome: a decision, an act that decides nothing, a refused command.
DECIDED, RECORDED, REFUSED = "decided", "recorded", "refused"


def act_of(event: Any) -> tuple[str, str, str, str | None] | None:
    """(outcome, actor, role, clause) of an event a person is behind; None for what the
    services record for themselves (a posting opened on an officer, a key's bookkeeping)."""
    decision = getattr(event, "decision", None)
    if isinstance(decision, Decision):
        return DECIDED, decision.actor_id, decision.actor_role.value, decision.clause
    for who, role in (("actor_id", "actor_role"), ("appellant_id", "appellant_role")):
        actor, acting_as = getattr(event, who, None), _text(getattr(event, role, None))
        if isinstance(actor, str) and acting_as is not None:
            outcome = REFUSED if event_type(event) == "Refusal.Recorded" else RECORDED
            return outcome, actor, acting_as, _text(getattr(event, "clause", None))
    return None


def _id_text(session: Session, record_id: Any) -> str:
    """A record's id as text, made once per unit of work: a rebuild indexes each record's
    acts one after another, and formatting a UUID is Python's own slow work."""
    texts: dict[Any, str] = session.info.setdefault(_IDS, {})
    text = texts.get(record_id)
    if text is None:
        text = texts[record_id] = str(record_id)
    return text


def index_event(session: Session, kernel: KernelTables, event: Any) -> None:
    """Record a new case, and an act, as the event is stored or replayed."""
    case_id = _id_text(session, event.originator_id)
    if isinstance(event, AggregateCreated):
        officer_id = _text(getattr(event, "officer_id", None))
        kind = _text(getattr(event, "kind", None))
        session.info.setdefault(_CASES, {})[case_id] = (officer_id, kind)
        # Read back in this unit of work from the line above, never from the table: the
        # row goes with the acts' rows, in the statement that numbers them.
        insert_with_the_log(
            session,
            event,
            kernel.audit_cases,
            {
                "case_id": case_id,
                "case_type": case_type(event),
                "officer_id": officer_id,
                "kind": kind,
                "opened_at": event.timestamp,
            },
        )
    act = act_of(event)
    if act is None:
        return
    outcome, actor_id, actor_role, clause = act
    officer_id, kind = _case(session, kernel, case_id)
    asked_of = getattr(event, "case_id", None) if outcome == REFUSED else None
    decision = getattr(event, "decision", None)
    delegation = decision.delegation_id if isinstance(decision, Decision) else None
    insert_numbered(
        session,
        event,
        # Acts are listed in the order the log holds them (shared.arrival).
        kernel.audit_decisions.c.recorded_seq,
        {
            # The act is the stored event of this record at this version.
            "record_id": event.originator_id,
            "record_version": event.originator_version,
            # A refusal is filed under the record it was asked of, where there was one.
            "case_id": str(asked_of) if asked_of else case_id,
            "case_type": case_type(event),
            "event_type": event_type(event),
            "outcome": outcome,
            "officer_id": officer_id,
            "kind": kind,
            "clause": clause,
            "actor_id": actor_id,
            "actor_role": actor_role,
            "delegation_id": str(delegation) if delegation else None,
            "occurred_at": event.timestamp,
        },
    )
