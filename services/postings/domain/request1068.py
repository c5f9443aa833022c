"""A request to move on development or welfare grounds, on form 1068, from the officer or
from the SLT supporting them (L1800 3.5)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from services.postings.domain.rules.s3_5_requests import RequestIsDecidedOnce
from shared.ledger import Decision, DecisionEvent
from shared.roles import Role


class TransferRequest(Aggregate):
    class Submitted(Aggregate.Created):
        officer_id: str
        division: str
        grounds: str  # "development" or "welfare"
        reasons: str
        roles_sought: list[str]
        locations_sought: list[str]
        actor_id: str
        actor_role: Role

        personal_fields: ClassVar[frozenset[str]] = frozenset({"reasons"})

    class Supported(DecisionEvent):
        """The SLT endorses the report; it goes to HR Resource Planning for the posting
        plan (3.5.4)."""

        def apply(self, aggregate: TransferRequest) -> None:
            aggregate.state = "supported"

    class Declined(DecisionEvent):
        """Not supported: the reasons are told to the officer and the request is placed on
        their personal file (3.5.3)."""

        def apply(self, aggregate: TransferRequest) -> None:
            aggregate.state = "declined"

    class Fulfilled(Aggregate.Event):
        posting_id: UUID

        def apply(self, aggregate: TransferRequest) -> None:
            aggregate.state = "fulfilled"

    def __init__(
        self,
        *,
        officer_id: str,
        division: str,
        grounds: str,
        reasons: str,
        roles_sought: list[str],
        locations_sought: list[str],
        actor_id: str,
        actor_role: Role,
    ) -> None:
        self.officer_id = officer_id
        self.division = division
        self.grounds = grounds
        self.locations_sought = locations_sought
        self.state = "submitted"

    @classmethod
    def submit(
        cls,
        *,
        officer_id: str,
        division: str,
        grounds: str,
        reasons: str,
        roles_sought: list[str],
        locations_sought: list[str],
        actor_id: str,
        actor_role: Role,
        at: datetime,
    ) -> TransferRequest:
        return cls._create(
            cls.Submitted,
            timestamp=at,
            officer_id=officer_id,
            division=division,
            grounds=grounds,
            reasons=reasons,
            roles_sought=roles_sought,
            locations_sought=locations_sought,
            actor_id=actor_id,
            actor_role=actor_role,
        )

    def _must_be_submitted(self) -> None:
        if self.state != "submitted":
            RequestIsDecidedOnce.refuse(f"the request is already {self.state}")

    def support(self, *, decision: Decision, at: datetime) -> None:
        self._must_be_submitted()
        self.trigger_event(self.Supported, timestamp=at, decision=decision)

    def decline(self, *, decision: Decision, at: datetime) -> None:
        self._must_be_submitted()
        self.trigger_event(self.Declined, timestamp=at, decision=decision)

    def fulfil(self, *, posting_id: UUID, at: datetime) -> None:
        if self.state != "supported":
            RequestIsDecidedOnce.refuse(f"the request is already {self.state}")
        self.trigger_event(self.Fulfilled, timestamp=at, posting_id=posting_id)
