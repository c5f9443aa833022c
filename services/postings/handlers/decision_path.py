"""What every kind of posting decision does, whatever its kind (L1800 3.1-3.9): check where
the officer goes, refuse with every reason at once, or record the decision with the facts
it relied on, open the posting on the officer (one on its way at a time, 3.1.1), record the
delegation's use, and where the kind requires it the written confirmation as a
notification. Each kind's handler brings its own ``PostingTerms``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from pydantic import ValidationError

from services.postings.application import PostingsApplication
from services.postings.clients.roi import RoiAnswer, RoiQuestion
from services.postings.commands import Placement
from services.postings.domain.delegation import Delegation
from services.postings.domain.details import PostingDetails
from services.postings.domain.kinds import PostingKind, Power
from services.postings.domain.location import location_aggregate_id
from services.postings.domain.officer import officer_aggregate_id
from services.postings.domain.policy import POLICY_ID
from services.postings.domain.posting import Posting
from services.postings.domain.rules.s3_1_general import (
    OneOpenPostingAtATime,
    PostingMustChangePlaceOfDuty,
)
from services.postings.domain.rules.s3_8_senior import (
    SeniorLeadershipPostingsAreForChiefInspectorsAndAbove,
    SeniorOfficersArePostedThroughTheSeniorFlow,
)
from services.postings.domain.rules.s3_9_roi import MoveMustRespectTheRoiPeriod
from services.postings.handlers.base import open_posting_of
from services.postings.handlers.exceptions import excuse
from services.postings.handlers.facts import placement_checks, preferences_fact
from services.postings.projections.strength import strength_facts
from shared.errors import ConcurrentChange, Unavailable, Violation, refuse_if
from shared.handling import Actor, Saved
from shared.ledger import decided_by

#: The clause each kind of posting decision rests on.
CLAUSES = {
    PostingKind.APPOINTMENT: "L1800 3.3.1",
    PostingKind.SELECTION: "L1800 3.4.1",
    PostingKind.OFFICER_REQUEST: "L1800 3.5.4",
    PostingKind.REDEPLOYMENT: "L1800 3.6.1",
    PostingKind.COMPULSORY: "L1800 3.7.1",
    PostingKind.BEST_INTERESTS: "L1800 3.7.3",
    PostingKind.SENIOR_LEADERSHIP: "L1800 3.8.2",
}

#: How HR Resource Planning is named among a notification's recipients (L1800 3.4.1).
HR_RESOURCE_PLANNING = "hr_resource_planning"


@dataclass(frozen=True)
class RoiAsked:
    """ROI's answer for one officer, day and destination, asked before the transaction; it
    is a fact of the decision (L1800 3.9)."""

    officer_id: str
    on: date
    to_location: str
    answer: dict[str, Any]

    def for_(self, *, officer_id: str, on: date, to_location: str) -> dict[str, Any]:
        """The answer, if it was asked about this move: a posting changed between the
        question and the decision is decided again from the start."""
        if (self.officer_id, self.on, self.to_location) != (officer_id, on, to_location):
            raise ConcurrentChange("the posting changed while ROI was asked; asking again")
        return self.answer


#: What an ROI answer names of the question it answers (the ROI service's ``RoiAnswer``).
_ASKED = ("officer_id", "on", "to_location")


def ask_roi(roi: RoiQuestion, *, officer_id: str, on: date, to_location: str) -> RoiAsked:
    """The ROI service's answer (L1800 3.9). An answer that is not the shape agreed is no
    answer: the decision fails closed."""
    raw = roi.status(officer_id=officer_id, on=on, to_location=to_location)
    # ROI says what it answered about; an answer about another officer, day or move is
    # another question's, and no answer to this one (found by the outside tester).
    about = (officer_id, on.isoformat(), to_location)
    if not isinstance(raw, dict) or tuple(raw.get(k) for k in _ASKED) != about:
        raise Unavailable(
            f"the ROI service's answer is not about {officer_id}'s move asked of it", service="roi"
        )
    try:
        answer = RoiAnswer.model_validate(raw)
    except ValidationError as exc:
        raise Unavailable(
            f"the ROI service's answer for {officer_id} could not be read", service="roi"
        ) from exc
    return RoiAsked(
        officer_id, on, to_location, {"on": on.isoformat(), **answer.model_dump(mode="json")}
    )


@dataclass(frozen=True)
class Confirmation:
    """A written confirmation recorded with the decision: to the officer and these."""

    recipients: list[str]
    content: str


@dataclass(frozen=True)
class PostingTerms:
    """What one kind of posting brings to the shared decision path."""

    kind: PostingKind
    details: PostingDetails
    #: The kind's own rules, checked by its handler: refused together with the shared ones.
    violations: list[Violation] = field(default_factory=list)
    #: Facts the kind's own checks relied on.
    facts: dict[str, Any] = field(default_factory=dict)
    #: Set when no panel is needed (a re-deployment, the college intake).
    posting_date: date | None = None
    #: The compulsory flow: what the officer last said they would prefer is a fact the
    #: decision considered (L1800 3.7.2).
    considers_preferences: bool = False
    confirmation: Confirmation | None = None
    #: The checks of where the officer goes (restrictions, home town, travel, welfare).
    check_placement: bool = True
    #: The delegation relied on, and the power it covers; ``exercise`` records the use on
    #: the delegation (a batch records one use for all its postings instead).
    delegation: Delegation | None = None
    power: Power | None = None
    exercise: bool = True
    #: Other records the decision changes, told of the posting and saved with it (a 1068
    #: taken into the plan).
    then: Callable[[Posting], Sequence[Aggregate]] | None = None


def queue_for_decision(
    app: PostingsApplication, placement: Placement, delegation_id: UUID | None
) -> None:
    """Queue on the officer (and the delegation named), then read in one round trip the
    records a decision loads (the officer, the place they go to and the policy) and the
    officer's key, under the lock sealing needs. A handler
    that reads the delegation or the policy before ``decide_posting`` (a compulsory
    posting's notice period) calls this first: the delegation is then read once its turn
    has come, so decisions relying on one delegation wait for each other's use of it rather
    than lose the race to it and run again, and the policy is not read on its own.
    ``decide_posting`` calls it again, and asks nothing it has asked already."""
    officer_record = officer_aggregate_id(placement.officer_id)
    app.serialise_on(officer_record, *([delegation_id] if delegation_id else []))
    app.read_ahead(
        officer_record,
        location_aggregate_id(placement.to_location),
        POLICY_ID,
        keys_to_write=(placement.officer_id,),
    )


def decide_posting(
    app: PostingsApplication,
    actor: Actor,
    placement: Placement,
    terms: PostingTerms,
    roi: RoiAsked,
) -> Saved:
    principal, now = actor.principal, app.clock.now()
    queue_for_decision(app, placement, terms.delegation.id if terms.delegation else None)
    officer = app.officer(placement.officer_id)
    destination = app.location(placement.to_location, field="to_location")
    checked = placement_checks(
        officer=officer,
        destination=destination,
        posting_date=placement.likely_posting_date,
        policy=app.policy(),
        travel_justification=placement.travel_justification,
        welfare_consideration=placement.welfare_consideration,
    )
    roi_fact = roi.for_(
        officer_id=placement.officer_id,
        on=placement.likely_posting_date,
        to_location=placement.to_location,
    )
    violations, excused = excuse(
        officer,
        MoveMustRespectTheRoiPeriod.check(bound=roi_fact["bound"], reason=roi_fact["reason"])
        + terms.violations
        + OneOpenPostingAtATime.check(open_posting=open_posting_of(app, officer))
        + SeniorOfficersArePostedThroughTheSeniorFlow.check(rank=officer.rank, kind=terms.kind)
        + SeniorLeadershipPostingsAreForChiefInspectorsAndAbove.check(
            rank=officer.rank, kind=terms.kind
        )
        + PostingMustChangePlaceOfDuty.check(
            current=officer.place_of_duty, proposed=placement.to_location
        )
        + (checked.violations if terms.check_placement else []),
        case=f"{terms.kind.value} posting to {placement.to_location}",
        at=now,
    )
    refuse_if(violations)
    session = app.db.sessions()
    decision = decided_by(
        principal,
        clause=CLAUSES[terms.kind],
        rationale=placement.rationale,
        correlation_id=actor.correlation_id,
        delegation_id=terms.delegation.id if terms.delegation else None,
        effective_date=placement.likely_posting_date,
        facts={
            **checked.facts,
            "officer": {"rank": officer.rank.value, "division": officer.division},
            "strength": {
                "rank": officer.rank.value,
                **strength_facts(
                    session, officer.rank.value, officer.division, destination.division
                ),
            },
            "roi": roi_fact,
            **(preferences_fact(officer) if terms.considers_preferences else {}),
            **excused,
            **terms.facts,
        },
    )
    posting = Posting.decide(
        decision=decision,
        kind=terms.kind,
        officer_id=officer.officer_id,
        division=destination.division,
        from_location=officer.place_of_duty,
        to_location=placement.to_location,
        posting_date=terms.posting_date,
        details=terms.details,
        at=now,
    )
    officer.open_a_posting(posting_id=posting.id, kind=terms.kind, at=now)
    if terms.confirmation is not None:
        posting.notify_officer(
            recipients=[officer.officer_id, *terms.confirmation.recipients],
            content=terms.confirmation.content,
            actor_id=principal.person_id,
            actor_role=principal.role,
            at=now,
        )
    also: list[Aggregate] = list(terms.then(posting)) if terms.then else []
    if terms.delegation is not None and terms.exercise:
        assert terms.power is not None
        terms.delegation.exercise(
            power=terms.power, case_id=posting.id, decided_by=principal.person_id, at=now
        )
        also.append(terms.delegation)
    app.store(posting, officer, *also)
    return Saved(posting.id, posting.version)
