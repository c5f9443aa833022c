"""What each kind of posting records besides the decision itself, as typed values: the
terms its flow requires (L1800 3.3-3.8). A posting's ``details`` is one of these, chosen by
its kind; the events stored before they were typed (version 1) held the same fields in a
plain mapping, read by ``details_from_v1``."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from services.postings.domain.kinds import PostingKind


@dataclass(frozen=True)
class PostingDetails:
    """Base of every kind's details; a re-deployment (3.6.1) records nothing more."""


@dataclass(frozen=True)
class RedeploymentDetails(PostingDetails):
    """Within the commander's own division, no panel (3.6.1)."""


@dataclass(frozen=True)
class AppointmentDetails(PostingDetails):
    """On appointment (3.3.1): to the college, to a division after initial training, or a
    change on the review at the end of probation; with the officer's welfare request on
    form 1068, if any."""

    #: "college", "divisional" or "probation_review".
    phase: str | None = None
    welfare_request: str | None = None


@dataclass(frozen=True)
class CompulsoryDetails(PostingDetails):
    """Preferences sought or why not, the reasoning given, the notice period (3.7.2)."""

    preferences: list[str] | None = None
    preferences_not_sought_because: str | None = None
    reasoning_for_officer: str | None = None
    notice_days: int | None = None


@dataclass(frozen=True)
class BestInterestsDetails(PostingDetails):
    """In the best interests of the individual or the organisation (3.7.3)."""

    in_interests_of: str | None = None


@dataclass(frozen=True)
class SelectionDetails(PostingDetails):
    """Confirmed in writing to the officer and the local SLT; HR Resource Planning told
    (3.4.1)."""

    selection_process: str | None = None
    confirmed_in_writing_to: list[str] = field(default_factory=list)
    hr_resource_planning_notified: bool = False


@dataclass(frozen=True)
class RequestDetails(PostingDetails):
    """From the officer's 1068, supported by their SLT (3.5.4)."""

    request_id: str | None = None
    grounds: str | None = None


@dataclass(frozen=True)
class SeniorDetails(PostingDetails):
    """Chief inspector and above (3.8): the compulsory flow's terms or the selection flow's,
    as ``flow`` says."""

    flow: str | None = None
    preferences: list[str] | None = None
    preferences_not_sought_because: str | None = None
    reasoning_for_officer: str | None = None
    notice_days: int | None = None
    selection_process: str | None = None
    confirmed_in_writing_to: list[str] = field(default_factory=list)
    hr_resource_planning_notified: bool = False


DETAILS_BY_KIND: dict[PostingKind, type[PostingDetails]] = {
    PostingKind.APPOINTMENT: AppointmentDetails,
    PostingKind.SELECTION: SelectionDetails,
    PostingKind.OFFICER_REQUEST: RequestDetails,
    PostingKind.REDEPLOYMENT: RedeploymentDetails,
    PostingKind.COMPULSORY: CompulsoryDetails,
    PostingKind.BEST_INTERESTS: BestInterestsDetails,
    PostingKind.SENIOR_LEADERSHIP: SeniorDetails,
}

#: Every details type, for the event store's transcodings.
DETAIL_TYPES: tuple[type[PostingDetails], ...] = (
    PostingDetails,
    *dict.fromkeys(DETAILS_BY_KIND.values()),
)


def details_from_v1(kind: PostingKind, stored: dict[str, Any] | None) -> PostingDetails:
    """A version 1 mapping read as its kind's details: the fields it held are kept, any
    other is not part of the kind's terms. An officer's data disposed of reads as the kind's
    details with nothing filled in."""
    kind_type = DETAILS_BY_KIND[kind]
    names = {f.name for f in dataclasses.fields(kind_type)}
    return kind_type(**{k: v for k, v in (stored or {}).items() if k in names})


def notice_days_of(details: PostingDetails | None) -> int | None:
    """The notice period a posting was decided with, where its flow gives one (3.7.2)."""
    return getattr(details, "notice_days", None)
