"""A posting: one officer's move, decided, notified and (later) taken into effect."""

from __future__ import annotations

from datetime import datetime

from eventsourcing.domain import Aggregate

from services.postings.domain.kinds import PostingKind, PostingStatus
from shared.ledger import Decision, DecisionEvent
from shared.roles import Role


class Posting(Aggregate):
    class Decided(DecisionEvent, Aggregate.Created):
        kind: PostingKind
        officer_id: str
        division: str
        from_location: str
        to_location: str

    class OfficerNotified(Aggregate.Event):
        """The decision was given to the officer: appeals count their 14 days from here."""

        notified_at: datetime
        recipients: list[str]
        content: str
        actor_id: str
        actor_role: Role

        def apply(self, aggregate: Posting) -> None:
            # The first notification starts the appeal window; later ones are reminders.
            if aggregate.notified_at is None:
                aggregate.notified_at = self.notified_at

    def __init__(
        self,
        *,
        decision: Decision,
        kind: PostingKind,
        officer_id: str,
        division: str,
        from_location: str,
        to_location: str,
    ) -> None:
        self.kind = kind
        self.officer_id = officer_id
        self.division = division
        self.from_location = from_location
        self.to_location = to_location
        self.decided_by = decision.actor_id
        self.posting_date = decision.effective_date
        self.status = PostingStatus.DECIDED
        self.notified_at: datetime | None = None

    @classmethod
    def decide(
        cls,
        *,
        decision: Decision,
        kind: PostingKind,
        officer_id: str,
        division: str,
        from_location: str,
        to_location: str,
        at: datetime,
    ) -> Posting:
        return cls._create(
            cls.Decided,
            timestamp=at,
            decision=decision,
            kind=kind,
            officer_id=officer_id,
            division=division,
            from_location=from_location,
            to_location=to_location,
        )

    def notify_officer(
        self,
        *,
        recipients: list[str],
        content: str,
        actor_id: str,
        actor_role: Role,
        at: datetime,
    ) -> None:
        self.trigger_event(
            self.OfficerNotified,
            timestamp=at,
            notified_at=at,
            recipients=recipients,
            content=content,
            actor_id=actor_id,
            actor_role=actor_role,
        )
