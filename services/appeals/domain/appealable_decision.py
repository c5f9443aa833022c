"""A posting decision as appeals holds it (L1800 3.10.1): whether it is still in force, and
the appeals lodged against it. It owns two rules, so that neither is checked on a read
model: one appeal per decision and appellant, and no appeal against a decision withdrawn
or set aside. Its id is found from the decision, so an appeal lodged and the decision's end
arriving from postings' feed at the same moment meet at its version: either the appeal is
lodged first and closed with the decision, or it is refused."""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from services.appeals.domain.rules.s3_10_appeals import (
    AppealIsAgainstADecisionInForce,
    OneAppealPerDecisionAndAppellant,
)
from shared.errors import Violation, refuse_if


def appealable_decision_id(posting_id: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"officer-postings:appealable-decision:{posting_id}")


class AppealableDecision(Aggregate):
    class Opened(Aggregate.Created):
        posting_id: UUID

    class AppealLodged(Aggregate.Event):
        appeal_id: UUID
        appellant_id: str

        def apply(self, aggregate: AppealableDecision) -> None:
            aggregate.live[self.appellant_id] = self.appeal_id
            aggregate.appeals.append(self.appeal_id)

    class AppealGivenBack(Aggregate.Event):
        """The appeal was withdrawn before any outcome: its appellant may appeal again."""

        appeal_id: UUID
        appellant_id: str

        def apply(self, aggregate: AppealableDecision) -> None:
            if aggregate.live.get(self.appellant_id) == self.appeal_id:
                del aggregate.live[self.appellant_id]

    class Ended(Aggregate.Event):
        """Postings withdrew the decision, or set it aside on an appeal."""

        #: "withdrawn" or "set_aside".
        status: str
        #: Postings' feed position of the event that ended it.
        posting_event: int

        def apply(self, aggregate: AppealableDecision) -> None:
            aggregate.status = self.status

    def __init__(self, *, posting_id: UUID) -> None:
        self.posting_id = posting_id
        self.status = "in_force"
        #: Each appellant's appeal not withdrawn (decided ones stay: the decision is final).
        self.live: dict[str, UUID] = {}
        #: Every appeal lodged against the decision, in order.
        self.appeals: list[UUID] = []

    @classmethod
    def open(cls, *, posting_id: UUID, at: datetime) -> AppealableDecision:
        return cls._create(
            cls.Opened, id=appealable_decision_id(posting_id), timestamp=at, posting_id=posting_id
        )

    def lodge(
        self,
        *,
        appeal_id: UUID,
        appellant_id: str,
        live_before: UUID | None,
        in_time: list[Violation],
        at: datetime,
    ) -> None:
        """``live_before``: an appeal by this appellant lodged before decisions were held
        here (older history), which counts as live too; ``in_time``: the window's verdict,
        refused with the rest so every reason is given at once."""
        refuse_if(
            OneAppealPerDecisionAndAppellant.check(
                live_appeal=self.live.get(appellant_id) or live_before
            )
            + AppealIsAgainstADecisionInForce.check(status=self.status)
            + in_time
        )
        self.trigger_event(
            self.AppealLodged, timestamp=at, appeal_id=appeal_id, appellant_id=appellant_id
        )

    def give_back(self, *, appeal_id: UUID, appellant_id: str, at: datetime) -> None:
        if self.live.get(appellant_id) == appeal_id:
            self.trigger_event(
                self.AppealGivenBack, timestamp=at, appeal_id=appeal_id, appellant_id=appellant_id
            )

    def end(self, *, status: str, posting_event: int, at: datetime) -> None:
        if self.status == "in_force":
            self.trigger_event(self.Ended, timestamp=at, status=status, posting_event=posting_event)
