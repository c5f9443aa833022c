"""Postings on appointment: to the police college, then to a division once initial
training is complete, and the review of that posting when probation ends (L1800 3.3.1)."""

from __future__ import annotations

from datetime import date

from services.postings.application.facts import postings_count
from services.postings.application.postings import PostingCommands
from services.postings.application.saved import Saved
from services.postings.domain.kinds import PostingKind
from services.postings.domain.rules import (
    divisional_posting_is_for_the_probation,
    first_posting_is_on_appointment,
    first_posting_is_to_the_college,
    initial_training_must_be_complete,
    probation_must_be_over,
)
from shared.clock import london_date
from shared.errors import refuse_if
from shared.identity import Principal
from shared.ledger import decided_by


class AppointmentCommands(PostingCommands):
    def post_to_college(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        officer_id: str,
        to_location: str,
        posting_date: date,
        rationale: str,
    ) -> Saved:
        """On appointment, every officer is posted to the police college (3.3.1). It is the
        officer's first posting, before initial training; its date is the intake the
        officer was appointed to, so it is set by this decision rather than by the panel,
        which dates moves between places of duty (3.4.2)."""
        college = self.location(to_location)
        officer = self.officer(officer_id)
        refuse_if(
            first_posting_is_to_the_college(location_kind=college.kind)
            + first_posting_is_on_appointment(
                earlier_postings=postings_count(self.db.sessions(), officer_id),
                trained=officer.initial_training_complete,
            )
        )
        return self._decide(
            principal=principal,
            correlation_id=correlation_id,
            kind=PostingKind.APPOINTMENT,
            officer_id=officer_id,
            to_location=to_location,
            likely_posting_date=posting_date,
            posting_date=posting_date,
            rationale=rationale,
            travel_justification=None,
            welfare_consideration="Initial training at the college is the same for all",
            details={"phase": "college"},
            check_placement=False,
        )

    def decide_divisional_posting(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        officer_id: str,
        to_location: str,
        likely_posting_date: date,
        rationale: str,
        welfare_request: str | None = None,
        travel_justification: str | None = None,
        welfare_consideration: str | None = None,
    ) -> Saved:
        """After initial training, a divisional posting on organisational need, welfare
        requests (form 1068) considered case by case, not to the home town during probation
        (3.3.1). Also used when the probation review changes the posting."""
        officer = self.officer(officer_id)
        phase = "probation_review" if officer.probation_reviewed else "divisional"
        today = london_date(self.clock.now())
        return self._decide(
            principal=principal,
            correlation_id=correlation_id,
            kind=PostingKind.APPOINTMENT,
            officer_id=officer_id,
            to_location=to_location,
            likely_posting_date=likely_posting_date,
            rationale=rationale,
            travel_justification=travel_justification,
            welfare_consideration=welfare_consideration,
            extra_violations=initial_training_must_be_complete(
                complete=officer.initial_training_complete
            )
            + divisional_posting_is_for_the_probation(
                probation_ends_on=officer.probation_ends_on,
                on=today,
                reviewed=officer.probation_reviewed,
                review_outcome=officer.review_outcome,
            ),
            details={"phase": phase, "welfare_request": welfare_request},
        )

    def review_probation(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        officer_id: str,
        outcome: str,
        rationale: str,
    ) -> Saved:
        """When probation ends HR Resource Planning reviews the divisional posting and may
        change it to meet organisational requirements (3.3.1)."""
        officer = self.officer(officer_id)
        today = london_date(self.clock.now())
        refuse_if(
            probation_must_be_over(
                probation_ends_on=officer.probation_ends_on,
                on=today,
                rule="ProbationReviewFollowsTheEndOfProbation",
                what="the review of the divisional posting",
            )
        )
        officer.review_probation(
            outcome=outcome,
            decision=decided_by(
                principal,
                clause="L1800 3.3.1",
                rationale=rationale,
                correlation_id=correlation_id,
                facts={
                    "probation_ends_on": str(officer.probation_ends_on),
                    "place_of_duty": officer.place_of_duty,
                },
            ),
            at=self.clock.now(),
        )
        return self._saved(officer)
