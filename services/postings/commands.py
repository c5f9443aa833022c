"""Postings' commands, as small typed objects (L1800 3.1-3.8, L1 2.4). A posting decision
carries its kind's terms as one object (``terms``), not a parameter per field."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal
from uuid import UUID

from services.postings.domain.kinds import NoticeMeans, Power, Rank, WelfareFactor
from services.postings.domain.officer import OfficerChanges
from services.postings.domain.values import GeoPoint
from shared.handling import Command

# -- reference data ------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterOfficer(Command):
    officer_id: str
    name: str
    rank: Rank
    division: str
    place_of_duty: str
    appointed_on: date
    home_town: str | None = None
    home: GeoPoint | None = None
    probation_ends_on: date | None = None
    initial_training_complete: bool = False
    supervisor_id: str | None = None
    skills: list[str] = field(default_factory=list)
    working_pattern: str = "full_time"
    welfare_factors: list[WelfareFactor] = field(default_factory=list)


@dataclass(frozen=True)
class ChangeOfficer(Command):
    officer_id: str
    #: Only the fields given change (names of Officer's changeable details).
    changes: OfficerChanges


@dataclass(frozen=True)
class RecordPdr(Command):
    officer_id: str
    due_on: date
    completed_on: date | None = None


@dataclass(frozen=True)
class RegisterLocation(Command):
    code: str
    name: str
    division: str
    town: str
    lat: float
    lon: float
    kind: str = "station"


@dataclass(frozen=True)
class RegisterUnit(Command):
    code: str
    name: str
    kind: str
    head_id: str | None = None


@dataclass(frozen=True)
class ChangeUnitHead(Command):
    code: str
    head_id: str | None


@dataclass(frozen=True)
class SetEstablishmentTarget(Command):
    division: str
    category: str
    key: str
    target: int


# -- restrictions and exceptions (3.2.2, 3.3.1, L1 2.4) -------------------------------------


@dataclass(frozen=True)
class StatePreferences(Command):
    """The officer's own preferences, first choice first, and what they say about them."""

    officer_id: str
    places: list[str]
    rationale: str


@dataclass(frozen=True)
class RestrictLocation(Command):
    officer_id: str
    location: str
    rationale: str


@dataclass(frozen=True)
class LiftRestriction(Command):
    officer_id: str
    location: str
    rationale: str


@dataclass(frozen=True)
class SupportRestrictionException(Command):
    officer_id: str
    location: str
    rationale: str


@dataclass(frozen=True)
class GrantHomeTownException(Command):
    officer_id: str
    rationale: str
    delegation_id: UUID | None = None


@dataclass(frozen=True)
class GrantPolicyException(Command):
    officer_id: str
    rule: str
    rationale: str


# -- policy and delegations (3.1.1, 3.2.1, 3.7.2) -------------------------------------------


@dataclass(frozen=True)
class SetTravelLimit(Command):
    limit_km: float
    rationale: str
    delegation_id: UUID | None = None


@dataclass(frozen=True)
class SetNoticePeriod(Command):
    days: int
    rationale: str
    delegation_id: UUID | None = None


@dataclass(frozen=True)
class GrantDelegation(Command):
    delegate_id: str
    powers: list[Power]
    valid_from: date
    valid_to: date
    rationale: str


@dataclass(frozen=True)
class RevokeDelegation(Command):
    delegation_id: UUID
    rationale: str


@dataclass(frozen=True)
class RelyOnDelegation(Command):
    """Another service's decision (``case_id``, one of its records) taken by ``actor_id``
    as the Director of HR's delegate relies on this delegation for ``power``."""

    delegation_id: UUID
    power: Power
    actor_id: str
    case_id: UUID


# -- deciding a posting ---------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """What every posting decision says about where the officer goes."""

    officer_id: str
    to_location: str
    likely_posting_date: date
    rationale: str
    travel_justification: str | None = None
    welfare_consideration: str | None = None


@dataclass(frozen=True)
class CompulsoryTerms:
    """Preferences sought or why not, and the reasoning given to the officer (3.7.2)."""

    reasoning_for_officer: str | None
    preferences: list[str] | None
    preferences_not_sought_because: str | None


@dataclass(frozen=True)
class SelectionTerms:
    """The selection process and the officer's local SLT, told in writing (3.4.1)."""

    selection_process: str | None
    slt_recipients: list[str] | None


