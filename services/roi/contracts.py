"""What ROI publishes on its feed (version 1 of each), mapped from its events. ROI holds no
Professional Standards or welfare data: every reader sees the same."""

from __future__ import annotations

from datetime import date

from services.roi.domain.commitment import Commitment
from services.roi.domain.course_record import CourseRecord
from services.roi.domain.designation import CourseDesignation
from shared.contracts import Contract, ContractMap, DecisionV1
from shared.disposal import publish_disposal
from shared.refusals import publish_refusals
from shared.roles import Role

contracts = ContractMap()
publish_disposal(contracts)
publish_refusals(contracts)


class CourseDesignatedV1(Contract):
    """A course carrying an ROI requirement (L1800 3.9.1), or designated exceptionally
    (3.9.2)."""

    TYPE = "CourseDesignation.Designated"
    course_code: str
    title: str
    quarter: str
    reasons: list[str]
    proposed_by: list[str]
    period_months: int
    decision: DecisionV1


@contracts.maps(CourseDesignation.Designated, CourseDesignatedV1)
def _designated(event: CourseDesignation.Designated, reader: Role) -> CourseDesignatedV1:
    return CourseDesignatedV1(
        course_code=event.course_code,
        title=event.title,
        quarter=str(event.quarter),
        reasons=[r.value for r in event.reasons],
        proposed_by=[r.value for r in event.proposed_by],
        period_months=event.period_months,
        decision=DecisionV1.of(event.decision),
    )


class CommitmentEnrolledV1(Contract):
    TYPE = "Commitment.Enrolled"
    officer_id: str
    designation_id: str
    course_code: str
    starts_on: date
    ends_on: date
    period_months: int
    planned_period_ends_on: date
    actor_id: str
    actor_role: str


@contracts.maps(Commitment.Enrolled, CommitmentEnrolledV1)
def _enrolled(event: Commitment.Enrolled, reader: Role) -> CommitmentEnrolledV1:
    return CommitmentEnrolledV1(
        officer_id=event.officer_id,
        designation_id=str(event.designation_id),
        course_code=event.course_code,
        starts_on=event.starts_on,
        ends_on=event.ends_on,
        period_months=event.period_months,
        planned_period_ends_on=event.planned_period_ends_on,
        actor_id=event.actor_id,
        actor_role=event.actor_role.value,
    )


class CommitmentNoticeRecordedV1(Contract):
    """When the officer was told; ``binds`` is null for notices recorded before whether it
    binds was kept (then: told strictly before the course's first day)."""

    TYPE = "Commitment.NoticeRecorded"
    notified_on: date
    binds: bool | None
    actor_id: str
    actor_role: str


@contracts.maps(Commitment.NoticeRecorded, CommitmentNoticeRecordedV1)
def _notice(event: Commitment.NoticeRecorded, reader: Role) -> CommitmentNoticeRecordedV1:
    return CommitmentNoticeRecordedV1(
        notified_on=event.notified_on,
        binds=event.binds,
        actor_id=event.actor_id,
        actor_role=event.actor_role.value,
    )


class CommitmentCompletedV1(Contract):
    """The course completed: the ROI period's last day and whether it binds, as decided
    then (null only for completions recorded before they were kept)."""

    TYPE = "Commitment.Completed"
    completed_on: date
    period_ends_on: date | None
    binds: bool | None
    actor_id: str
    actor_role: str


@contracts.maps(Commitment.Completed, CommitmentCompletedV1)
def _completed(event: Commitment.Completed, reader: Role) -> CommitmentCompletedV1:
    return CommitmentCompletedV1(
        completed_on=event.completed_on,
        period_ends_on=event.period_ends_on,
        binds=event.binds,
        actor_id=event.actor_id,
        actor_role=event.actor_role.value,
    )


class CommitmentEndedV1(Contract):
    TYPE = "Commitment.Ended"
    reason: str
    decision: DecisionV1


@contracts.maps(Commitment.Ended, CommitmentEndedV1)
def _ended(event: Commitment.Ended, reader: Role) -> CommitmentEndedV1:
    return CommitmentEndedV1(reason=event.reason, decision=DecisionV1.of(event.decision))


class CommitmentLocalCaseMadeV1(Contract):
    TYPE = "Commitment.LocalCaseMade"
    to_location: str
    decision: DecisionV1


@contracts.maps(Commitment.LocalCaseMade, CommitmentLocalCaseMadeV1)
def _local_case(event: Commitment.LocalCaseMade, reader: Role) -> CommitmentLocalCaseMadeV1:
    return CommitmentLocalCaseMadeV1(
        to_location=event.to_location, decision=DecisionV1.of(event.decision)
    )


class CommitmentReleasedV1(Contract):
    """Released early for one move (L1800 3.9.3)."""

    TYPE = "Commitment.Released"
    to_location: str
    route: str
    decision: DecisionV1


@contracts.maps(Commitment.Released, CommitmentReleasedV1)
def _released(event: Commitment.Released, reader: Role) -> CommitmentReleasedV1:
    return CommitmentReleasedV1(
        to_location=event.to_location, route=event.route, decision=DecisionV1.of(event.decision)
    )


class CourseRecordOpenedV1(Contract):
    TYPE = "CourseRecord.Opened"
    officer_id: str
    course_code: str


@contracts.maps(CourseRecord.Opened, CourseRecordOpenedV1)
def _record(event: CourseRecord.Opened, reader: Role) -> CourseRecordOpenedV1:
    return CourseRecordOpenedV1(officer_id=event.officer_id, course_code=event.course_code)


class CourseRecordCommitmentStartedV1(Contract):
    TYPE = "CourseRecord.CommitmentStarted"
    commitment_id: str


@contracts.maps(CourseRecord.CommitmentStarted, CourseRecordCommitmentStartedV1)
def _started(
    event: CourseRecord.CommitmentStarted, reader: Role
) -> CourseRecordCommitmentStartedV1:
    return CourseRecordCommitmentStartedV1(commitment_id=str(event.commitment_id))
