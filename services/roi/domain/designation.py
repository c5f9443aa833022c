"""A course or learning initiative designated, for a quarter, as carrying an ROI requirement
(L1800 3.9.1-3.9.2)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from services.roi.domain.rules.s3_9_roi import (
    DesignationMustBeProposedByTheHeads,
    DesignationMustStateWhy,
    RoiPeriodMustBeSensible,
)
from services.roi.domain.values import DesignationReason, Quarter
from shared.errors import Violation, refuse_if
from shared.ledger import Decision, DecisionEvent
from shared.roles import Role


class CourseDesignation(Aggregate):
    class Designated(DecisionEvent, Aggregate.Created):
        course_code: str
        title: str
        quarter: Quarter
        reasons: list[DesignationReason]
        proposed_by: list[Role]
        period_months: int
        #: Outside the quarterly process (3.9.2), as decided (version 2).
        exceptional: bool

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # Version 1 said so only by the clause its decision rested on.
            state["exceptional"] = state["decision"].clause == "L1800 3.9.2"

    def __init__(
        self,
        *,
        decision: Decision,
        course_code: str,
        title: str,
        quarter: Quarter,
        reasons: list[DesignationReason],
        proposed_by: list[Role],
        period_months: int,
        exceptional: bool,
    ) -> None:
        self.exceptional = exceptional
        self.course_code = course_code
        self.title = title
        self.quarter = quarter
        self.reasons = reasons
        self.proposed_by = proposed_by
        self.period_months = period_months

    @staticmethod
    def terms_broken(
        reasons: list[DesignationReason], proposed_by: list[Role], period_months: int
    ) -> list[Violation]:
        """What the designation's own terms break (3.9.1-3.9.2), asked before anything
        relies on it."""
        return (
            DesignationMustStateWhy.check(reasons)
            + DesignationMustBeProposedByTheHeads.check(proposed_by)
            + RoiPeriodMustBeSensible.check(period_months)
        )

    @classmethod
    def designate(
        cls,
        *,
        decision: Decision,
        course_code: str,
        title: str,
        quarter: Quarter,
        reasons: list[DesignationReason],
        proposed_by: list[Role],
        period_months: int,
        at: datetime,
        exceptional: bool = False,
        id: UUID | None = None,
    ) -> CourseDesignation:
        refuse_if(cls.terms_broken(reasons, proposed_by, period_months))
        return cls._create(
            cls.Designated,
            id=id or uuid4(),
            timestamp=at,
            decision=decision,
            course_code=course_code,
            title=title,
            quarter=quarter,
            reasons=sorted(set(reasons), key=lambda r: r.value),
            proposed_by=sorted(set(proposed_by), key=lambda r: r.value),
            period_months=period_months,
            exceptional=exceptional,
        )
