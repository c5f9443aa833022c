"""Postings on appointment: to the police college, then to a division once initial
training is complete, the Director of HR's home-town exception, and the review of the
divisional posting when probation ends (L1800 3.3.1)."""

from __future__ import annotations

from typing import Any

from services.postings.commands import (
    DecideDivisionalPosting,
    GrantHomeTownException,
    PostToCollege,
    ReviewProbation,
)
from services.postings.domain.details import AppointmentDetails
from services.postings.domain.kinds import PostingKind, Power
from services.postings.domain.rules.s3_3_appointment import (
    CollegePostingIsOnAppointment,
    DivisionalPostingIsForTheProbation,
    FirstPostingIsToTheCollege,
    InitialTrainingMustBeComplete,
    ProbationReviewFollowsTheEndOfProbation,
)
from services.postings.handlers.authority import delegation_relied_on
from services.postings.handlers.base import PostingsHandler
from services.postings.handlers.decision_path import (
    PostingTerms,
    RoiAsked,
    decide_posting,
)
from services.postings.handlers.decisions import DecisionHandler
from shared.clock import london_date
from shared.errors import refuse_if
from shared.handling import Actor, Saved
from shared.ledger import decided_by


class PostToCollegeHandler(DecisionHandler[PostToCollege]):
    command = PostToCollege

    def handle(self, command: PostToCollege, actor: Actor, prepared: RoiAsked) -> Saved:
        """On appointment, every officer is posted to the police college (3.3.1). It is the
        officer's first posting, before initial training; its date is the intake the
        officer was appointed to, so it is set by this decision rather than by the panel,
        which dates moves between places of duty (3.4.2)."""
        placement = command.placement
        college = self.app.location(placement.to_location, field="to_location")
        officer = self.app.officer(placement.officer_id)
        earlier = officer.postings_decided
        if not officer.tracks_postings:
            earlier += self.app.postings_before_tracking(officer.officer_id)[1]
        refuse_if(
            FirstPostingIsToTheCollege.check(location_kind=college.kind)
            + CollegePostingIsOnAppointment.check(
                earlier_postings=earlier, trained=officer.initial_training_complete
            )
        )
        terms = PostingTerms(
            kind=PostingKind.APPOINTMENT,
            details=AppointmentDetails(phase="college"),
            posting_date=placement.likely_posting_date,
            check_placement=False,
        )
        return decide_posting(self.app, actor, placement, terms, prepared)


class DecideDivisionalPostingHandler(DecisionHandler[DecideDivisionalPosting]):
    command = DecideDivisionalPosting

    def handle(self, command: DecideDivisionalPosting, actor: Actor, prepared: RoiAsked) -> Saved:
        """After initial training, a divisional posting on organisational need, welfare
        requests (form 1068) considered case by case, not to the home town during
        probation (3.3.1). Also used when the probation review changes the posting."""
        officer = self.app.officer(command.placement.officer_id)
        phase = "probation_review" if officer.probation_reviewed else "divisional"
        terms = PostingTerms(
            kind=PostingKind.APPOINTMENT,
            details=AppointmentDetails(phase=phase, welfare_request=command.welfare_request),
            violations=InitialTrainingMustBeComplete.check(
                complete=officer.initial_training_complete
            )
            + DivisionalPostingIsForTheProbation.check(
                probation_ends_on=officer.probation_ends_on,
                on=self.today(),
                reviewed=officer.probation_reviewed,
                review_outcome=officer.review_outcome,
            ),
        )
        return decide_posting(self.app, actor, command.placement, terms, prepared)


class ReviewProbationHandler(PostingsHandler[ReviewProbation]):
    command = ReviewProbation

    def handle(self, command: ReviewProbation, actor: Actor, prepared: Any) -> Saved:
        """When probation ends HR Resource Planning reviews the divisional posting and may
        change it to meet organisational requirements (3.3.1)."""
        officer = self.app.officer_to_change(command.officer_id)
        refuse_if(
            ProbationReviewFollowsTheEndOfProbation.check(
                probation_ends_on=officer.probation_ends_on,
                on=london_date(self.app.clock.now()),
            )
        )
        officer.review_probation(
            outcome=command.outcome,
            decision=decided_by(
                actor.principal,
                clause=ProbationReviewFollowsTheEndOfProbation.clause,
                rationale=command.rationale,
                correlation_id=actor.correlation_id,
                facts={
                    "probation_ends_on": str(officer.probation_ends_on),
                    "place_of_duty": officer.place_of_duty,
                },
            ),
            at=self.app.clock.now(),
        )
        return self.saved(officer)


class GrantHomeTownExceptionHandler(PostingsHandler[GrantHomeTownException]):
    command = GrantHomeTownException

    def handle(self, command: GrantHomeTownException, actor: Actor, prepared: Any) -> Saved:
        """Exceptional circumstances determined by the Director of HR or delegate allow a
        probationer's divisional posting to their home town (L1800 3.3.1)."""
        now = self.app.clock.now()
        delegation = delegation_relied_on(
            self.app,
            actor.principal,
            Power.PROBATION_HOME_TOWN_EXCEPTION,
            command.delegation_id,
            on=london_date(now),
        )
        officer = self.app.officer_to_change(
            command.officer_id, *([delegation.id] if delegation else [])
        )
        officer.grant_home_town_exception(
            decision=decided_by(
                actor.principal,
                clause="L1800 3.3.1",
                rationale=command.rationale,
                correlation_id=actor.correlation_id,
                delegation_id=delegation.id if delegation else None,
                facts={"probation_ends_on": str(officer.probation_ends_on)},
            ),
            at=now,
        )
        if delegation is None:
            return self.saved(officer)
        delegation.exercise(
            power=Power.PROBATION_HOME_TOWN_EXCEPTION,
            case_id=officer.id,
            decided_by=actor.principal.person_id,
            at=now,
        )
        return self.saved(officer, delegation)
