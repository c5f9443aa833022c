"""ROI's request and response bodies."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field, StringConstraints

from services.roi.domain.rules.s3_9_roi import DEFAULT_ROI_PERIOD_MONTHS
from services.roi.domain.values import DesignationReason
from shared import lengths
from shared.api.inputs import RequestBody
from shared.api.schemas import Code, OfficerId, Rationale, Title
from shared.roles import Role

QuarterText = Annotated[
    # The year from 1000: year 0 has no calendar day for the quarter to start on.
    str, StringConstraints(max_length=lengths.QUARTER, pattern=r"^[1-9]\d{3}-Q[1-4]$")
]


class DesignationIn(RequestBody):
    course_code: Code
    title: Title
    quarter: QuarterText = Field(description="The quarter of the priorities process, e.g. 2027-Q1")
    reasons: list[DesignationReason] = Field(min_length=1)
    proposed_by: list[Role] = Field(min_length=1)
    period_months: int = Field(default=DEFAULT_ROI_PERIOD_MONTHS, description="L1800 3.9.2")
    rationale: Rationale


class DesignationOut(BaseModel):
    id: str
    course_code: str
    title: str
    quarter: str
    reasons: list[DesignationReason]
    proposed_by: list[Role]
    period_months: int
    designated_by: str
    designated_at: datetime
    rationale: str
    exceptional: bool
    version: int


class ExceptionalDesignationIn(DesignationIn):
    """Outside the quarterly process, to ensure timeliness (L1800 3.9.2)."""

    delegation_id: UUID | None = Field(
        default=None,
        description="Required unless the caller is the Force Resourcing Panel or Director of HR",
    )


class EnrolmentIn(RequestBody):
    officer_id: OfficerId
    designation_id: UUID
    starts_on: date
    ends_on: date


class NoticeIn(RequestBody):
    notified_on: date = Field(description="The day the officer was told of the ROI requirement")


class CompletionIn(RequestBody):
    completed_on: date


class EndingIn(RequestBody):
    reason: Literal["withdrawn", "not_completed"]
    rationale: Rationale


class ReleaseIn(RequestBody):
    to_location: Code = Field(description="The one move the release allows")
    rationale: Rationale


class SignOffIn(RequestBody):
    rationale: Rationale


class CommitmentOut(BaseModel):
    id: str
    officer_id: str
    designation_id: str
    course_code: str
    starts_on: date
    ends_on: date
    period_months: int
    notified_on: date | None
    completed_on: date | None
    state: str
    binds: bool
    #: Told late or never: kept, but it does not bind (L1800 3.9.2).
    flagged: bool
    period_ends_on: date | None
    local_case_for: str | None
    released_for: str | None
    release_route: str | None
    released_by: str | None
    release_rationale: str | None
    released_at: datetime | None
    version: int


class RoiAnswer(BaseModel):
    """Is the officer bound by an ROI on this day for this move, and why (L1800 3.9)."""

    officer_id: str
    on: date
    to_location: str | None
    bound: bool
    reason: str
    commitments: list[CommitmentOut]


class EligibleCourse(BaseModel):
    course_code: str
    title: str
    quarter: str
    period_months: int
    reasons: list[DesignationReason]
