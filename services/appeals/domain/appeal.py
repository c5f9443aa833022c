"""An appeal against a posting decision (L1800 3.10.1): lodged in writing with grounds,
assigned to be heard at the appropriate level, decided finally, withdrawn by the appellant,
or closed because the decision it was against is no longer in force."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from services.appeals.domain.rules.s3_10_appeals import (
    AppealIsHeardBeforeItIsDecided,
    OneOutcomePerAppeal,
    OnlyTheAppellantWithdraws,
    OnlyTheAssignedHearerDecides,
)
from shared.ledger import Decision, DecisionEvent
from shared.roles import Role


class Appeal(Aggregate):
    class Lodged(Aggregate.Created):
        posting_id: UUID
        officer_id: str
        appellant_id: str
        appellant_role: Role
        grounds: str
        #: The last day in time, decided when the appeal was lodged (None: the decision
        #: had not been notified, so no window had started).
        deadline: date | None
        late_exception: bool

        personal_fields: ClassVar[frozenset[str]] = frozenset({"grounds"})

    class Assigned(DecisionEvent):
        """The Head of Resourcing arranges for the appeal to be heard (3.10.1)."""

        hearer_id: str
        level: str

        def apply(self, aggregate: Appeal) -> None:
            aggregate.hearer_id = self.hearer_id
            aggregate.state = "assigned"

    class EvidenceAdded(Aggregate.Event):
        kind: str  # "evidence" or "submission"
        content: str
        actor_id: str
        actor_role: Role

        personal_fields: ClassVar[frozenset[str]] = frozenset({"content"})

    class Decided(DecisionEvent):
        """Upheld or dismissed: final (L1800 3.10.1). Names the posting decision, which
        postings sets aside when the appeal is upheld."""

        posting_id: UUID
        outcome: str

        def apply(self, aggregate: Appeal) -> None:
            aggregate.outcome = self.outcome
            aggregate.state = "decided"

    class Withdrawn(Aggregate.Event):
        actor_id: str
        actor_role: Role

        def apply(self, aggregate: Appeal) -> None:
            aggregate.state = "withdrawn"

    class Closed(Aggregate.Event):
        """The posting decision appealed against was withdrawn, or set aside on another
        appeal, before this one was decided: there is nothing left to decide."""

        #: "posting_withdrawn" or "posting_set_aside".
        reason: str
        #: Postings' feed position of the event that closed it.
        posting_event: int

        def apply(self, aggregate: Appeal) -> None:
            aggregate.state = "closed"

    def __init__(
        self,
        *,
        posting_id: UUID,
        officer_id: str,
        appellant_id: str,
        appellant_role: Role,
        grounds: str,
        deadline: date | None,
        late_exception: bool,
    ) -> None:
        self.posting_id = posting_id
        self.officer_id = officer_id
        self.appellant_id = appellant_id
        self.appellant_role = appellant_role
        self.state = "lodged"
        self.hearer_id: str | None = None
        self.outcome: str | None = None

    @classmethod
    def lodge(
        cls,
        *,
        posting_id: UUID,
        officer_id: str,
        appellant_id: str,
        appellant_role: Role,
        grounds: str,
        deadline: date | None,
        late_exception: bool,
        at: datetime,
    ) -> Appeal:
        return cls._create(
            cls.Lodged,
            timestamp=at,
            posting_id=posting_id,
            officer_id=officer_id,
            appellant_id=appellant_id,
            appellant_role=appellant_role,
            grounds=grounds,
            deadline=deadline,
            late_exception=late_exception,
        )

    @property
    def is_open(self) -> bool:
        return self.state in ("lodged", "assigned")

    def _must_be_open(self) -> None:
        if not self.is_open:
            OneOutcomePerAppeal.refuse(f"the appeal is {self.state}: the appeal decision is final")

    def assign(self, *, hearer_id: str, level: str, decision: Decision, at: datetime) -> None:
        self._must_be_open()
        self.trigger_event(
            self.Assigned, timestamp=at, decision=decision, hearer_id=hearer_id, level=level
        )

    def add(
        self, *, kind: str, content: str, actor_id: str, actor_role: Role, at: datetime
    ) -> None:
        self._must_be_open()
        self.trigger_event(
            self.EvidenceAdded,
            timestamp=at,
            kind=kind,
            content=content,
            actor_id=actor_id,
            actor_role=actor_role,
        )

    def decide(self, *, outcome: str, decision: Decision, at: datetime) -> None:
        self._must_be_open()
        if self.hearer_id is None:
            AppealIsHeardBeforeItIsDecided.refuse(
                "the appeal has not been assigned to be heard yet"
            )
        if decision.actor_id != self.hearer_id:
            OnlyTheAssignedHearerDecides.forbid(
                "only the person assigned to hear the appeal decides it"
            )
        self.trigger_event(
            self.Decided,
            timestamp=at,
            decision=decision,
            posting_id=self.posting_id,
            outcome=outcome,
        )

    def withdraw(self, *, actor_id: str, actor_role: Role, at: datetime) -> None:
        if actor_id != self.appellant_id:
            OnlyTheAppellantWithdraws.forbid("only the appellant withdraws their appeal")
        self._must_be_open()
        self.trigger_event(self.Withdrawn, timestamp=at, actor_id=actor_id, actor_role=actor_role)

    def close(self, *, reason: str, posting_event: int, at: datetime) -> None:
        """Only an open appeal is closed; one already decided or withdrawn stands."""
        if self.is_open:
            self.trigger_event(
                self.Closed, timestamp=at, reason=reason, posting_event=posting_event
            )
