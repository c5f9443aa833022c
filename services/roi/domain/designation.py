"""A course or learning initiative designated, for a quarter, as carrying an ROI requirement
(L1800 3.9.1-3.9.2)."""

from __future__ import annotations

from datetime import datetime

from eventsourcing.domain import Aggregate

from services.roi.domain.rules.s3_9_roi import (
    DesignationMustBeProposedByTheHeads,
    DesignationMustStateWhy,
    RoiPeriodMustBeSensible,
)
from services.roi.domain.values import DesignationReason, Quarter
from shared.errors import refuse_if
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
    ) -> None:
        self.course_code = course_code
        self.title = title
        self.quarter = quarter
        self.reasons = reasons
        self.proposed_by = proposed_by
        self.period_months = period_months

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
    ) -> CourseDesignation:
        refuse_if(
            DesignationMustStateWhy.check(reasons)
            + DesignationMustBeProposedByTheHeads.check(proposed_by)
            + RoiPeriodMustBeSensible.check(period_months)
        )
        return cls._create(
            cls.Designated,
            timestamp=at,
            decision=decision,
            course_code=course_code,
            title=title,
            quarter=quarter,
            reasons=sorted(set(reasons), key=lambda r: r.value),
            proposed_by=sorted(set(proposed_by), key=lambda r: r.value),
            period_months=period_months,
        )
