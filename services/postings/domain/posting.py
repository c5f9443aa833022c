"""A posting: one officer's move, from the decision through its date to the move itself.

Every kind of posting (L1800 3.3-3.8) is a Posting; what differs is who may decide it,
what its decision must record, and whether its date needs the panel. The application
decides which; the aggregate keeps the sequence straight."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from services.postings.domain.details import PostingDetails, details_from_v1
from services.postings.domain.kinds import NoticeMeans, PostingKind, PostingState
from services.postings.domain.rules.s3_1_general import (
    PostingIsCarriedForwardOnlyWhileOnItsWay,
    PostingIsWithdrawnBeforeItTakesEffect,
)
from services.postings.domain.rules.s3_4_selection import (
    DateIsConfirmedBeforeTheMove,
    DelayMovesTheDateLater,
    PostingDateIsConfirmedOnce,
    PostingIsOnlyDeferredWhileAwaitingItsDate,
)
from services.postings.domain.rules.s3_10_appeals import (
    NoticeIsRecordedAsItWasGiven,
    PostingIsSetAsideOnce,
)
from shared.clock import london_date
from shared.errors import refuse_if
from shared.ledger import Decision, DecisionEvent
from shared.roles import Role
from shared.rules.base import Rule


def notification_started_window(
    recorded: bool | None, *, officer_id: str, recipients: list[str], already_notified: bool
) -> bool:
    """Whether a notification started the appeal window: as recorded on it, or, for one
    stored before the outcome was recorded (version 1), the rule of that time, frozen here:
    the first notification whose recipients include the officer."""
    if recorded is not None:
        return recorded
    return not already_notified and officer_id in recipients


class Posting(Aggregate):
    class Decided(DecisionEvent, Aggregate.Created):
        kind: PostingKind
        officer_id: str
        division: str
        from_location: str
        to_location: str
        #: Set when no panel is needed (re-deployment within a division, 3.6.1).
        posting_date: date | None
        #: What this kind of posting records besides: its flow's terms (None once the
        #: officer's personal data is disposed of).
        details: PostingDetails | None

        personal_fields: ClassVar[frozenset[str]] = frozenset({"details"})
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # Version 1 kept the same terms in a plain mapping.
            state["details"] = details_from_v1(state["kind"], state["details"])

    class DateConfirmed(DecisionEvent):
        """By a panel sitting, or by the Head of Resourcing outside one (L1800 3.4.2)."""

        posting_date: date
        sitting_id: UUID | None

        def apply(self, aggregate: Posting) -> None:
            aggregate.posting_date = self.posting_date
            aggregate.state = PostingState.DATE_CONFIRMED

    class Deferred(DecisionEvent):
        """A sitting put off setting the date (L1800 3.4.2-3.4.3)."""

        sitting_id: UUID

    class Delayed(DecisionEvent):
        """A confirmed date moved later to meet organisational need (L1800 3.4.3)."""

        posting_date: date

        def apply(self, aggregate: Posting) -> None:
            aggregate.posting_date = self.posting_date

    class NoticeShortenedByAgreement(Aggregate.Event):
        """The officer agreed to a shorter notice period (L1800 3.7.2)."""

        agreed_days: int
        actor_id: str
        actor_role: Role

        def apply(self, aggregate: Posting) -> None:
            aggregate.agreed_notice_days = self.agreed_days

    class OfficerNotified(Aggregate.Event):
        """The decision was given to these recipients. Whether this notification started
        the officer's 14 days to appeal (L1800 3.10.1) was decided when it was recorded
        and is carried here, so nothing that reads it re-runs that rule."""

        #: When the decision was given to them; the event's own timestamp is when it was
        #: recorded, and ``actor_id`` who recorded it.
        notified_at: datetime
        recipients: list[str]
        content: str
        actor_id: str
        actor_role: Role
        #: None only in notifications stored before version 2 (see ``window_started``).
        starts_appeal_window: bool | None
        #: How it was given (version 3).
        how: NoticeMeans

        personal_fields: ClassVar[frozenset[str]] = frozenset({"content"})
        class_version = 3

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # Version 1 did not record the outcome; it is left unknown rather than guessed
            # from this event alone (it depends on the notifications before it).
            state["starts_appeal_window"] = None

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            # Until version 3 a notice was recorded as it was given, through this system.
            state["how"] = NoticeMeans.THIS_SYSTEM

        def window_started(self, *, officer_id: str, already_notified: bool) -> bool:
            return notification_started_window(
                self.starts_appeal_window,
                officer_id=officer_id,
                recipients=self.recipients,
                already_notified=already_notified,
            )

        def apply(self, aggregate: Posting) -> None:
            started = self.window_started(
                officer_id=aggregate.officer_id,
                already_notified=aggregate.notified_at is not None,
            )
            if started:
                aggregate.notified_at = self.notified_at

    class Moved(DecisionEvent):
        """The posting took effect: the checks before a move passed (facts on the decision)."""

        moved_on: date

        def apply(self, aggregate: Posting) -> None:
            aggregate.state = PostingState.MOVED
            aggregate.moved_on = self.moved_on

    class SetAside(DecisionEvent):
        """An upheld appeal sets the posting decision aside (L1800 3.10.1): the move is
        cancelled if it has not happened, or a reconsideration is opened if it has."""

        appeal_id: UUID
        effect: str  # "cancelled" or "reconsideration"

        def apply(self, aggregate: Posting) -> None:
            aggregate.state = (
                PostingState.CANCELLED
                if self.effect == "cancelled"
                else PostingState.RECONSIDERATION
            )

    class Withdrawn(DecisionEvent):
        """Withdrawn before it took effect, as a decision with rationale (L1800 3.1.1)."""

        def apply(self, aggregate: Posting) -> None:
            aggregate.state = PostingState.WITHDRAWN

    def __init__(
        self,
        *,
        decision: Decision,
        kind: PostingKind,
        officer_id: str,
        division: str,
        from_location: str,
        to_location: str,
        posting_date: date | None,
        details: PostingDetails | None,
    ) -> None:
        self.kind = kind
        self.officer_id = officer_id
        self.division = division
        self.from_location = from_location
        self.to_location = to_location
        self.details = details
        self.decided_by = decision.actor_id
        #: Three dates, each its own: the day it was decided (London), the likely posting
        #: date the decision named, and the posting date once confirmed (L1800 3.4.2).
        self.decided_on = london_date(self.created_on)
        self.likely_posting_date = decision.effective_date
        self.posting_date = posting_date
        self.state = (
            PostingState.DATE_CONFIRMED if posting_date is not None else PostingState.AWAITING_DATE
        )
        self.agreed_notice_days: int | None = None
        self.notified_at: datetime | None = None
        self.moved_on: date | None = None

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
        posting_date: date | None = None,
        details: PostingDetails,
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
            posting_date=posting_date,
            details=details,
        )

    @property
    def is_open(self) -> bool:
        """On its way: decided, not yet taken effect, withdrawn or set aside."""
        return self.state in (PostingState.AWAITING_DATE, PostingState.DATE_CONFIRMED)

    def _must_be_on_its_way(
        self, rule: type[Rule] = PostingIsCarriedForwardOnlyWhileOnItsWay
    ) -> None:
        if self.state is PostingState.MOVED:
            rule.refuse("the officer has already moved under this posting")
        if self.state in (PostingState.CANCELLED, PostingState.RECONSIDERATION):
            rule.refuse("this posting decision was set aside on appeal")
        if self.state is PostingState.WITHDRAWN:
            rule.refuse("this posting was withdrawn")

    def withdraw(self, *, decision: Decision, at: datetime) -> None:
        self._must_be_on_its_way(PostingIsWithdrawnBeforeItTakesEffect)
        self.trigger_event(self.Withdrawn, timestamp=at, decision=decision)

    def set_aside(self, *, appeal_id: UUID, decision: Decision, at: datetime) -> None:
        if self.state in (PostingState.CANCELLED, PostingState.RECONSIDERATION):
            PostingIsSetAsideOnce.refuse("this posting decision is already set aside")
        if self.state is PostingState.WITHDRAWN:
            PostingIsSetAsideOnce.refuse("this posting was withdrawn before the appeal was decided")
        effect = "reconsideration" if self.state is PostingState.MOVED else "cancelled"
        self.trigger_event(
            self.SetAside, timestamp=at, decision=decision, appeal_id=appeal_id, effect=effect
        )

    def confirm_date(
        self, *, posting_date: date, sitting_id: UUID | None, decision: Decision, at: datetime
    ) -> None:
        self._must_be_on_its_way()
        if self.state is not PostingState.AWAITING_DATE:
            PostingDateIsConfirmedOnce.refuse(
                "this posting's date is already confirmed; delay it instead"
            )
        self.trigger_event(
            self.DateConfirmed,
            timestamp=at,
            decision=decision,
            posting_date=posting_date,
            sitting_id=sitting_id,
        )

    def defer(self, *, sitting_id: UUID, decision: Decision, at: datetime) -> None:
        if self.state is not PostingState.AWAITING_DATE:
            PostingIsOnlyDeferredWhileAwaitingItsDate.refuse(
                "only a posting awaiting its date can be deferred"
            )
        self.trigger_event(self.Deferred, timestamp=at, decision=decision, sitting_id=sitting_id)

    def delay(self, *, posting_date: date, decision: Decision, at: datetime) -> None:
        self._must_be_on_its_way()
        if self.posting_date is None or posting_date <= self.posting_date:
            DelayMovesTheDateLater.refuse("a delay moves a confirmed date later")
        self.trigger_event(self.Delayed, timestamp=at, decision=decision, posting_date=posting_date)

    def agree_shorter_notice(
        self, *, agreed_days: int, actor_id: str, actor_role: Role, at: datetime
    ) -> None:
        self._must_be_on_its_way()
        self.trigger_event(
            self.NoticeShortenedByAgreement,
            timestamp=at,
            agreed_days=agreed_days,
            actor_id=actor_id,
            actor_role=actor_role,
        )

    def notify_officer(
        self,
        *,
        recipients: list[str],
        content: str,
        actor_id: str,
        actor_role: Role,
        at: datetime,
        given_at: datetime | None = None,
        how: NoticeMeans = NoticeMeans.THIS_SYSTEM,
    ) -> None:
        """Record that the decision was given to these recipients: now, through this
        system, or at ``given_at`` outside it. The earliest notice that reached the officer
        starts their appeal window (L1800 3.10.1): a later one is a reminder, one to others
        only (the SLT, HR) does not start it, and one recorded late but given earlier than
        the window's start moves the start back to when it was given."""
        given = given_at or at
        refuse_if(
            NoticeIsRecordedAsItWasGiven.check(
                given_at=given, decided_at=self.created_on, recorded_at=at
            )
        )
        reaches_officer = self.officer_id in recipients
        earliest = self.notified_at is None or given < self.notified_at
        self.trigger_event(
            self.OfficerNotified,
            timestamp=at,
            notified_at=given,
            recipients=recipients,
            content=content,
            actor_id=actor_id,
            actor_role=actor_role,
            starts_appeal_window=reaches_officer and earliest,
            how=how,
        )

    def move(self, *, moved_on: date, decision: Decision, at: datetime) -> None:
        self._must_be_on_its_way()
        if self.state is not PostingState.DATE_CONFIRMED:
            DateIsConfirmedBeforeTheMove.refuse("the posting date is not confirmed yet")
        self.trigger_event(self.Moved, timestamp=at, decision=decision, moved_on=moved_on)
