"""What appeals' API takes and gives."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel

from shared.api.inputs import RequestBody
from shared.api.schemas import Line, PersonId, Rationale, Text


class _In(RequestBody):
    """The base of this service's request bodies."""


class LodgeIn(_In):
    posting_id: UUID
    grounds: Text


class LatePermissionIn(_In):
    posting_id: UUID
    appellant_id: PersonId
    rationale: Rationale


class AssignIn(_In):
    hearer_id: PersonId
    level: Line
    rationale: Rationale


class ItemIn(_In):
    content: Text


class OutcomeIn(_In):
    outcome: Literal["upheld", "dismissed"]
    rationale: Rationale


class ItemOut(BaseModel):
    kind: str
    content: str
    added_by: str
    added_at: datetime


class AppealOut(BaseModel):
    id: str
    posting_id: str
    posting_kind: str
    officer_id: str
    appellant_id: str
    appellant_role: str
    grounds: str
    lodged_at: datetime
    deadline: date | None
    late_exception: bool
    state: str
    hearer_id: str | None
    level: str | None
    outcome: str | None
    outcome_rationale: str | None
    decided_at: datetime | None
    #: Why an appeal was closed without an outcome (the decision withdrawn or set aside).
    closed_reason: str | None = None
    age_days: int
    items: list[ItemOut] = []
    version: int


class LatePermissionOut(BaseModel):
    id: str
    posting_id: str
    appellant_id: str


class OutcomeCount(BaseModel):
    posting_kind: str
    outcome: str
    appeals: int


class PostingDecisionOut(BaseModel):
    posting_id: str
    officer_id: str
    kind: str
    division: str
    decided_by: str
    decided_role: str
    decided_at: datetime
    clause: str
    posting_date: date | None
    notified_at: datetime | None
    #: "in_force", "withdrawn" or "set_aside", as postings' feed said.
    status: str = "in_force"
