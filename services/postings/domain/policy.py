"""Policy settings, each set by a recorded decision of the Director of HR or delegate."""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, uuid5

from eventsourcing.domain import Aggregate

from shared.ledger import Decision, DecisionEvent

POLICY_ID = uuid5(NAMESPACE_URL, "officer-postings:policy-settings")

#: Interpretation (DOMAIN.md, compulsory postings): a reasonable notice period is 28 days
#: unless the Director of HR sets another.
DEFAULT_NOTICE_DAYS = 28


class PolicySettings(Aggregate):
    class Started(Aggregate.Created):
        pass

    class TravelLimitSet(DecisionEvent):
        """The reasonable travelling distance (L1800 3.2.1)."""

        limit_km: float

        def apply(self, aggregate: PolicySettings) -> None:
            aggregate.travel_limit_km = self.limit_km

    class NoticePeriodSet(DecisionEvent):
        """The reasonable notice period for compulsory postings (L1800 3.7.2)."""

        days: int

        def apply(self, aggregate: PolicySettings) -> None:
            aggregate.notice_days = self.days

    def __init__(self) -> None:
        self.travel_limit_km: float | None = None
        self.notice_days = DEFAULT_NOTICE_DAYS

    @classmethod
    def start(cls, *, at: datetime) -> PolicySettings:
        return cls._create(cls.Started, id=POLICY_ID, timestamp=at)

    def set_travel_limit(self, *, limit_km: float, decision: Decision, at: datetime) -> None:
        self.trigger_event(self.TravelLimitSet, timestamp=at, decision=decision, limit_km=limit_km)

    def set_notice_period(self, *, days: int, decision: Decision, at: datetime) -> None:
        self.trigger_event(self.NoticePeriodSet, timestamp=at, decision=decision, days=days)
