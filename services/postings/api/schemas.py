"""Postings' request and response bodies."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from services.postings.domain.kinds import PostingKind, Power, Rank
from shared.api.schemas import Code, Rationale, Text


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OfficerIn(_In):
    officer_id: Code
    name: Text
    rank: Rank
    division: Code
    place_of_duty: Code
    appointed_on: date


class OfficerOut(BaseModel):
    officer_id: str
    name: str
    rank: Rank
    division: str
    place_of_duty: str
    appointed_on: date
    version: int


class DelegationIn(_In):
    delegate_id: Code
    powers: list[Power] = Field(min_length=1)
    valid_from: date
    valid_to: date
    rationale: Rationale


class RevocationIn(_In):
    rationale: Rationale


class DelegationOut(BaseModel):
    id: str
    delegate_id: str
    powers: list[Power]
    valid_from: date
    valid_to: date
    granted_by: str
    rationale: str
    revoked: bool
    version: int


class RedeploymentIn(_In):
    officer_id: Code
    to_location: Code
    posting_date: date
    rationale: Rationale


class NotificationIn(_In):
    recipients: list[Code] = Field(min_length=1, max_length=50)
    content: Text


class PostingOut(BaseModel):
    id: str
    kind: PostingKind
    status: str
    officer_id: str
    division: str
    from_location: str
    to_location: str
    posting_date: date | None
    decided_by: str
    decided_role: str
    decided_at: datetime
    clause: str
    rationale: str
    notified_at: datetime | None
    version: int
