"""ROI's commands (L1800 3.9)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal
from uuid import UUID, uuid4

from services.roi.domain.values import DesignationReason, Quarter
from shared.handling import Command
from shared.roles import Role


@dataclass(frozen=True)
class DesignateCourse(Command):
    """By the quarterly resourcing priorities process (3.9.1), or exceptionally outside it
    (3.9.2)."""

    course_code: str
    title: str
    quarter: Quarter
    reasons: list[DesignationReason]
    proposed_by: list[Role]
    period_months: int
    rationale: str
    exceptional: bool = False
    delegation_id: UUID | None = None
    #: Chosen once per request, so that a delegate's reliance recorded with postings
    #: names the designation this request records, however often it is run again.
    designation_id: UUID = field(default_factory=uuid4)

    @classmethod
    def keyed_id(cls) -> str | None:
        # An exceptional designation's preparation records its reliance on a delegation
        # in postings under this id: a repeat must name the same one.
        return "designation_id"


@dataclass(frozen=True)
class Enrol(Command):
    officer_id: str
    designation_id: UUID
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class RecordNotice(Command):
    commitment_id: UUID
    notified_on: date


@dataclass(frozen=True)
class Complete(Command):
    commitment_id: UUID
    completed_on: date


@dataclass(frozen=True)
class EndCommitment(Command):
    commitment_id: UUID
    reason: Literal["withdrawn", "not_completed"]
    rationale: str


@dataclass(frozen=True)
class ReleaseByPanel(Command):
    commitment_id: UUID
    to_location: str
    rationale: str


@dataclass(frozen=True)
class MakeLocalCase(Command):
    commitment_id: UUID
    to_location: str
    rationale: str


@dataclass(frozen=True)
class SignOffLocalRelease(Command):
    commitment_id: UUID
    rationale: str
