"""One appellant's right to appeal one posting decision (L1800 3.10.1: 'the appeal decision
will be final'). It owns the rule that there is one appeal per decision and appellant: its
id is found from the two, so two appeals lodged at once meet at its version, and only one
is recorded. A withdrawn appeal gives the right back, since nothing was decided."""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from services.appeals.domain.rules.s3_10_appeals import OneAppealPerDecisionAndAppellant
from shared.errors import refuse_if


def right_of_appeal_id(posting_id: UUID, appellant_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"officer-postings:right-of-appeal:{posting_id}:{appellant_id}")


class RightOfAppeal(Aggregate):
    class Opened(Aggregate.Created):
        posting_id: UUID
        appellant_id: str

    class Exercised(Aggregate.Event):
        appeal_id: UUID

        def apply(self, aggregate: RightOfAppeal) -> None:
            aggregate.live_appeal = self.appeal_id

    class GivenBack(Aggregate.Event):
        """The appeal was withdrawn before any outcome: the appellant may appeal again."""

        appeal_id: UUID

        def apply(self, aggregate: RightOfAppeal) -> None:
            aggregate.live_appeal = None

    def __init__(self, *, posting_id: UUID, appellant_id: str) -> None:
        self.posting_id = posting_id
        self.appellant_id = appellant_id
        self.live_appeal: UUID | None = None

    @classmethod
    def open(cls, *, posting_id: UUID, appellant_id: str, at: datetime) -> RightOfAppeal:
        return cls._create(
            cls.Opened,
            id=right_of_appeal_id(posting_id, appellant_id),
            timestamp=at,
            posting_id=posting_id,
            appellant_id=appellant_id,
        )

    def exercise(self, *, appeal_id: UUID, at: datetime) -> None:
        refuse_if(OneAppealPerDecisionAndAppellant.check(live_appeal=self.live_appeal))
        self.trigger_event(self.Exercised, timestamp=at, appeal_id=appeal_id)

    def give_back(self, *, appeal_id: UUID, at: datetime) -> None:
        if self.live_appeal == appeal_id:
            self.trigger_event(self.GivenBack, timestamp=at, appeal_id=appeal_id)
