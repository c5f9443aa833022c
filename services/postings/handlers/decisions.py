"""Deciding a posting of each kind that starts from a decision (L1800 3.4, 3.6-3.8); each
handler states its kind's terms and leaves the rest to the shared decision path."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from services.postings.application import PostingsApplication
from services.postings.clients.roi import RoiQuestion
from services.postings.commands import (
    CompulsoryTerms,
    DecideBestInterests,
    DecideCompulsory,
    DecideRedeployment,
    DecideSelection,
    DecideSenior,
    PostingDecision,
    SelectionTerms,
)
from services.postings.domain.details import (
    BestInterestsDetails,
    CompulsoryDetails,
    RedeploymentDetails,
    SelectionDetails,
    SeniorDetails,
)
from services.postings.domain.kinds import PostingKind, Power
from services.postings.domain.officer import Officer
from services.postings.domain.rules.s3_3_appointment import SelectionFollowsProbation
from services.postings.domain.rules.s3_4_selection import SelectionMustBeConfirmedInWriting
from services.postings.domain.rules.s3_6_redeployment import (
    RedeploymentIsForTheUnitsCommanderOrHead,
    RedeploymentMustStayWithinTheDecidersUnit,
)
from services.postings.domain.rules.s3_7_compulsory import (
    NoticePeriodMustBeGiven,
    PreferencesMustBeSoughtOrExplained,
    ReasoningMustBeGiven,
)
from services.postings.handlers.authority import delegation_relied_on
from services.postings.handlers.base import PostingsHandler
from services.postings.handlers.decision_path import (
    HR_RESOURCE_PLANNING,
    Confirmation,
    PostingTerms,
    RoiAsked,
    ask_roi,
    decide_posting,
    queue_for_decision,
)
from shared.clock import london_date
from shared.errors import NotPermitted, Violation
from shared.handling import Actor, Saved

C = TypeVar("C", bound=PostingDecision)


class DecisionHandler(PostingsHandler[C]):
    """A posting decision: ROI is asked, before the transaction, whether the officer is
    bound on the likely posting date (L1800 3.9)."""

    def __init__(self, app: PostingsApplication, roi: RoiQuestion) -> None:
        super().__init__(app)
        self.roi = roi

    def prepare(self, command: C, actor: Actor) -> RoiAsked:
        placement = command.placement
        return ask_roi(
            self.roi,
            officer_id=placement.officer_id,
            on=placement.likely_posting_date,
            to_location=placement.to_location,
        )

    def today(self) -> date:
        return london_date(self.app.clock.now())


def compulsory_terms(
    terms: CompulsoryTerms, *, likely_posting_date: date, today: date, notice_days: int
) -> tuple[list[Violation], CompulsoryDetails, dict[str, Any]]:
    """What a compulsory posting must carry: preferences sought or why not, reasoning for
    the officer and a reasonable notice period (L1800 3.7.2): the broken rules, the
    posting's details and the decision's facts."""
    violations = (
        PreferencesMustBeSoughtOrExplained.check(
            preferences=terms.preferences, not_sought_because=terms.preferences_not_sought_because
        )
        + ReasoningMustBeGiven.check(reasoning=terms.reasoning_for_officer)
        + NoticePeriodMustBeGiven.check(
            decided_on=today,
            posting_date=likely_posting_date,
            notice_days=notice_days,
            agreed_days=None,
        )
    )
    details = CompulsoryDetails(
        preferences=terms.preferences,
        preferences_not_sought_because=terms.preferences_not_sought_because,
        reasoning_for_officer=terms.reasoning_for_officer,
        notice_days=notice_days,
    )
    return violations, details, {"notice": {"days": notice_days, "decided_on": str(today)}}


def selection_terms(
    terms: SelectionTerms, *, officer_id: str, to_location: str
) -> tuple[list[Violation], SelectionDetails, Confirmation]:
    """What a posting on selection must carry: the written confirmation to the officer and
    their local SLT, and HR Resource Planning told at once to agree a date (L1800 3.4.1)."""
    violations = SelectionMustBeConfirmedInWriting.check(
        selection_process=terms.selection_process, slt_recipients=terms.slt_recipients
    )
    confirmation = Confirmation(
        recipients=[*(terms.slt_recipients or []), HR_RESOURCE_PLANNING],
        content=(
            f"Appointment confirmed on selection ({terms.selection_process}): you are to be "
            f"posted to {to_location}. HR Resource Planning has been notified to agree "
            "the posting date, which the Resourcing Deployment Panel confirms "
            "(L1800 3.4.1-3.4.2)."
        ),
    )
    details = SelectionDetails(
        selection_process=terms.selection_process,
        confirmed_in_writing_to=[officer_id, *(terms.slt_recipients or [])],
        hr_resource_planning_notified=True,
    )
    return violations, details, confirmation


def awaits_probation_review(officer: Officer, app: PostingsApplication) -> bool:
    """The divisional posting on appointment was made here and its end-of-probation review
    has not happened yet (L1800 3.3.1, 'only then')."""
    if officer.probation_ends_on is None or officer.probation_reviewed:
        return False
    if officer.tracks_postings:
        return officer.appointment_posted_here
    return officer.appointment_posted_here or app.postings_before_tracking(officer.officer_id)[2]


class DecideRedeploymentHandler(DecisionHandler[DecideRedeployment]):
    command = DecideRedeployment

    def authorise(self, command: DecideRedeployment, actor: Actor) -> None:
        """Only the commander or head of the officer's own division/department, and only
        to a place within it (L1800 3.6.1): refused as a matter of authority, naming the
        field at fault, before anything else about the officer is gathered."""
        placement, principal = command.placement, actor.principal
        officer = self.app.officer(placement.officer_id)
        unit = self.app.unit(officer.division)
        # Authority over the officer first: nothing about the destination is asked of a
        # commander who may not act for them at all.
        over_the_officer = [
            v
            for v in RedeploymentMustStayWithinTheDecidersUnit.check(
                officer_division=officer.division,
                destination_division=officer.division,
                decider_division=principal.division,
            )
            if v.field != "to_location"
        ] + RedeploymentIsForTheUnitsCommanderOrHead.check(
            head_id=unit.head_id if unit else None, decider_id=principal.person_id
        )
        if over_the_officer:
            raise NotPermitted(over_the_officer[0].message, violations=over_the_officer)
        destination = self.app.location(placement.to_location, field="to_location")
        forbidden = RedeploymentMustStayWithinTheDecidersUnit.check(
            officer_division=officer.division,
            destination_division=destination.division,
            decider_division=principal.division,
        ) + RedeploymentIsForTheUnitsCommanderOrHead.check(
            head_id=unit.head_id if unit else None, decider_id=principal.person_id
        )
        if forbidden:
            raise NotPermitted(forbidden[0].message, violations=forbidden)

    def handle(self, command: DecideRedeployment, actor: Actor, prepared: RoiAsked) -> Saved:
        """Re-deployment within a division/department by its commander or head; no panel
        (L1800 3.6.1)."""
        terms = PostingTerms(
            kind=PostingKind.REDEPLOYMENT,
            details=RedeploymentDetails(),
            posting_date=command.placement.likely_posting_date,
        )
        return decide_posting(self.app, actor, command.placement, terms, prepared)


class DecideCompulsoryHandler(DecisionHandler[DecideCompulsory]):
    command = DecideCompulsory

    def authorise(self, command: DecideCompulsory, actor: Actor) -> None:
        """The Director of HR, or a delegate naming a delegation that covers it (3.7.1)."""
        delegation_relied_on(
            self.app,
            actor.principal,
            Power.COMPULSORY_POSTING,
            command.delegation_id,
            on=self.today(),
        )

    def handle(self, command: DecideCompulsory, actor: Actor, prepared: RoiAsked) -> Saved:
        """A compulsory / organisational-need posting by the Director of HR or delegate,
        rationale fully documented, preferences sought where possible, reasoning given and
        reasonable notice (L1800 3.7.1-3.7.2)."""
        # Queued first: the delegation named is read once its turn has come.
        queue_for_decision(self.app, command.placement, command.delegation_id)
        delegation = delegation_relied_on(
            self.app,
            actor.principal,
            Power.COMPULSORY_POSTING,
            command.delegation_id,
            on=self.today(),
        )
        violations, details, facts = compulsory_terms(
            command.terms,
            likely_posting_date=command.placement.likely_posting_date,
            today=self.today(),
            notice_days=self.app.policy().notice_days,
        )
        terms = PostingTerms(
            kind=PostingKind.COMPULSORY,
            details=details,
            violations=violations,
            facts=facts,
            considers_preferences=True,
            delegation=delegation,
            power=Power.COMPULSORY_POSTING,
        )
        return decide_posting(self.app, actor, command.placement, terms, prepared)


class DecideBestInterestsHandler(DecisionHandler[DecideBestInterests]):
    command = DecideBestInterests

    def handle(self, command: DecideBestInterests, actor: Actor, prepared: RoiAsked) -> Saved:
        """Posted in the best interests of the individual or the organisation, documented
        and approved by the Head of Resourcing (L1800 3.7.3)."""
        terms = PostingTerms(
            kind=PostingKind.BEST_INTERESTS,
            details=BestInterestsDetails(in_interests_of=command.in_interests_of),
        )
        return decide_posting(self.app, actor, command.placement, terms, prepared)


class DecideSelectionHandler(DecisionHandler[DecideSelection]):
    command = DecideSelection

    def handle(self, command: DecideSelection, actor: Actor, prepared: RoiAsked) -> Saved:
        """An appointment decision reached at selection, confirmed in writing to the officer
        and their local SLT, HR Resource Planning notified at once to agree the date
        (L1800 3.4.1). Only after probation and its review (3.3.1)."""
        placement = command.placement
        officer = self.app.officer(placement.officer_id)
        violations, details, confirmation = selection_terms(
            command.terms, officer_id=placement.officer_id, to_location=placement.to_location
        )
        violations += SelectionFollowsProbation.check(
            probation_ends_on=officer.probation_ends_on,
            on=self.today(),
            awaiting_review=awaits_probation_review(officer, self.app),
        )
        terms = PostingTerms(
            kind=PostingKind.SELECTION,
            details=details,
            violations=violations,
            confirmation=confirmation,
        )
        return decide_posting(self.app, actor, placement, terms, prepared)


class DecideSeniorHandler(DecisionHandler[DecideSenior]):
    command = DecideSenior

    def authorise(self, command: DecideSenior, actor: Actor) -> None:
        """Through the Director of HR, or a delegate naming a delegation that covers it
        (3.8.2)."""
        delegation_relied_on(
            self.app, actor.principal, Power.SENIOR_POSTING, command.delegation_id, on=self.today()
        )

    def handle(self, command: DecideSenior, actor: Actor, prepared: RoiAsked) -> Saved:
        """Chief inspector and above, through the Director of HR (L1800 3.8.2). The list
        after 3.8.3 is missing from the published text, so a senior posting follows the
        compulsory flow (3.7.2: preferences, reasoning, notice) or the selection flow
        (3.4.1: written confirmation) as its decider says (DOMAIN.md interpretation)."""
        placement = command.placement
        # Queued first: the delegation named is read once its turn has come.
        queue_for_decision(self.app, placement, command.delegation_id)
        delegation = delegation_relied_on(
            self.app, actor.principal, Power.SENIOR_POSTING, command.delegation_id, on=self.today()
        )
        confirmation: Confirmation | None = None
        facts: dict[str, Any] = {}
        if isinstance(command.terms, CompulsoryTerms):
            violations, compulsory, facts = compulsory_terms(
                command.terms,
                likely_posting_date=placement.likely_posting_date,
                today=self.today(),
                notice_days=self.app.policy().notice_days,
            )
            details = SeniorDetails(
                flow="compulsory",
                preferences=compulsory.preferences,
                preferences_not_sought_because=compulsory.preferences_not_sought_because,
                reasoning_for_officer=compulsory.reasoning_for_officer,
                notice_days=compulsory.notice_days,
            )
        else:
            violations, selection, confirmation = selection_terms(
                command.terms, officer_id=placement.officer_id, to_location=placement.to_location
            )
            details = SeniorDetails(
                flow="selection",
                selection_process=selection.selection_process,
                confirmed_in_writing_to=selection.confirmed_in_writing_to,
                hr_resource_planning_notified=selection.hr_resource_planning_notified,
            )
        terms = PostingTerms(
            kind=PostingKind.SENIOR_LEADERSHIP,
            details=details,
            violations=violations,
            facts=facts,
            considers_preferences=isinstance(command.terms, CompulsoryTerms),
            confirmation=confirmation,
            delegation=delegation,
            power=Power.SENIOR_POSTING,
        )
        return decide_posting(self.app, actor, placement, terms, prepared)
