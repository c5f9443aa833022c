"""Delegations by the Director of HR ('or appropriate delegate': L1800 3.1.1, 3.2.1, 3.3.1,
3.7.1, 3.9.2). A decision taken by a delegate names the delegation it relies on."""

from __future__ import annotations

from datetime import date, datetime

from eventsourcing.domain import Aggregate

from services.postings.domain.kinds import Power
from services.postings.domain.rules import delegation_period_must_be_ordered
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
        refuse_if(delegation_period_must_be_ordered(valid_from, valid_to))
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
        self.trigger_event(self.Revoked, timestamp=at, decision=decision)
