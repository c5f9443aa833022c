"""One officer's commitments on one course (L1800 3.9.2). It owns the rule that an officer
has one live commitment per course: its id is found from the officer and the course, so two
enrolments at once meet at its version, and only one is recorded."""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate


def course_record_id(officer_id: str, course_code: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"officer-postings:roi-course:{officer_id}:{course_code}")


class CourseRecord(Aggregate):
    class Opened(Aggregate.Created):
        officer_id: str
        course_code: str

    class CommitmentStarted(Aggregate.Event):
        commitment_id: UUID

        def apply(self, aggregate: CourseRecord) -> None:
            aggregate.latest = self.commitment_id
            aggregate.commitments.append(self.commitment_id)

    def __init__(self, *, officer_id: str, course_code: str) -> None:
        self.officer_id = officer_id
        self.course_code = course_code
        #: The last commitment started on the course, and every one in order; whether each
        #: is still live is the commitment's own state (an earlier one completed may still
        #: be in its ROI period after a later one was withdrawn).
        self.latest: UUID | None = None
        self.commitments: list[UUID] = []

    @classmethod
    def open(cls, *, officer_id: str, course_code: str, at: datetime) -> CourseRecord:
        return cls._create(
            cls.Opened,
            id=course_record_id(officer_id, course_code),
            timestamp=at,
            officer_id=officer_id,
            course_code=course_code,
        )

    def start(self, *, commitment_id: UUID, at: datetime) -> None:
        self.trigger_event(self.CommitmentStarted, timestamp=at, commitment_id=commitment_id)
