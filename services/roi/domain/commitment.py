"""An officer's commitment to stay in post after a designated course (L1800 3.9): enrolled,
told before the start, completed (which sets the ROI period) or ended, and possibly
released early for a named move.

Each event records the outcome decided when it happened: the period's planned end on
enrolment, whether the notice binds, the period's end and whether it binds on completion.
Replaying them never runs today's rules, so a change of rule cannot rewrite history."""

from __future__ import annotations

import calendar
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from services.roi.domain.rules.s3_9_roi import (
    CommitmentEndsOnce,
    EarlyReleaseIsForOneMove,
    NoticeIsRecordedOnce,
    bound_on,
    notice_binds,
    roi_period_ends_on,
)
from shared.ledger import Decision, DecisionEvent
from shared.roles import Role


def _v1_period_end(end: date, months: int) -> date:
    """How version 1 events' periods were read when they were recorded, frozen here: the
    same day ``months`` after the end date, or that month's last day. Today's rule lives in
    the rules module and may change; this does not."""
    month_index = end.month - 1 + months
    year, month = end.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(end.day, calendar.monthrange(year, month)[1]))


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
        #: The period's last day if the course ends as planned (version 2).
        planned_period_ends_on: date

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["planned_period_ends_on"] = _v1_period_end(
                state["ends_on"], state["period_months"]
            )

    class NoticeRecorded(Aggregate.Event):
        """The officer was told of the ROI requirement (L1800 3.9.2), and whether that came
        before the start, so that the commitment binds."""

        notified_on: date
        actor_id: str
        actor_role: Role
        #: None only in version 1 notices, read with the rule of that time.
        binds: bool | None

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["binds"] = None

        def binds_for(self, starts_on: date) -> bool:
            """As recorded; for a version 1 notice, the rule of that time, frozen here:
            told strictly before the first day."""
            return self.binds if self.binds is not None else self.notified_on < starts_on

        def apply(self, aggregate: Commitment) -> None:
            aggregate.notified_on = self.notified_on
            aggregate.binds = self.binds_for(aggregate.starts_on)

    class Completed(Aggregate.Event):
        """The course was completed: the ROI period runs to ``period_ends_on``."""

        completed_on: date
        actor_id: str
        actor_role: Role
        #: None only in version 1 completions, read with the rule of that time.
        period_ends_on: date | None
        binds: bool | None

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["period_ends_on"] = None
            state["binds"] = None

        def period_end(self, period_months: int) -> date:
            if self.period_ends_on is not None:
                return self.period_ends_on
            return _v1_period_end(self.completed_on, period_months)

        def apply(self, aggregate: Commitment) -> None:
            aggregate.completed_on = self.completed_on
            aggregate.state = "completed"
            aggregate.period_ends_on = self.period_end(aggregate.period_months)
            if self.binds is not None:
                aggregate.binds = self.binds

    class Ended(DecisionEvent):
        """Withdrawn or not completed: no ROI period follows."""

        reason: str  # "withdrawn" or "not_completed"

        def apply(self, aggregate: Commitment) -> None:
            aggregate.state = self.reason
            aggregate.period_ends_on = None

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
        planned_period_ends_on: date,
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
        #: Flagged commitments (told late or never) are kept but do not bind.
        self.binds = False
        #: The last day of the ROI period; while the course runs, its planned end.
        self.period_ends_on: date | None = planned_period_ends_on

    def bound_on(self, day: date) -> bool:
        return bound_on(
            binds=self.binds, starts_on=self.starts_on, period_ends_on=self.period_ends_on, on=day
        )

    def live_on(self, day: date) -> bool:
        """Still running, or completed with its period not over on ``day``."""
        if self.state == "enrolled":
            return True
        return (
            self.state == "completed" and self.period_ends_on is not None
        ) and day <= self.period_ends_on

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
            planned_period_ends_on=roi_period_ends_on(
                completed_on=ends_on, period_months=period_months
            ),
        )

    def record_notice(
        self, *, notified_on: date, actor_id: str, actor_role: Role, at: datetime
    ) -> None:
        if self.notified_on is not None:
            NoticeIsRecordedOnce.refuse("the notice to the officer is already recorded")
        self.trigger_event(
            self.NoticeRecorded,
            timestamp=at,
            notified_on=notified_on,
            actor_id=actor_id,
            actor_role=actor_role,
            binds=notice_binds(notified_on=notified_on, starts_on=self.starts_on),
        )

    def complete(
        self, *, completed_on: date, actor_id: str, actor_role: Role, at: datetime
    ) -> None:
        if self.state != "enrolled":
            CommitmentEndsOnce.refuse(f"the commitment is {self.state}")
        self.trigger_event(
            self.Completed,
            timestamp=at,
            completed_on=completed_on,
            actor_id=actor_id,
            actor_role=actor_role,
            period_ends_on=roi_period_ends_on(
                completed_on=completed_on, period_months=self.period_months
            ),
            binds=self.binds,
        )

    def end(self, *, reason: str, decision: Decision, at: datetime) -> None:
        if self.state != "enrolled":
            CommitmentEndsOnce.refuse(f"the commitment is {self.state}")
        self.trigger_event(self.Ended, timestamp=at, decision=decision, reason=reason)

    def make_local_case(self, *, to_location: str, decision: Decision, at: datetime) -> None:
        self.trigger_event(
            self.LocalCaseMade, timestamp=at, decision=decision, to_location=to_location
        )

    def release(self, *, to_location: str, route: str, decision: Decision, at: datetime) -> None:
        if self.released_for is not None:
            EarlyReleaseIsForOneMove.refuse(f"already released for a move to {self.released_for}")
        self.trigger_event(
            self.Released, timestamp=at, decision=decision, to_location=to_location, route=route
        )
