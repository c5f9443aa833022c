"""An HR policy owner's exception allowing one appellant's late appeal against one decision
(L1 2.4)."""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from shared.ledger import Decision, DecisionEvent
from shared.moved_topics import moved


def late_permission_id(posting_id: UUID, appellant_id: str) -> UUID:
    """One permission per decision and appellant, found again from the two."""
    return uuid5(NAMESPACE_URL, f"officer-postings:late-appeal:{posting_id}:{appellant_id}")


class LatePermission(Aggregate):
    class Granted(DecisionEvent, Aggregate.Created):
        posting_id: UUID
        appellant_id: str

    def __init__(self, *, decision: Decision, posting_id: UUID, appellant_id: str) -> None:
        self.posting_id = posting_id
        self.appellant_id = appellant_id

    @classmethod
    def grant(
        cls, *, decision: Decision, posting_id: UUID, appellant_id: str, at: datetime
    ) -> LatePermission:
        return cls._create(
            cls.Granted,
            id=late_permission_id(posting_id, appellant_id),
            timestamp=at,
            decision=decision,
            posting_id=posting_id,
            appellant_id=appellant_id,
        )


# Stored before this class moved out of services.appeals.domain.appeal: its old topic (and
# so its events' topics, which extend it) still resolve here.
moved("services.appeals.domain.appeal:LatePermission", LatePermission)
