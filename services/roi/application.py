"""The ROI application: its event store and the records its handlers load. What each command
does is in services.roi.handlers."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar
from uuid import UUID

from sqlalchemy import or_, select

from services.roi.domain.commitment import Commitment
from services.roi.domain.course_record import CourseRecord, course_record_id
from services.roi.domain.designation import CourseDesignation
from services.roi.domain.values import DesignationReason, Quarter
from services.roi.projections.tables import commitments
from services.roi.projections.tables import kernel as roi_kernel
from shared.errors import NotFound
from shared.eventstore import LedgerApplication


class RoiApplication(LedgerApplication):
    name = "Roi"  # the event table is roi_events
    kernel = roi_kernel
    domain_enums: ClassVar[tuple[type[Any], ...]] = (DesignationReason,)
    domain_values: ClassVar[tuple[type[Any], ...]] = (Quarter,)

    def designation(self, designation_id: UUID) -> CourseDesignation:
        return self.load(designation_id, CourseDesignation, what="designation")

    def commitment(self, commitment_id: UUID) -> Commitment:
        return self.load(commitment_id, Commitment, what="commitment")

    def course_record(self, officer_id: str, course_code: str) -> CourseRecord | None:
        try:
            return self.load(
                course_record_id(officer_id, course_code), CourseRecord, what="course record"
            )
        except NotFound:
            return None

    def live_commitment_before_records(
        self, officer_id: str, course_code: str, on: date
    ) -> UUID | None:
        """A live commitment of this officer on this course enrolled before the officer's
        record on the course was kept (history older than CourseRecord): running, or its
        period not over on ``on``."""
        c = commitments.c
        row = (
            self.db.sessions()
            .execute(
                select(c.id).where(
                    c.officer_id == officer_id,
                    c.course_code == course_code,
                    or_(
                        c.state == "enrolled",
                        (c.state == "completed") & (c.period_ends_on >= on),
                    ),
                )
            )
            .first()
        )
        return UUID(row.id) if row else None
