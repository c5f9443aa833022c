"""Postings' request and response bodies."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from services.postings.domain.kinds import (
    NoticeMeans,
    PostingKind,
    PostingState,
    Power,
    Rank,
    WelfareFactor,
)
from shared import lengths
from shared.api.inputs import RequestBody
from shared.api.schemas import Code, Name, OfficerId, PersonId, Rationale, Text, without_null

Km = Annotated[float, Field(gt=0, le=500)]
OptionalText = Annotated[str | None, Field(default=None, max_length=lengths.TEXT)]


class _In(RequestBody):
    """The base of this service's request bodies."""


class Home(RequestBody):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class OfficerIn(_In):
    officer_id: OfficerId
    name: Name
    rank: Rank
    division: Code
    place_of_duty: Code
    appointed_on: date
    home_town: Code | None = None
    home: Home | None = None
    probation_ends_on: date | None = None
    initial_training_complete: bool = False
    supervisor_id: OfficerId | None = None
    skills: list[Code] = Field(default_factory=list, max_length=100)
    working_pattern: Literal["full_time", "part_time", "flexible"] = "full_time"
    welfare_factors: list[WelfareFactor] = Field(default_factory=list)


#: What an officer always has: a change may give a new value, never null (null clears only
#: what may be absent: a home town, a probation end...).
NEVER_NULL = (
    "name",
    "rank",
    "division",
    "initial_training_complete",
    "skills",
    "working_pattern",
    "welfare_factors",
)


def _documented_never_null(schema: dict[str, Any]) -> None:
    """The documented form of ``NEVER_NULL``: those fields' schemas without their null."""
    for name in NEVER_NULL:
        without_null(schema.get("properties", {}).get(name, {}))


class OfficerChangesIn(_In):
    """Only the fields given change; each change is an event."""

    model_config = ConfigDict(json_schema_extra=_documented_never_null)

    name: Name | None = None
    rank: Rank | None = None
    division: Code | None = None
    home_town: Code | None = None
    home: Home | None = None
    probation_ends_on: date | None = None
    initial_training_complete: bool | None = None
    supervisor_id: OfficerId | None = None
    skills: list[Code] | None = Field(default=None, max_length=100)
    working_pattern: Literal["full_time", "part_time", "flexible"] | None = None
    welfare_factors: list[WelfareFactor] | None = None

    @model_validator(mode="after")
    def _no_null_for_required(self) -> OfficerChangesIn:
        nulled = [f for f in NEVER_NULL if f in self.model_fields_set and getattr(self, f) is None]
        if nulled:
            raise ValueError(f"these cannot be null: {', '.join(nulled)}")
        return self


class OfficerOut(BaseModel):
    officer_id: str
    name: str
    rank: Rank
    division: str
    place_of_duty: str
    appointed_on: date
    probation_ends_on: date | None
    initial_training_complete: bool
    supervisor_id: str | None
    skills: list[str]
    #: Part-time or flexible working is a welfare factor: HR roles and the officer only.
    working_pattern: str | None
    pdr_due_on: date | None
    pdr_completed_on: date | None
    home_town_exception: bool
    probation_reviewed: bool
    version: int
    #: Personal: HR roles and the officer themself.
    home_town: str | None = None
    home: Home | None = None
    #: Sensitive (L1800 3.1.3): HR roles only.
    welfare_factors: list[WelfareFactor] | None = None


class PdrIn(_In):
    due_on: date
    completed_on: date | None = None


class RestrictionIn(_In):
    location: Code
    #: For Professional Standards, the confidential reason; for the officer, their request.
    rationale: Rationale


class DecisionIn(_In):
    rationale: Rationale


class PreferencesIn(_In):
    """Where the officer would prefer to serve, should they be posted compulsorily
    (L1800 3.7.2): places of duty, first choice first (none: anywhere), and in their own
    words why."""

    places: list[Code] = Field(max_length=10)
    rationale: Rationale


class PreferencesOut(BaseModel):
    """What the officer last said; nothing stated yet is ``places`` empty and ``said``
    null. ``version`` is the officer's record's, the one a new statement is sent against."""

    officer_id: str
    places: list[str]
    said: str | None
    stated_at: datetime | None
    version: int