@dataclass(frozen=True)
class PostingDecision(Command):
    """A decision of one kind of posting: where the officer goes comes first."""

    placement: Placement


@dataclass(frozen=True)
class DecideRedeployment(PostingDecision):
    pass


@dataclass(frozen=True)
class DecideCompulsory(PostingDecision):
    terms: CompulsoryTerms
    delegation_id: UUID | None = None


@dataclass(frozen=True)
class DecideBestInterests(PostingDecision):
    in_interests_of: Literal["individual", "organisation"]


@dataclass(frozen=True)
class DecideSelection(PostingDecision):
    terms: SelectionTerms


@dataclass(frozen=True)
class DecideSenior(PostingDecision):
    """A senior posting follows the compulsory flow or the selection flow (3.8)."""

    terms: CompulsoryTerms | SelectionTerms
    delegation_id: UUID | None = None


@dataclass(frozen=True)
class PostToCollege(PostingDecision):
    """The college intake's date is the placement's date (3.3.1)."""


@dataclass(frozen=True)
class DecideDivisionalPosting(PostingDecision):
    welfare_request: str | None = None


@dataclass(frozen=True)
class ReviewProbation(Command):
    officer_id: str
    outcome: Literal["confirmed", "changed"]
    rationale: str


@dataclass(frozen=True)
class ProposedPosting:
    """One posting of a batch: who goes where, with its own justifications."""

    officer_id: str
    to_location: str
    likely_posting_date: date
    preferences: list[str] | None = None
    preferences_not_sought_because: str | None = None
    travel_justification: str | None = None
    welfare_consideration: str | None = None


@dataclass(frozen=True)
class DecideBatch(Command):
    """Larger-scale migration under one common rationale (3.1.3)."""

    rationale: str
    reasoning_for_officer: str
    postings: list[ProposedPosting]
    delegation_id: UUID | None = None


# -- carrying a posting forward ------------------------------------------------------------


@dataclass(frozen=True)
class SetDateOutsideSitting(Command):
    posting_id: UUID
    posting_date: date
    exceptional_circumstances: str


@dataclass(frozen=True)
class DelayPosting(Command):
    posting_id: UUID
    posting_date: date
    rationale: str


@dataclass(frozen=True)
class AgreeShorterNotice(Command):
    posting_id: UUID
    agreed_days: int


@dataclass(frozen=True)
class NotifyOfficer(Command):
    """The decision given to the officer and others: now through this system, or earlier
    outside it (``given_at``, ``how``) and recorded now."""

    posting_id: UUID
    recipients: list[str]
    content: str
    given_at: datetime | None = None
    how: NoticeMeans = NoticeMeans.THIS_SYSTEM


@dataclass(frozen=True)
class MoveOfficer(Command):
    posting_id: UUID
    rationale: str


@dataclass(frozen=True)
class WithdrawPosting(Command):
    posting_id: UUID
    rationale: str


@dataclass(frozen=True)
class SetAsideAfterAppeal(Command):
    """Appeals upheld an appeal against the posting (from its feed)."""

    posting_id: UUID
    appeal_id: UUID
    #: The appeal decision as appeals published it (its rationale, decider, request).
    rationale: str
    actor_id: str
    actor_role: str
    correlation_id: str


# -- the panel (3.4.2) ---------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleSitting(Command):
    sits_on: date


@dataclass(frozen=True)
class RecordSittingOutcome(Command):
    sitting_id: UUID
    posting_id: UUID
    outcome: Literal["date_confirmed", "deferred"]
    rationale: str
    posting_date: date | None = None


@dataclass(frozen=True)
class CloseSitting(Command):
    sitting_id: UUID


# -- 1068 requests (3.5) -------------------------------------------------------------------


@dataclass(frozen=True)
class SubmitRequest(Command):
    officer_id: str
    grounds: Literal["development", "welfare"]
    reasons: str
    roles_sought: list[str] = field(default_factory=list)
    locations_sought: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SupportRequest(Command):
    request_id: UUID
    rationale: str


@dataclass(frozen=True)
class DeclineRequest(Command):
    request_id: UUID
    rationale: str


@dataclass(frozen=True)
class DecideRequestPosting(Command):
    request_id: UUID
    to_location: str
    likely_posting_date: date
    rationale: str
    travel_justification: str | None = None
    welfare_consideration: str | None = None
