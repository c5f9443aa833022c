"""An officer's commitment to stay in post after a designated course (L1800 3.9): enrolled,
told before the start, completed (which sets the ROI period) or withdrawn, and possibly
released early for a named move."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from eventsourcing.domain import Aggregate

from services.roi.domain.rules import notice_binds, roi_period_ends_on
from shared.errors import Conflict
from shared.ledger import Decision, DecisionEvent
from shared.roles import Role


class Commitment(Aggregate):
    class Enrolled(Aggregate.Created):
        officer_id: str
        designation_id: UUID
        course_code: str
        starts_on: date
        ends_on: date
        period_months: int
        actor_id: str
        actor_role: Role

    class NoticeRecorded(Aggregate.Event):
        """The officer was told of the ROI requirement (L1800 3.9.2)."""

        notified_on: date
        actor_id: str
        actor_role: Role

        def apply(self, aggregate: Commitment) -> None:
            aggregate.notified_on = self.notified_on

    class Completed(Aggregate.Event):
        completed_on: date
        actor_id: str
        actor_role: Role

        def apply(self, aggregate: Commitment) -> None:
            aggregate.completed_on = self.completed_on
            aggregate.state = "completed"

    class Ended(DecisionEvent):
        """Withdrawn or not completed: no ROI period follows."""

        reason: str  # "withdrawn" or "not_completed"

        def apply(self, aggregate: Commitment) -> None:
            aggregate.state = self.reason

    class LocalCaseMade(DecisionEvent):
        """The Head of Department's case for a local move before the period ends (3.9.3)."""

        to_location: str

        def apply(self, aggregate: Commitment) -> None:
            aggregate.local_case = self.to_location

    class Released(DecisionEvent):
        """Released early for one move: by the Force Resourcing Panel, or for a local move
        signed off by the Head of Resourcing (L1800 3.9.3)."""

        to_location: str
        route: str  # "force_resourcing_panel" or "local"

        def apply(self, aggregate: Commitment) -> None:
            aggregate.released_for = self.to_location

    def __init__(
        self,
        *,
        officer_id: str,
        designation_id: UUID,
        course_code: str,
        starts_on: date,
        ends_on: date,
        period_months: int,
        actor_id: str,
        actor_role: Role,
    ) -> None:
        self.officer_id = officer_id
        self.designation_id = designation_id
        self.course_code = course_code
        self.starts_on = starts_on
        self.ends_on = ends_on
        self.period_months = period_months
        self.notified_on: date | None = None
        self.completed_on: date | None = None
        self.state = "enrolled"
        self.local_case: str | None = None
        self.released_for: str | None = None

    # -- what binds -------------------------------------------------------------------------

    @property
    def binds(self) -> bool:
        """Flagged commitments (told late or never) are kept but do not bind."""
        return notice_binds(notified_on=self.notified_on, starts_on=self.starts_on)

    @property
    def period_ends_on(self) -> date | None:
        """The last day of the ROI period; while the course runs, its planned end."""
        if self.state in ("withdrawn", "not_completed"):
            return None
        end = self.completed_on or self.ends_on
        return roi_period_ends_on(completed_on=end, period_months=self.period_months)

    def bound_on(self, day: date) -> bool:
        ends = self.period_ends_on
        return self.binds and ends is not None and self.starts_on <= day <= ends

    # -- commands ---------------------------------------------------------------------------

    @classmethod
    def enrol(
        cls,
        *,
        officer_id: str,
        designation_id: UUID,
        course_code: str,
        starts_on: date,
        ends_on: date,
        period_months: int,
        actor_id: str,
        actor_role: Role,
        at: datetime,
    ) -> Commitment:
        return cls._create(
            cls.Enrolled,
            timestamp=at,
            officer_id=officer_id,
            designation_id=designation_id,
            course_code=course_code,
            starts_on=starts_on,
            ends_on=ends_on,
            period_months=period_months,
            actor_id=actor_id,
            actor_role=actor_role,
        )

    def record_notice(
        self, *, notified_on: date, actor_id: str, actor_role: Role, at: datetime
    ) -> None:
        if self.notified_on is not None:
            raise Conflict("the notice to the officer is already recorded")
        self.trigger_event(
            self.NoticeRecorded,
            timestamp=at,
            notified_on=notified_on,
            actor_id=actor_id,
            actor_role=actor_role,
        )

    def complete(
        self, *, completed_on: date, actor_id: str, actor_role: Role, at: datetime
    ) -> None:
        if self.state != "enrolled":
            raise Conflict(f"the commitment is {self.state}")
        self.trigger_event(
            self.Completed,
            timestamp=at,
            completed_on=completed_on,
            actor_id=actor_id,
            actor_role=actor_role,
        )

    def end(self, *, reason: str, decision: Decision, at: datetime) -> None:
        if self.state != "enrolled":
            raise Conflict(f"the commitment is {self.state}")
        self.trigger_event(self.Ended, timestamp=at, decision=decision, reason=reason)

    def make_local_case(self, *, to_location: str, decision: Decision, at: datetime) -> None:
        self.trigger_event(
            self.LocalCaseMade, timestamp=at, decision=decision, to_location=to_location
        )

    def release(self, *, to_location: str, route: str, decision: Decision, at: datetime) -> None:
        if self.released_for is not None:
            raise Conflict(f"already released for a move to {self.released_for}")
        self.trigger_event(
            self.Released, timestamp=at, decision=decision, to_location=to_location, route=route
        )