class RestrictionOut(BaseModel):
    location: str
    status: Literal["restricted"] = "restricted"
    #: Professional Standards and the Head of Resourcing only (L1800 3.2.2).
    source: str | None = None
    reason: str | None = None
    supported_by_psd: bool | None = None
    supported_by_head_of_resourcing: bool | None = None


class RestrictionList(RootModel[list[RestrictionOut]]):
    pass


class DelegatedDecisionIn(_In):
    rationale: Rationale
    delegation_id: UUID | None = Field(
        default=None, description="Required unless the caller is the Director of HR"
    )


class LocationIn(_In):
    code: Code
    name: Name
    division: Code
    town: Code
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    kind: Literal["station", "college"] = "station"


class LocationOut(BaseModel):
    code: str
    name: str
    division: str
    town: str
    lat: float
    lon: float
    kind: str
    version: int


class TravelLimitIn(DelegatedDecisionIn):
    limit_km: Km


class NoticePeriodIn(DelegatedDecisionIn):
    days: int = Field(ge=1, le=365)


class PolicyOut(BaseModel):
    travel_limit_km: float | None
    notice_days: int
    version: int


class DelegationIn(_In):
    delegate_id: PersonId
    powers: list[Power] = Field(min_length=1)
    valid_from: date
    valid_to: date
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


class _PostingDecisionIn(_In):
    officer_id: OfficerId
    to_location: Code
    rationale: Rationale
    travel_justification: OptionalText = Field(
        default=None, description="Why organisational need outweighs travel beyond the limit"
    )
    welfare_consideration: OptionalText = Field(
        default=None, description="How the officer's welfare factors were considered"
    )


class RedeploymentIn(_PostingDecisionIn):
    posting_date: date


class CompulsoryIn(_PostingDecisionIn):
    likely_posting_date: date
    reasoning_for_officer: Text
    preferences: list[Code] | None = Field(default=None, max_length=20)
    preferences_not_sought_because: OptionalText = None
    delegation_id: UUID | None = None


class BestInterestsIn(_PostingDecisionIn):
    likely_posting_date: date
    in_interests_of: Literal["individual", "organisation"]


class SelectionIn(_PostingDecisionIn):
    likely_posting_date: date
    selection_process: Text
    slt_recipients: list[PersonId] = Field(min_length=1, max_length=20)


class SeniorIn(_PostingDecisionIn):
    """A senior posting follows the compulsory flow (preferences, reasoning, notice) or
    the selection flow (written confirmation to the officer and SLT)."""

    likely_posting_date: date
    flow: Literal["compulsory", "selection"]
    delegation_id: UUID | None = None
    reasoning_for_officer: OptionalText = None
    preferences: list[Code] | None = Field(default=None, max_length=20)
    preferences_not_sought_because: OptionalText = None
    selection_process: OptionalText = None
    slt_recipients: list[PersonId] | None = Field(default=None, max_length=20)


class DateOutsideSittingIn(_In):
    posting_date: date
    exceptional_circumstances: Rationale


class DelayIn(_In):
    posting_date: date
    rationale: Rationale


class NoticeAgreementIn(_In):
    agreed_days: int = Field(ge=0, le=365)


def _documented_how_goes_with_when(schema: dict[str, Any]) -> None:
    """The documented form of ``_how_goes_with_when``: a notice given outside this system
    names both when and how (not this system); one given here names neither but this
    system."""
    outside = [m.value for m in NoticeMeans if m is not NoticeMeans.THIS_SYSTEM]
    schema["if"] = {
        "properties": {"given_at": {"type": "string"}},
        "required": ["given_at"],
    }
    schema["then"] = {"properties": {"how": {"enum": outside}}, "required": ["how"]}
    schema["else"] = {"properties": {"how": {"enum": [NoticeMeans.THIS_SYSTEM.value, None]}}}


class NotificationIn(_In):
    """The decision given to the officer and others. Given outside this system (a letter
    handed over, a conversation) and recorded afterwards: ``given_at`` says when, with its
    offset, and ``how``; the officer's 14 days to appeal run from then (L1800 3.10.1)."""

    model_config = ConfigDict(json_schema_extra=_documented_how_goes_with_when)

    recipients: list[PersonId] = Field(min_length=1, max_length=50)
    content: Text
    given_at: AwareDatetime | None = None
    how: NoticeMeans | None = None

    @model_validator(mode="after")
    def _how_goes_with_when(self) -> NotificationIn:
        if self.given_at is not None and self.how in (None, NoticeMeans.THIS_SYSTEM):
            raise PydanticCustomError(
                "notice_means",
                "say how a notice given outside this system was given (letter, in_person, "
                "email or telephone)",
            )
        if self.given_at is None and self.how not in (None, NoticeMeans.THIS_SYSTEM):
            raise PydanticCustomError(
                "notice_time", "say when a notice given outside this system was given (given_at)"
            )
        if self.how is None:
            self.how = NoticeMeans.THIS_SYSTEM
        return self


