"""The ROI application: one method per command."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar
from uuid import UUID

from services.roi.domain.designation import CourseDesignation
from services.roi.domain.values import DesignationReason, Quarter
from shared.eventstore import LedgerApplication
from shared.identity import Principal
from shared.ledger import decided_by
from shared.roles import Role


@dataclass(frozen=True)
class Saved:
    id: UUID
    version: int


class RoiApplication(LedgerApplication):
    name = "Roi"  # the event table is roi_events
    domain_enums: ClassVar[tuple[type[Any], ...]] = (DesignationReason,)
    domain_values: ClassVar[tuple[type[Any], ...]] = (Quarter,)

    def designate_course(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        course_code: str,
        title: str,
        quarter: Quarter,
        reasons: list[DesignationReason],
        proposed_by: list[Role],
        period_months: int,
        rationale: str,
    ) -> Saved:
        """Record the quarterly resourcing priorities process's designation (3.9.1)."""
        decision = decided_by(
            principal,
            rationale=rationale,
            clause="L1800 3.9.1",
            facts={"quarter": str(quarter), "period_months": period_months},
            effective_date=quarter.starts_on,
            correlation_id=correlation_id,
        )
        designation = CourseDesignation.designate(
            decision=decision,
            course_code=course_code,
            title=title,
            quarter=quarter,
            reasons=reasons,
            proposed_by=proposed_by,
            period_months=period_months,
            at=self.clock.now(),
        )
        self.store(designation)
        return Saved(designation.id, designation.version)
