"""An officer's commitment on a designated course (L1800 3.9.2): enrolled, told before the
start, completed or ended."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from services.roi.commands import Complete, EndCommitment, Enrol, RecordNotice
from services.roi.domain.commitment import Commitment
from services.roi.domain.course_record import CourseRecord, course_record_id
from services.roi.domain.rules.s3_9_roi import (
    CommitmentFactsAreRecordedOnceTheyHappen,
    CourseDatesMustBeOrdered,
    OneLiveCommitmentPerOfficerAndCourse,
    RoiPeriodEndsOnACalendarDay,
)
from services.roi.handlers.base import RoiHandler
from shared.clock import london_date
from shared.errors import refuse_if
from shared.handling import Actor, Saved
from shared.ledger import decided_by


class EnrolHandler(RoiHandler[Enrol]):
    command = Enrol

    def handle(self, command: Enrol, actor: Actor, prepared: Any) -> Saved:
        """An officer enrols on a designated course; the period is the designation's. One
        live commitment per officer and course: the officer's record on the course is saved
        with the new commitment, so two enrolments at once meet at its version."""
        now = self.app.clock.now()
        designation = self.app.designation(command.designation_id)
        self.app.serialise_on(course_record_id(command.officer_id, designation.course_code))
        record = self.app.course_record(command.officer_id, designation.course_code)
        live: UUID | None
        if record is not None:
            # Every commitment on the course, not only the latest: one completed earlier
            # may still be in its ROI period after a later one was withdrawn.
            earlier = (self.app.commitment(c) for c in record.commitments)
            live = next((c.id for c in earlier if c.live_on(command.starts_on)), None)
        else:
            # Commitments from before officers' course records were kept.
            live = self.app.live_commitment_before_records(
                command.officer_id, designation.course_code, command.starts_on
            )
        refuse_if(
            CourseDatesMustBeOrdered.check(starts_on=command.starts_on, ends_on=command.ends_on)
            + RoiPeriodEndsOnACalendarDay.check(
                ends_on=command.ends_on, period_months=designation.period_months, field="ends_on"
            )
            + OneLiveCommitmentPerOfficerAndCourse.check(
                live=live, course_code=designation.course_code
            )
        )
        commitment = Commitment.enrol(
            officer_id=command.officer_id,
            designation_id=designation.id,
            course_code=designation.course_code,
            starts_on=command.starts_on,
            ends_on=command.ends_on,
            period_months=designation.period_months,
            actor_id=actor.principal.person_id,
            actor_role=actor.principal.role,
            at=now,
        )
        if record is None:
            record = CourseRecord.open(
                officer_id=command.officer_id, course_code=designation.course_code, at=now
            )
        record.start(commitment_id=commitment.id, at=now)
        return self.saved(commitment, record)


class RecordNoticeHandler(RoiHandler[RecordNotice]):
    command = RecordNotice

    def handle(self, command: RecordNotice, actor: Actor, prepared: Any) -> Saved:
        commitment = self.app.commitment(command.commitment_id)
        refuse_if(
            CommitmentFactsAreRecordedOnceTheyHappen.check(
                on=command.notified_on,
                today=london_date(self.app.clock.now()),
                field="notified_on",
            )
        )
        commitment.record_notice(
            notified_on=command.notified_on,
            actor_id=actor.principal.person_id,
            actor_role=actor.principal.role,
            at=self.app.clock.now(),
        )
        return self.saved(commitment)


class CompleteHandler(RoiHandler[Complete]):
    command = Complete

    def handle(self, command: Complete, actor: Actor, prepared: Any) -> Saved:
        """Completion sets the ROI period: end date plus the period (3.9.2), recorded."""
        commitment = self.app.commitment(command.commitment_id)
        refuse_if(
            CommitmentFactsAreRecordedOnceTheyHappen.check(
                on=command.completed_on,
                today=london_date(self.app.clock.now()),
                field="completed_on",
            )
            + CourseDatesMustBeOrdered.check(
                starts_on=commitment.starts_on, ends_on=command.completed_on, field="completed_on"
            )
            + RoiPeriodEndsOnACalendarDay.check(
                ends_on=command.completed_on,
                period_months=commitment.period_months,
                field="completed_on",
            )
        )
        commitment.complete(
            completed_on=command.completed_on,
            actor_id=actor.principal.person_id,
            actor_role=actor.principal.role,
            at=self.app.clock.now(),
        )
        return self.saved(commitment)


class EndCommitmentHandler(RoiHandler[EndCommitment]):
    command = EndCommitment

    def handle(self, command: EndCommitment, actor: Actor, prepared: Any) -> Saved:
        commitment = self.app.commitment(command.commitment_id)
        commitment.end(
            reason=command.reason,
            decision=decided_by(
                actor.principal,
                clause="L1800 3.9.2",
                rationale=command.rationale,
                correlation_id=actor.correlation_id,
            ),
            at=self.app.clock.now(),
        )
        return self.saved(commitment)
