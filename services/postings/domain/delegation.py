"""Delegations by the Director of HR ('or appropriate delegate': L1800 3.1.1, 3.2.1, 3.3.1,
3.7.1, 3.9.2). A decision taken by a delegate names the delegation it relies on, and the
delegation records that use: so a decision and a revocation sent at once meet at the
delegation's version, and no decision is recorded under a delegation revoked before it."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from eventsourcing.domain import Aggregate

from services.postings.domain.kinds import Power
from services.postings.domain.rules.s3_1_general import (
    DelegationIsRevokedOnce,
    DelegationPeriodMustBeOrdered,
)
from shared.errors import refuse_if
from shared.ledger import Decision, DecisionEvent


class Delegation(Aggregate):
    class Granted(DecisionEvent, Aggregate.Created):
        delegate_id: str
        powers: list[Power]
        valid_from: date
        valid_to: date

    class Revoked(DecisionEvent):
        def apply(self, aggregate: Delegation) -> None:
            aggregate.revoked = True

    class Exercised(Aggregate.Event):
        """A decision relied on the delegation (the decision names it in turn)."""

        power: Power
        #: What was decided: the record the decision is on (a posting, a policy...).
        case_id: UUID
        decided_by: str

        def apply(self, aggregate: Delegation) -> None:
            aggregate.uses += 1
            aggregate.cases.add(self.case_id)

    def __init__(
        self,
        *,
        decision: Decision,
        delegate_id: str,
        powers: list[Power],
        valid_from: date,
        valid_to: date,
    ) -> None:
        self.delegate_id = delegate_id
        self.powers = powers
        self.valid_from = valid_from
        self.valid_to = valid_to
        self.granted_by = decision.actor_id
        self.revoked = False
        self.uses = 0
        #: The records decided under it: a use is recorded once per case.
        self.cases: set[UUID] = set()

    @classmethod
    def grant(
        cls,
        *,
        decision: Decision,
        delegate_id: str,
        powers: list[Power],
        valid_from: date,
        valid_to: date,
        at: datetime,
    ) -> Delegation:
        refuse_if(DelegationPeriodMustBeOrdered.check(valid_from=valid_from, valid_to=valid_to))
        return cls._create(
            cls.Granted,
            timestamp=at,
            decision=decision,
            delegate_id=delegate_id,
            powers=sorted(set(powers), key=lambda p: p.value),
            valid_from=valid_from,
            valid_to=valid_to,
        )

    def revoke(self, *, decision: Decision, at: datetime) -> None:
        if self.revoked:
            DelegationIsRevokedOnce.refuse(f"delegation {self.id} is already revoked")
        self.trigger_event(self.Revoked, timestamp=at, decision=decision)

    def exercise(self, *, power: Power, case_id: UUID, decided_by: str, at: datetime) -> None:
        """Record a decision's reliance, once per case; the caller has checked that the
        delegation covers it (DelegationMustCoverTheDecision)."""
        if case_id in self.cases:
            return
        self.trigger_event(
            self.Exercised, timestamp=at, power=power, case_id=case_id, decided_by=decided_by
        )