class MoveIn(_In):
    rationale: Rationale


class PostingOut(BaseModel):
    id: str
    kind: PostingKind
    state: PostingState
    officer_id: str
    division: str
    from_location: str
    to_location: str
    likely_posting_date: date | None
    posting_date: date | None
    decided_by: str
    decided_role: str
    delegation_id: str | None
    decided_at: datetime
    clause: str
    rationale: str
    details: dict[str, Any]
    #: The facts relied on; travel and welfare parts for HR roles only.
    facts: dict[str, Any]
    sitting_id: str | None
    agreed_notice_days: int | None
    notified_at: datetime | None
    moved_on: date | None
    version: int


class SittingIn(_In):
    sits_on: date


class SittingOut(BaseModel):
    id: str
    sits_on: date
    closed: bool
    version: int


def _documented_confirmation_names_its_date(schema: dict[str, Any]) -> None:
    """The documented form of ``_a_confirmation_names_its_date``."""
    schema["if"] = {"properties": {"outcome": {"const": "date_confirmed"}}}
    schema["then"] = {
        "properties": {"posting_date": {"type": "string"}},
        "required": ["posting_date"],
    }


class OutcomeIn(_In):
    model_config = ConfigDict(json_schema_extra=_documented_confirmation_names_its_date)

    posting_id: UUID
    outcome: Literal["date_confirmed", "deferred"]
    posting_date: date | None = Field(
        default=None, validate_default=True, description="Required to confirm a date"
    )
    rationale: Rationale

    @field_validator("posting_date")
    @classmethod
    def _a_confirmation_names_its_date(cls, value: date | None, info: ValidationInfo) -> Any:
        if info.data.get("outcome") == "date_confirmed" and value is None:
            raise PydanticCustomError("missing", "a confirmed date needs posting_date")
        return value


class NotificationOut(BaseModel):
    posting_id: str | None
    request_id: str | None
    officer_id: str
    recipients: list[str]
    content: str
    #: When it was given to them; when it was recorded, and by whom; and how it was given.
    notified_at: datetime
    recorded_at: datetime | None
    sent_by: str
    how: NoticeMeans | None


class CollegePostingIn(_In):
    officer_id: OfficerId
    to_location: Code
    posting_date: date
    rationale: Rationale


class DivisionalPostingIn(_PostingDecisionIn):
    likely_posting_date: date
    welfare_request: OptionalText = Field(
        default=None, description="The officer's welfare request on form 1068, if any"
    )


class ProbationReviewIn(_In):
    outcome: Literal["confirmed", "changed"]
    rationale: Rationale


class TransferRequestIn(_In):
    officer_id: OfficerId
    grounds: Literal["development", "welfare"]
    reasons: Text
    roles_sought: list[Text] = Field(default_factory=list, max_length=20)
    locations_sought: list[Code] = Field(default_factory=list, max_length=20)


class TransferRequestOut(BaseModel):
    id: str
    officer_id: str
    division: str
    grounds: str
    reasons: str
    roles_sought: list[str]
    locations_sought: list[str]
    state: str
    submitted_by: str
    submitted_at: datetime
    decided_by: str | None
    decision_reasons: str | None
    posting_id: str | None
    version: int


class RequestPostingIn(_In):
    to_location: Code
    likely_posting_date: date
    rationale: Rationale
    travel_justification: OptionalText = None
    welfare_consideration: OptionalText = None


class PersonalFileEntryOut(BaseModel):
    kind: str
    reference: str
    summary: str
    recorded_at: datetime


class PolicyExceptionIn(_In):
    rule: Annotated[
        str, Field(min_length=1, max_length=lengths.RULE, description="The rule set aside")
    ]
    rationale: Rationale


class PolicyExceptionOut(BaseModel):
    rule: str
    granted_by: str
    rationale: str
    granted_at: datetime
    used_for: str | None
    used_at: datetime | None
