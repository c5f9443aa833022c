"""Designating a course that carries an ROI requirement (L1800 3.9.1), or exceptionally
outside the quarterly process (3.9.2)."""

from __future__ import annotations

from typing import Any

from services.roi.application import RoiApplication
from services.roi.clients.postings import DelegationQuestion
from services.roi.commands import DesignateCourse
from services.roi.domain.designation import CourseDesignation
from services.roi.domain.rules.s3_9_roi import ExceptionalDesignationIsForThePanelOrTheDirector
from services.roi.handlers.base import RoiHandler
from shared.errors import NotPermitted, Unavailable, Violation, refuse_if
from shared.handling import Actor, Saved
from shared.ledger import decided_by
from shared.roles import Role

#: Who designates outside the quarterly process in their own right (3.9.2).
IN_THEIR_OWN_RIGHT = (Role.FORCE_RESOURCING_PANEL, Role.DIRECTOR_OF_HR)


class DesignateCourseHandler(RoiHandler[DesignateCourse]):
    command = DesignateCourse

    def __init__(self, app: RoiApplication, delegations: DelegationQuestion | None) -> None:
        super().__init__(app)
        self.delegations = delegations

    def authorise(self, command: DesignateCourse, actor: Actor) -> None:
        """Outside the quarterly process: the Force Resourcing Panel or the Director of HR
        in their own right, anyone else only naming a delegation (3.9.2)."""
        principal = actor.principal
        exceptional_by_another = command.exceptional and principal.role not in IN_THEIR_OWN_RIGHT
        if exceptional_by_another and command.delegation_id is None:
            ExceptionalDesignationIsForThePanelOrTheDirector.forbid(
                "only the Force Resourcing Panel, the Director of HR or their delegate "
                "designates outside the quarterly process"
            )

    def prepare(self, command: DesignateCourse, actor: Actor) -> list[dict[str, Any]] | None:
        """A delegate's exceptional designation relies on a delegation postings keeps:
        postings records the reliance before this transaction opens (where a revocation
        meets it, so none is relied on after it), or says why it does not cover this. The
        designation's own terms are asked first, so nothing relies on one refused."""
        principal = actor.principal
        if not command.exceptional or principal.role in IN_THEIR_OWN_RIGHT:
            return None
        refuse_if(
            CourseDesignation.terms_broken(
                command.reasons, command.proposed_by, command.period_months
            )
        )
        if self.delegations is None:
            raise Unavailable("no postings service to confirm the delegation", service="postings")
        assert command.delegation_id is not None  # authorised
        return self.delegations.rely_on(
            delegation_id=command.delegation_id,
            power="exceptional_roi",
            actor_id=principal.person_id,
            case_id=command.designation_id,
        )

    def handle(
        self, command: DesignateCourse, actor: Actor, prepared: list[dict[str, Any]] | None
    ) -> Saved:
        if prepared:
            # Postings' own rules, named as postings named them.
            raise NotPermitted(
                str(prepared[0]["message"]),
                violations=[
                    Violation(rule=v["rule"], message=v["message"], clause=v.get("clause"))
                    for v in prepared
                ],
            )
        delegation = command.delegation_id if prepared is not None else None
        decision = decided_by(
            actor.principal,
            delegation_id=delegation,
            clause="L1800 3.9.2" if command.exceptional else "L1800 3.9.1",
            rationale=command.rationale,
            correlation_id=actor.correlation_id,
            facts={
                "quarter": str(command.quarter),
                "period_months": command.period_months,
                "outside_quarterly_process": command.exceptional,
            },
            effective_date=command.quarter.starts_on,
        )
        designation = CourseDesignation.designate(
            decision=decision,
            course_code=command.course_code,
            title=command.title,
            quarter=command.quarter,
            reasons=command.reasons,
            proposed_by=command.proposed_by,
            period_months=command.period_months,
            at=self.app.clock.now(),
            exceptional=command.exceptional,
            id=command.designation_id,
        )
        return self.saved(designation)
