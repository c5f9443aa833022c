"""Commands on postings: deciding each kind, setting its date, notifying the officer, and
the move itself after the checks (L1800 3.1-3.8)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from pydantic import ValidationError

from services.postings.application.facts import (
    CheckResult,
    open_postings,
    pdr_check,
    placement_checks,
    postings_count,
    subordinate_pdrs,
)
from services.postings.application.reference import ReferenceCommands
from services.postings.application.saved import Saved
from services.postings.clients.roi import RoiAnswer, RoiQuestion
from services.postings.domain.checks import (
    location_must_not_be_unsuitable,
    probation_posting_must_not_be_to_home_town,
)
from services.postings.domain.kinds import PostingKind, Power
from services.postings.domain.officer import Officer
from services.postings.domain.posting import Posting
from services.postings.domain.rules import (
    date_outside_a_sitting_must_be_exceptional,
    move_must_change_place_of_duty,
    move_must_respect_the_roi_period,
    notice_must_be_given,
    one_open_posting_at_a_time,
    preferences_must_be_sought_or_explained,
    probation_must_be_over,
    reasoning_must_be_given,
    redeployment_is_for_the_units_head,
    redeployment_must_stay_within_the_deciders_unit,
    selection_must_be_confirmed_in_writing,
    senior_officers_are_posted_through_the_senior_flow,
)
from services.postings.projections.strength import strength_fact
from shared.clock import london_date
from shared.errors import Conflict, NotPermitted, Unavailable, Violation, refuse_if
from shared.eventstore import check_expected_version
from shared.identity import Principal
from shared.ledger import Decision, decided_by
from shared.roles import Role

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
class Confirmation:
    """A written confirmation recorded with the decision: to the officer and these."""

    recipients: list[str]
    content: str


class PostingCommands(ReferenceCommands):
    #: Asked before every move (set by the composed application).
    roi: RoiQuestion

    def posting(self, posting_id: UUID) -> Posting:
        return self.load(posting_id, Posting, what="posting")

    @staticmethod
    def _ensure_may_carry_out(principal: Principal, posting: Posting, what: str) -> None:
        """Who carries a posting forward beyond HR: a divisional commander or head of
        department only their own re-deployments within their own division (L1800 3.6.1:
        every other kind goes through HR and the panel, 3.4.2); a line manager only the
        selection they decided (3.4.1)."""
        if principal.role in (Role.DIVISIONAL_COMMANDER, Role.HEAD_OF_DEPARTMENT):
            if posting.kind is not PostingKind.REDEPLOYMENT or posting.division != (
                principal.division
            ):
                raise NotPermitted(
                    f"a commander or head {what} only re-deployments within their own division"
                )
        elif principal.role is Role.LINE_MANAGER and posting.decided_by != principal.subject:
            raise NotPermitted(f"a line manager {what} only the postings they decided")

    def _decide(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        kind: PostingKind,
        officer_id: str,
        to_location: str,
        likely_posting_date: date,
        rationale: str,
        travel_justification: str | None,
        welfare_consideration: str | None,
        extra_violations: list[Violation] | None = None,
        details: dict[str, Any] | None = None,
        delegation_id: UUID | None = None,
        posting_date: date | None = None,
        facts: dict[str, Any] | None = None,
        check_placement: bool = True,
        confirmation: Confirmation | None = None,
    ) -> Saved:
        """What every kind of posting decision does: check where the officer goes, refuse
        with every reason at once, or record the decision with the facts it relied on (and,
        where the kind requires it, the written confirmation as a notification record)."""
        officer = self.officer(officer_id)
        destination = self.location(to_location)
        placement = placement_checks(
            officer=officer,
            destination=destination,
            posting_date=likely_posting_date,
            policy=self.policy(),
            home_town_exception=officer.home_town_exception,
            travel_justification=travel_justification,
            welfare_consideration=welfare_consideration,
        )
        session = self.db.sessions()
        roi = self._ask_roi(officer_id, likely_posting_date, to_location)
        violations, excused = self.excuse(
            officer,
            move_must_respect_the_roi_period(bound=roi["bound"], reason=roi["reason"])
            + (extra_violations or [])
            + one_open_posting_at_a_time(open_posting_ids=open_postings(session, officer_id))
            + senior_officers_are_posted_through_the_senior_flow(rank=officer.rank, kind=kind)
            + move_must_change_place_of_duty(current=officer.place_of_duty, proposed=to_location)
            + (placement.violations if check_placement else []),
            case=f"{kind.value} posting to {to_location}",
        )
        refuse_if(violations)
        decision = decided_by(
            principal,
            clause=CLAUSES[kind],
            rationale=rationale,
            correlation_id=correlation_id,
            delegation_id=delegation_id,
            effective_date=likely_posting_date,
            facts={
                **placement.facts,
                "officer": {"rank": officer.rank.value, "division": officer.division},
                "strength": {
                    "rank": officer.rank.value,
                    "destination": strength_fact(session, destination.division, officer.rank.value),
                    "origin": strength_fact(session, officer.division, officer.rank.value),
                },
                "roi": roi,
                **excused,
                **(facts or {}),
            },
        )
        posting = Posting.decide(
            decision=decision,
            kind=kind,
            officer_id=officer_id,
            division=destination.division,
            from_location=officer.place_of_duty,
            to_location=to_location,
            posting_date=posting_date,
            details=details or {},
            at=self.clock.now(),
        )
        if confirmation is not None:
            posting.notify_officer(
                recipients=[officer_id, *confirmation.recipients],
                content=confirmation.content,
                actor_id=principal.subject,
                actor_role=principal.role,
                at=self.clock.now(),
            )
        return self._saved(posting, officer) if excused else self._saved(posting)

    def _ask_roi(self, officer_id: str, on: date, to_location: str) -> dict[str, Any]:
        """The ROI service's answer, kept as a fact of the decision (L1800 3.9). An answer
        that is not the shape agreed is no answer: the decision fails closed."""
        raw = self.roi.status(officer_id=officer_id, on=on, to_location=to_location)
        try:
            answer = RoiAnswer.model_validate(raw)
        except ValidationError as exc:
            raise Unavailable(
                f"the ROI service's answer for {officer_id} could not be read", service="roi"
            ) from exc
        return {"on": on.isoformat(), **answer.model_dump(mode="json")}

    def _awaits_probation_review(self, officer: Officer) -> bool:
        """The divisional posting on appointment was made here and its end-of-probation
        review has not happened yet (L1800 3.3.1, 'only then')."""
        return (
            officer.probation_ends_on is not None
            and not officer.probation_reviewed
            and postings_count(self.db.sessions(), officer.officer_id, PostingKind.APPOINTMENT) > 0
        )

    def decide_redeployment(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        officer_id: str,
        to_location: str,
        posting_date: date,
        rationale: str,
        travel_justification: str | None = None,
        welfare_consideration: str | None = None,
    ) -> Saved:
        """Re-deployment within a division/department by its commander or head; no panel
        (L1800 3.6.1)."""
        officer = self.officer(officer_id)
        destination = self.location(to_location)
        violations = redeployment_must_stay_within_the_deciders_unit(
            officer_division=officer.division, decider_division=principal.division
        )
        if destination.division != officer.division:
            violations += redeployment_must_stay_within_the_deciders_unit(
                officer_division=destination.division, decider_division=principal.division
            )
        unit = self.unit(officer.division)
        violations += redeployment_is_for_the_units_head(
            head_id=unit.head_id if unit else None, decider_id=principal.subject
        )
        return self._decide(
            principal=principal,
            correlation_id=correlation_id,
            kind=PostingKind.REDEPLOYMENT,
            officer_id=officer_id,
            to_location=to_location,
            likely_posting_date=posting_date,
            posting_date=posting_date,
            rationale=rationale,
            travel_justification=travel_justification,
            welfare_consideration=welfare_consideration,
            extra_violations=violations,
        )

    def _compulsory_terms(
        self,
        *,
        likely_posting_date: date,
        reasoning_for_officer: str | None,
        preferences: list[str] | None,
        preferences_not_sought_because: str | None,
    ) -> tuple[list[Violation], dict[str, Any], dict[str, Any]]:
        """What a compulsory posting must carry: preferences sought or why not, reasoning
        for the officer and a reasonable notice period (L1800 3.7.2). Returns the broken
        rules, the posting's details and the decision's facts."""
        notice_days = self.policy().notice_days
        today = london_date(self.clock.now())
        violations = (
            preferences_must_be_sought_or_explained(
                preferences=preferences, not_sought_because=preferences_not_sought_because
            )
            + reasoning_must_be_given(reasoning=reasoning_for_officer)
            + notice_must_be_given(
                decided_on=today,
                posting_date=likely_posting_date,
                notice_days=notice_days,
                agreed_days=None,
            )
        )
        details = {
            "preferences": preferences,
            "preferences_not_sought_because": preferences_not_sought_because,
            "reasoning_for_officer": reasoning_for_officer,
            "notice_days": notice_days,
        }
        return violations, details, {"notice": {"days": notice_days, "decided_on": str(today)}}

    def decide_compulsory(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        officer_id: str,
        to_location: str,
        likely_posting_date: date,
        rationale: str,
        reasoning_for_officer: str,
        preferences: list[str] | None,
        preferences_not_sought_because: str | None,
        delegation_id: UUID | None = None,
        travel_justification: str | None = None,
        welfare_consideration: str | None = None,
    ) -> Saved:
        """A compulsory / organisational-need posting by the Director of HR or delegate,
        rationale fully documented, preferences sought where possible, reasoning given and
        reasonable notice (L1800 3.7.1-3.7.2)."""
        delegation = self.authorise(principal, Power.COMPULSORY_POSTING, delegation_id)
        violations, details, facts = self._compulsory_terms(
            likely_posting_date=likely_posting_date,
            reasoning_for_officer=reasoning_for_officer,
            preferences=preferences,
            preferences_not_sought_because=preferences_not_sought_because,
        )
        return self._decide(
            principal=principal,
            correlation_id=correlation_id,
            kind=PostingKind.COMPULSORY,
            officer_id=officer_id,
            to_location=to_location,
            likely_posting_date=likely_posting_date,
            rationale=rationale,
            travel_justification=travel_justification,
            welfare_consideration=welfare_consideration,
            delegation_id=delegation,
            extra_violations=violations,
            details=details,
            facts=facts,
        )

    def decide_best_interests(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        officer_id: str,
        to_location: str,
        likely_posting_date: date,
        rationale: str,
        in_interests_of: str,
        travel_justification: str | None = None,
        welfare_consideration: str | None = None,
    ) -> Saved:
        """Posted in the best interests of the individual or the organisation, documented
        and approved by the Head of Resourcing (L1800 3.7.3)."""
        return self._decide(
            principal=principal,
            correlation_id=correlation_id,
            kind=PostingKind.BEST_INTERESTS,
            officer_id=officer_id,
            to_location=to_location,
            likely_posting_date=likely_posting_date,
            rationale=rationale,
            travel_justification=travel_justification,
            welfare_consideration=welfare_consideration,
            details={"in_interests_of": in_interests_of},
        )

    @staticmethod
    def _selection_terms(
        *,
        officer_id: str,
        to_location: str,
        selection_process: str | None,
        slt_recipients: list[str] | None,
    ) -> tuple[list[Violation], dict[str, Any], Confirmation]:
        """What a posting on selection must carry: the written confirmation to the officer
        and their local SLT, and HR Resource Planning told at once to agree a date (L1800
        3.4.1). Returns the broken rules, the posting's details and the confirmation."""
        violations = selection_must_be_confirmed_in_writing(
            selection_process=selection_process, slt_recipients=slt_recipients
        )
        recipients = [*(slt_recipients or []), HR_RESOURCE_PLANNING]
        confirmation = Confirmation(
            recipients=recipients,
            content=(
                f"Appointment confirmed on selection ({selection_process}): you are to be "
                f"posted to {to_location}. HR Resource Planning has been notified to agree "
                "the posting date, which the Resourcing Deployment Panel confirms "
                "(L1800 3.4.1-3.4.2)."
            ),
        )
        details = {
            "selection_process": selection_process,
            "confirmed_in_writing_to": [officer_id, *(slt_recipients or [])],
            "hr_resource_planning_notified": True,
        }
        return violations, details, confirmation

    def decide_selection(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        officer_id: str,
        to_location: str,
        likely_posting_date: date,
        rationale: str,
        selection_process: str,
        slt_recipients: list[str],
        travel_justification: str | None = None,
        welfare_consideration: str | None = None,
    ) -> Saved:
        """An appointment decision reached at selection, confirmed in writing to the officer
        and their local SLT, HR Resource Planning notified at once to agree the date
        (L1800 3.4.1). Only after probation and its review (3.3.1)."""
        officer = self.officer(officer_id)
        violations, details, confirmation = self._selection_terms(
            officer_id=officer_id,
            to_location=to_location,
            selection_process=selection_process,
            slt_recipients=slt_recipients,
        )
        return self._decide(
            principal=principal,
            correlation_id=correlation_id,
            kind=PostingKind.SELECTION,
            officer_id=officer_id,
            to_location=to_location,
            likely_posting_date=likely_posting_date,
            rationale=rationale,
            travel_justification=travel_justification,
            welfare_consideration=welfare_consideration,
            extra_violations=violations
            + probation_must_be_over(
                probation_ends_on=officer.probation_ends_on,
                on=london_date(self.clock.now()),
                rule="SelectionFollowsProbation",
                what="a posting on selection",
                awaiting_review=self._awaits_probation_review(officer),
            ),
            details=details,
            confirmation=confirmation,
        )

    def decide_senior(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        officer_id: str,
        to_location: str,
        likely_posting_date: date,
        rationale: str,
        flow: str,
        delegation_id: UUID | None = None,
        reasoning_for_officer: str | None = None,
        preferences: list[str] | None = None,
        preferences_not_sought_because: str | None = None,
        selection_process: str | None = None,
        slt_recipients: list[str] | None = None,
        travel_justification: str | None = None,
        welfare_consideration: str | None = None,
    ) -> Saved:
        """Chief inspector and above, through the Director of HR (L1800 3.8.2). The list
        after 3.8.3 is missing from the published text, so a senior posting follows the
        compulsory flow (3.7.2: preferences, reasoning, notice) or the selection flow
        (3.4.1: written confirmation) as its decider says (DOMAIN.md interpretation)."""
        delegation = self.authorise(principal, Power.SENIOR_POSTING, delegation_id)
        confirmation: Confirmation | None = None
        if flow == "compulsory":
            violations, details, facts = self._compulsory_terms(
                likely_posting_date=likely_posting_date,
                reasoning_for_officer=reasoning_for_officer,
                preferences=preferences,
                preferences_not_sought_because=preferences_not_sought_because,
            )
        else:
            violations, details, confirmation = self._selection_terms(
                officer_id=officer_id,
                to_location=to_location,
                selection_process=selection_process,
                slt_recipients=slt_recipients,
            )
            facts = {}
        return self._decide(
            principal=principal,
            correlation_id=correlation_id,
            kind=PostingKind.SENIOR_LEADERSHIP,
            officer_id=officer_id,
            to_location=to_location,
            likely_posting_date=likely_posting_date,
            rationale=rationale,
            travel_justification=travel_justification,
            welfare_consideration=welfare_consideration,
            delegation_id=delegation,
            extra_violations=violations,
            details={"flow": flow, **details},
            facts=facts,
            confirmation=confirmation,
        )

    def withdraw(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        posting_id: UUID,
        expected_version: int | None,
        rationale: str,
    ) -> Saved:
        """Withdraw a posting decision before it takes effect, as a decision of its own
        with rationale, by HR for the Director of HR, who has the final say on postings
        (L1800 3.1.1)."""
        posting = self.posting(posting_id)
        self._ensure_may_carry_out(principal, posting, "withdraws")
        check_expected_version(posting, expected_version)
        posting.withdraw(
            decision=decided_by(
                principal,
                clause="L1800 3.1.1",
                rationale=rationale,
                correlation_id=correlation_id,
                facts={"state_when_withdrawn": posting.state.value},
            ),
            at=self.clock.now(),
        )
        return self._saved(posting)

    # -- after the decision ------------------------------------------------------------------

    def set_date_outside_sitting(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        posting_id: UUID,
        expected_version: int | None,
        posting_date: date,
        exceptional_circumstances: str,
    ) -> Saved:
        """The Head of Resourcing sets a date outside the panel, exceptionally (3.4.2)."""
        posting = self.posting(posting_id)
        check_expected_version(posting, expected_version)
        refuse_if(
            date_outside_a_sitting_must_be_exceptional(
                exceptional_rationale=exceptional_circumstances
            )
            + self._notice_violations(posting, posting_date)
        )
        posting.confirm_date(
            posting_date=posting_date,
            sitting_id=None,
            decision=decided_by(
                principal,
                clause="L1800 3.4.2",
                rationale=exceptional_circumstances,
                correlation_id=correlation_id,
                effective_date=posting_date,
                facts={"outside_panel": True},
            ),
            at=self.clock.now(),
        )
        return self._saved(posting)

    def _notice_violations(self, posting: Posting, posting_date: date) -> list[Violation]:
        """The notice a compulsory posting (or a senior one on that flow) gives (3.7.2)."""
        if "notice_days" not in posting.details or posting.decided_on is None:
            return []
        decided_at = posting.created_on
        return notice_must_be_given(
            decided_on=london_date(decided_at),
            posting_date=posting_date,
            notice_days=int(posting.details["notice_days"]),
            agreed_days=posting.agreed_notice_days,
        )

    def delay(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        posting_id: UUID,
        expected_version: int | None,
        posting_date: date,
        rationale: str,
    ) -> Saved:
        """A posting on selection may be delayed to meet organisational need (3.4.3); any
        other kind's confirmed date is moved by the same decision under the force's right to
        set posting dates (3.4.2)."""
        posting = self.posting(posting_id)
        check_expected_version(posting, expected_version)
        posting.delay(
            posting_date=posting_date,
            decision=decided_by(
                principal,
                clause="L1800 3.4.3" if posting.kind is PostingKind.SELECTION else "L1800 3.4.2",
                rationale=rationale,
                correlation_id=correlation_id,
                effective_date=posting_date,
                facts={
                    "previous_date": posting.posting_date.isoformat()
                    if posting.posting_date
                    else None
                },
            ),
            at=self.clock.now(),
        )
        return self._saved(posting)

    def agree_shorter_notice(
        self,
        *,
        principal: Principal,
        posting_id: UUID,
        expected_version: int | None,
        agreed_days: int,
    ) -> Saved:
        """The officer's recorded agreement to a shorter notice period (3.7.2)."""
        posting = self.posting(posting_id)
        check_expected_version(posting, expected_version)
        if not principal.is_officer(posting.officer_id):
            raise NotPermitted("only the officer posted can agree to shorter notice")
        posting.agree_shorter_notice(
            agreed_days=agreed_days,
            actor_id=principal.subject,
            actor_role=principal.role,
            at=self.clock.now(),
        )
        return self._saved(posting)

    def notify_officer(
        self,
        *,
        principal: Principal,
        posting_id: UUID,
        expected_version: int | None,
        recipients: list[str],
        content: str,
    ) -> Saved:
        posting = self.posting(posting_id)
        self._ensure_may_carry_out(principal, posting, "notifies")
        check_expected_version(posting, expected_version)
        posting.notify_officer(
            recipients=recipients,
            content=content,
            actor_id=principal.subject,
            actor_role=principal.role,
            at=self.clock.now(),
        )
        return self._saved(posting)

    def move(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        posting_id: UUID,
        expected_version: int | None,
        rationale: str,
    ) -> Saved:
        """Take a posting into effect: the checks before a move pass, or the move is refused
        with every reason and nothing changes (L1800 3.1.4, 3.2.2, 3.3.1, 3.4.2, 3.7.2)."""
        posting = self.posting(posting_id)
        self._ensure_may_carry_out(principal, posting, "moves")
        check_expected_version(posting, expected_version)
        officer = self.officer(posting.officer_id)
        if posting.posting_date is None:
            raise Conflict("the posting date is not confirmed yet (L1800 3.4.2)")
        session = self.db.sessions()
        pdr: CheckResult = pdr_check(
            officer, subordinate_pdrs(session, officer.officer_id), posting.posting_date
        )
        roi = self._ask_roi(officer.officer_id, posting.posting_date, posting.to_location)
        violations, excused = self.excuse(
            officer,
            move_must_respect_the_roi_period(bound=roi["bound"], reason=roi["reason"])
            + pdr.violations
            + location_must_not_be_unsuitable(
                location=posting.to_location, restrictions=list(officer.restrictions.values())
            )
            + probation_posting_must_not_be_to_home_town(
                probation_ends_on=officer.probation_ends_on,
                home_town=officer.home_town,
                destination_town=self.location(posting.to_location).town,
                posting_date=posting.posting_date,
                exception_granted=officer.home_town_exception,
            )
            + self._notice_violations(posting, posting.posting_date),
            case=f"move under posting {posting.id}",
        )
        refuse_if(violations)
        decision = decided_by(
            principal,
            clause="L1800 3.1.4",
            rationale=rationale,
            correlation_id=correlation_id,
            effective_date=posting.posting_date,
            facts={
                **pdr.facts,
                "roi": roi,
                **excused,
                "restriction_checked": posting.to_location,
            },
        )
        posting.move(moved_on=posting.posting_date, decision=decision, at=self.clock.now())
        officer.move_to(
            location=posting.to_location,
            division=posting.division,
            posting_id=posting.id,
            at=self.clock.now(),
        )
        return self._saved(posting, officer)

    def set_aside_after_appeal(
        self, *, posting_id: UUID, appeal_id: UUID, appeal_decision: dict[str, Any]
    ) -> Saved:
        """Record, as a decision citing the appeal, that an upheld appeal set the posting
        decision aside (L1800 3.10.1: 'the appeal decision will be final')."""
        posting = self.posting(posting_id)
        posting.set_aside(
            appeal_id=appeal_id,
            decision=Decision(
                rationale=f"Appeal upheld: {appeal_decision['rationale']}",
                actor_id=appeal_decision["actor_id"],
                actor_role=Role(appeal_decision["actor_role"]),
                clause="L1800 3.10.1",
                facts={
                    "appeal_id": str(appeal_id),
                    "appeal_outcome": "upheld",
                    "state_when_set_aside": posting.state.value,
                },
                correlation_id=appeal_decision.get("correlation_id", ""),
            ),
            at=self.clock.now(),
        )
        return self._saved(posting)
