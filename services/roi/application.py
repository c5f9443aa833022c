"""The ROI application: one method per command, and the answer to postings' question."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar
from uuid import UUID

from services.roi.clients.postings import DelegationQuestion
from services.roi.domain.commitment import Commitment
from services.roi.domain.designation import CourseDesignation
from services.roi.domain.rules import (
    course_dates_must_be_ordered,
    early_release_needs_its_sign_off,
)
from services.roi.domain.values import DesignationReason, Quarter
from services.roi.projections.tables import kernel as roi_kernel
from shared.clock import Clock, london_date
from shared.db import Database
from shared.errors import NotPermitted, Unavailable, Violation, refuse_if
from shared.eventstore import LedgerApplication, Projector, check_expected_version
from shared.identity import Principal
from shared.ledger import decided_by
from shared.roles import Role


@dataclass(frozen=True)
class Saved:
    id: UUID
    version: int


class RoiApplication(LedgerApplication):
    name = "Roi"  # the event table is roi_events
    kernel = roi_kernel
    domain_enums: ClassVar[tuple[type[Any], ...]] = (DesignationReason,)
    domain_values: ClassVar[tuple[type[Any], ...]] = (Quarter,)

    def __init__(
        self,
        db: Database,
        *,
        clock: Clock,
        projector: Projector | None = None,
        delegations: DelegationQuestion | None = None,
    ) -> None:
        self.delegations = delegations
        super().__init__(db, clock=clock, projector=projector)

    def _may_designate_exceptionally(
        self, principal: Principal, delegation_id: UUID | None
    ) -> UUID | None:
        """The Force Resourcing Panel, the Director of HR, or a delegate whose delegation
        from the Director covers exceptional ROI today (L1800 3.9.2, 3.1.1)."""
        if principal.role in (Role.FORCE_RESOURCING_PANEL, Role.DIRECTOR_OF_HR):
            return None
        if delegation_id is None:
            raise NotPermitted(
                "only the Force Resourcing Panel, the Director of HR or their delegate "
                "designates outside the quarterly process"
            )
        if self.delegations is None:
            raise Unavailable("no postings service to confirm the delegation", service="postings")
        found = self.delegations.violations(
            delegation_id=delegation_id,
            power="exceptional_roi",
            actor_id=principal.subject,
            on=london_date(self.clock.now()),
        )
        if found:
            raise NotPermitted(
                str(found[0]["message"]),
                violations=[
                    Violation(rule=v["rule"], message=v["message"], clause=v.get("clause"))
                    for v in found
                ],
            )
        return delegation_id

    def _saved(self, aggregate: Any) -> Saved:
        self.store(aggregate)
        return Saved(aggregate.id, aggregate.version)

    # -- designations (3.9.1-3.9.2) ----------------------------------------------------------

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
        exceptional: bool = False,
        delegation_id: UUID | None = None,
    ) -> Saved:
        """Record the quarterly resourcing priorities process's designation (3.9.1), or an
        exceptional one outside it by the Force Resourcing Panel or the Director of HR
        (3.9.2)."""
        delegation = (
            self._may_designate_exceptionally(principal, delegation_id) if exceptional else None
        )
        decision = decided_by(
            principal,
            delegation_id=delegation,
            clause="L1800 3.9.2" if exceptional else "L1800 3.9.1",
            rationale=rationale,
            correlation_id=correlation_id,
            facts={
                "quarter": str(quarter),
                "period_months": period_months,
                "outside_quarterly_process": exceptional,
            },
            effective_date=quarter.starts_on,
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
        return self._saved(designation)

    def designation(self, designation_id: UUID) -> CourseDesignation:
        return self.load(designation_id, CourseDesignation, what="designation")

    # -- commitments (3.9.2) ------------------------------------------------------------------

    def commitment(self, commitment_id: UUID) -> Commitment:
        return self.load(commitment_id, Commitment, what="commitment")

    def enrol(
        self,
        *,
        principal: Principal,
        officer_id: str,
        designation_id: UUID,
        starts_on: date,
        ends_on: date,
    ) -> Saved:
        """An officer enrols on a designated course; the period is the designation's."""
        designation = self.designation(designation_id)
        refuse_if(course_dates_must_be_ordered(starts_on=starts_on, ends_on=ends_on))
        commitment = Commitment.enrol(
            officer_id=officer_id,
            designation_id=designation.id,
            course_code=designation.course_code,
            starts_on=starts_on,
            ends_on=ends_on,
            period_months=designation.period_months,
            actor_id=principal.subject,
            actor_role=principal.role,
            at=self.clock.now(),
        )
        return self._saved(commitment)

    def record_notice(
        self,
        *,
        principal: Principal,
        commitment_id: UUID,
        expected_version: int | None,
        notified_on: date,
    ) -> Saved:
        commitment = self.commitment(commitment_id)
        check_expected_version(commitment, expected_version)
        commitment.record_notice(
            notified_on=notified_on,
            actor_id=principal.subject,
            actor_role=principal.role,
            at=self.clock.now(),
        )
        return self._saved(commitment)

    def complete(
        self,
        *,
        principal: Principal,
        commitment_id: UUID,
        expected_version: int | None,
        completed_on: date,
    ) -> Saved:
        """Completion sets the ROI period: end date plus the period (3.9.2)."""
        commitment = self.commitment(commitment_id)
        check_expected_version(commitment, expected_version)
        commitment.complete(
            completed_on=completed_on,
            actor_id=principal.subject,
            actor_role=principal.role,
            at=self.clock.now(),
        )
        return self._saved(commitment)

    def end(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        commitment_id: UUID,
        expected_version: int | None,
        reason: str,
        rationale: str,
    ) -> Saved:
        commitment = self.commitment(commitment_id)
        check_expected_version(commitment, expected_version)
        commitment.end(
            reason=reason,
            decision=decided_by(
                principal, clause="L1800 3.9.2", rationale=rationale, correlation_id=correlation_id
            ),
            at=self.clock.now(),
        )
        return self._saved(commitment)

    # -- early release (3.9.3) ---------------------------------------------------------------

    def release_by_panel(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        commitment_id: UUID,
        to_location: str,
        rationale: str,
    ) -> Saved:
        """The Force Resourcing Panel releases in exceptional operational circumstances."""
        commitment = self.commitment(commitment_id)
        commitment.release(
            to_location=to_location,
            route="force_resourcing_panel",
            decision=decided_by(
                principal,
                clause="L1800 3.9.3",
                rationale=rationale,
                correlation_id=correlation_id,
                facts={"period_ends_on": str(commitment.period_ends_on)},
            ),
            at=self.clock.now(),
        )
        return self._saved(commitment)

    def make_local_case(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        commitment_id: UUID,
        to_location: str,
        rationale: str,
    ) -> Saved:
        """The Head of Department makes the case for a local move (3.9.3)."""
        commitment = self.commitment(commitment_id)
        commitment.make_local_case(
            to_location=to_location,
            decision=decided_by(
                principal, clause="L1800 3.9.3", rationale=rationale, correlation_id=correlation_id
            ),
            at=self.clock.now(),
        )
        return self._saved(commitment)

    def sign_off_local_release(
        self, *, principal: Principal, correlation_id: str, commitment_id: UUID, rationale: str
    ) -> Saved:
        """The Head of Resourcing signs off the Head of Department's case (3.9.3)."""
        commitment = self.commitment(commitment_id)
        refuse_if(early_release_needs_its_sign_off(case_made=commitment.local_case is not None))
        assert commitment.local_case is not None
        commitment.release(
            to_location=commitment.local_case,
            route="local",
            decision=decided_by(
                principal,
                clause="L1800 3.9.3",
                rationale=rationale,
                correlation_id=correlation_id,
                facts={"period_ends_on": str(commitment.period_ends_on)},
            ),
            at=self.clock.now(),
        )
        return self._saved(commitment)
