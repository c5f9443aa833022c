"""The decision ledger: what every decision event carries (DOMAIN.md, 'Every decision is an
immutable, reasoned event').

A decision records the rationale (never blank: L1800 3.7.1 'the rationale ... will be fully
documented', 3.7.3 'each case will be documented', 3.5.3), who decided in which role and under
which delegation, the clause it rests on, the facts it relied on as checked at that moment,
when it takes effect and the request it came from. The event's own timestamp is when it
occurred. Nothing is updated in place: a correction is a new decision naming the one it
supersedes.

Personal data: events about an officer name the officer by ``officer_id`` (a pseudonymous
key) and list in ``personal_fields`` the attributes that hold personal data. Together with the
decision's rationale and facts these are what per-officer-key encryption will cover, so that
disposing of an officer's key at the end of retention leaves the non-personal history (kind,
clause, actor, dates, outcome) replayable. See docs/decisions/0003-personal-data-in-events.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from shared.errors import RulesBroken, Violation
from shared.identity import Principal
from shared.roles import Role
from shared.rules.decision_record import (
    DeciderMustBeKnown,
    DecisionMustCiteAClause,
    FactsMustBeRecordable,
    RationaleMustBeDocumented,
)


@dataclass(frozen=True)
class Decision:
    """The reasons and authority behind one decision."""

    rationale: str
    actor_id: str
    actor_role: Role
    clause: str
    facts: dict[str, Any] = field(default_factory=dict)
    delegation_id: UUID | None = None
    effective_date: date | None = None
    correlation_id: str = ""
    supersedes: UUID | None = None

    def __post_init__(self) -> None:
        violations = decision_violations(self)
        if violations:
            raise RulesBroken(violations)


def decided_by(
    principal: Principal,
    *,
    clause: str,
    rationale: str,
    correlation_id: str,
    facts: dict[str, Any] | None = None,
    effective_date: date | None = None,
    delegation_id: UUID | None = None,
    supersedes: UUID | None = None,
) -> Decision:
    """The decision record for a decision the caller takes now."""
    return Decision(
        rationale=rationale,
        actor_id=principal.person_id,
        actor_role=principal.role,
        clause=clause,
        facts=facts or {},
        delegation_id=delegation_id,
        effective_date=effective_date,
        correlation_id=correlation_id,
        supersedes=supersedes,
    )


def decision_violations(decision: Decision) -> list[Violation]:
    """Every way a decision record is incomplete, at once."""
    return (
        RationaleMustBeDocumented.check(rationale=decision.rationale)
        + DeciderMustBeKnown.check(actor_id=decision.actor_id)
        + DecisionMustCiteAClause.check(clause=decision.clause)
        + FactsMustBeRecordable.check(facts=decision.facts)
    )


class DecisionEvent(Aggregate.Event):
    """Base of every event that records a decision."""

    decision: Decision

    #: Attributes of this event holding an officer's personal data (encrypted per officer).
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    #: The rationale and facts are sealed with the officer's key too (ADR 0003), except
    #: where the decision must outlive that key (the disposal itself).
    seal_decision: ClassVar[bool] = True
