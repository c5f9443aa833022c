"""A sitting of the monthly Resourcing Deployment Panel, which confirms all posting dates
(L1800 3.4.2). Its outcomes are recorded on each posting; the sitting keeps its record."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from eventsourcing.domain import Aggregate

from services.postings.domain.rules.s3_4_selection import (
    OneOutcomePerPostingPerSitting,
    SittingIsOpen,
)
from shared.roles import Role


class PanelSitting(Aggregate):
    class Scheduled(Aggregate.Created):
        sits_on: date
        actor_id: str
        actor_role: Role

    class OutcomeRecorded(Aggregate.Event):
        posting_id: UUID
        outcome: str  # "date_confirmed" or "deferred"

        def apply(self, aggregate: PanelSitting) -> None:
            aggregate.outcomes[self.posting_id] = self.outcome

    class Closed(Aggregate.Event):
        actor_id: str
        actor_role: Role

        def apply(self, aggregate: PanelSitting) -> None:
            aggregate.closed = True

    def __init__(self, *, sits_on: date, actor_id: str, actor_role: Role) -> None:
        self.sits_on = sits_on
        self.outcomes: dict[UUID, str] = {}
        self.closed = False

    @classmethod
    def schedule(
        cls, *, sits_on: date, actor_id: str, actor_role: Role, at: datetime
    ) -> PanelSitting:
        return cls._create(
            cls.Scheduled, timestamp=at, sits_on=sits_on, actor_id=actor_id, actor_role=actor_role
        )

    def record_outcome(self, *, posting_id: UUID, outcome: str, at: datetime) -> None:
        if self.closed:
            SittingIsOpen.refuse("this sitting is closed")
        if posting_id in self.outcomes:
            OneOutcomePerPostingPerSitting.refuse(
                f"this sitting already recorded its outcome for that posting: "
                f"{self.outcomes[posting_id]}"
            )
        self.trigger_event(
            self.OutcomeRecorded, timestamp=at, posting_id=posting_id, outcome=outcome
        )

    def close(self, *, actor_id: str, actor_role: Role, at: datetime) -> None:
        if self.closed:
            SittingIsOpen.refuse("this sitting is already closed")
        self.trigger_event(self.Closed, timestamp=at, actor_id=actor_id, actor_role=actor_role)
