"""ROI's request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from services.roi.domain.rules import DEFAULT_ROI_PERIOD_MONTHS
from services.roi.domain.values import DesignationReason
from shared.api.schemas import Code, Rationale, Text
from shared.roles import Role

QuarterText = Annotated[str, StringConstraints(pattern=r"^\d{4}-Q[1-4]$")]


class DesignationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    course_code: Code
    title: Text
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
    version: int
