"""Postings' rules as pure functions: each returns the violations it finds (empty when the
rule is met), so a refusal can report every reason at once."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from services.postings.domain.kinds import SENIOR_RANKS, PostingKind, Power, Rank
from shared.errors import Violation

if TYPE_CHECKING:
    from services.postings.domain.delegation import Delegation


def delegation_period_must_be_ordered(valid_from: date, valid_to: date) -> list[Violation]:
    """A delegation runs from one date to a later (or the same) date (L1800 3.1.1: the
    Director of HR's powers, delegated for a period)."""
    if valid_to < valid_from:
        return [
            Violation(
                rule="DelegationPeriodMustBeOrdered",
                message=f"delegation ends ({valid_to}) before it starts ({valid_from})",
                clause="L1800 3.1.1",
                field="valid_to",
            )
        ]
    return []


def redeployment_must_stay_within_the_deciders_unit(
    *, officer_division: str, decider_division: str | None
) -> list[Violation]:
    """The divisional commander or head of department may re-deploy within their own
    division/department only (L1800 3.6.1)."""
    if decider_division is None:
        return [
            Violation(
                rule="RedeploymentMustStayWithinTheDecidersUnit",
                message="the decider's division/department is not known from their identity",
                clause="L1800 3.6.1",
            )
        ]
    if officer_division != decider_division:
        return [
            Violation(
                rule="RedeploymentMustStayWithinTheDecidersUnit",
                message=(
                    f"the officer serves in {officer_division}, outside the decider's "
                    f"{decider_division}"
                ),
                clause="L1800 3.6.1",
                field="officer_id",
            )
        ]
    return []


def move_must_change_place_of_duty(*, current: str, proposed: str) -> list[Violation]:
    """A posting moves the officer to a new place of duty (L1800 3.1.1: the normal place
    of duty is a police station or other establishment)."""
    if current == proposed:
        return [
            Violation(
                rule="PostingMustChangePlaceOfDuty",
                message=f"the officer already serves at {current}",
                clause="L1800 3.1.1",
                field="to_location",
            )
        ]
    return []


def delegation_must_cover_the_decision(
    *,
    delegation: Delegation | None,
    power: Power,
    actor_id: str,
    on: date,
) -> list[Violation]:
    """A decision taken 'or appropriate delegate' names a delegation from the Director of
    HR that is to this person, covers this power, is in force on the day and is not revoked
    (L1800 3.1.1)."""

    def refuse(message: str) -> list[Violation]:
        return [
            Violation(
                rule="DelegationMustCoverTheDecision",
                message=message,
                clause="L1800 3.1.1",
                field="delegation_id",
            )
        ]

    if delegation is None:
        return refuse("only the Director of HR, or a delegate naming their delegation, may decide")
    if delegation.delegate_id != actor_id:
        return refuse("the delegation named is to someone else")
    if delegation.revoked:
        return refuse("the delegation named has been revoked")
    if power not in delegation.powers:
        return refuse(f"the delegation named does not cover {power.value}")
    if on < delegation.valid_from:
        return refuse(f"the delegation named starts on {delegation.valid_from}")
    if on > delegation.valid_to:
        return refuse(f"the delegation named expired on {delegation.valid_to}")
    return []


def senior_officers_are_posted_through_the_senior_flow(
    *, rank: Rank, kind: PostingKind
) -> list[Violation]:
    """Senior leadership postings are those of every officer of chief inspector rank or
    above (L1800 3.8.1); they go through the Director of HR (3.8.2)."""
    senior = rank in SENIOR_RANKS
    if senior and kind is not PostingKind.SENIOR_LEADERSHIP:
        return [
            Violation(
                rule="SeniorOfficersArePostedThroughTheSeniorFlow",
                message=f"a {rank.value} is posted as a senior leadership posting",
                clause="L1800 3.8.1",
            )
        ]
    if not senior and kind is PostingKind.SENIOR_LEADERSHIP:
        return [
            Violation(
                rule="SeniorLeadershipPostingsAreForChiefInspectorsAndAbove",
                message=f"a {rank.value} is below chief inspector",
                clause="L1800 3.8.1",
            )
        ]
    return []


def notice_must_be_given(
    *, decided_on: date, posting_date: date, notice_days: int, agreed_days: int | None
) -> list[Violation]:
    """A reasonable notice period is given before a compulsory posting; it may be reduced
    only in agreement with the officer (L1800 3.7.2)."""
    required = notice_days if agreed_days is None else min(notice_days, agreed_days)
    given = (posting_date - decided_on).days
    if given < required:
        agreed = "" if agreed_days is None else f" (the officer agreed to {agreed_days})"
        return [
            Violation(
                rule="NoticePeriodMustBeGiven",
                message=(
                    f"{given} days' notice is less than the {required} required{agreed}; a "
                    "shorter period needs the officer's recorded agreement"
                ),
                clause="L1800 3.7.2",
                field="posting_date",
            )
        ]
    return []


def preferences_must_be_sought_or_explained(
    *, preferences: list[str] | None, not_sought_because: str | None
) -> list[Violation]:
    """Where possible preferences are sought before a compulsory posting; where they were
    not, the decision says why (L1800 3.7.2)."""
    if preferences is None and not (not_sought_because and not_sought_because.strip()):
        return [
            Violation(
                rule="PreferencesMustBeSoughtOrExplained",
                message="record the officer's preferences, or why they were not sought",
                clause="L1800 3.7.2",
                field="preferences",
            )
        ]
    return []


def date_outside_a_sitting_must_be_exceptional(
    *, exceptional_rationale: str | None
) -> list[Violation]:
    """All posting dates are confirmed by the monthly Resourcing Deployment Panel; only in
    exceptional circumstances does the Head of Resourcing set one outside it (L1800
    3.4.2)."""
    if not (exceptional_rationale and exceptional_rationale.strip()):
        return [
            Violation(
                rule="DateOutsideASittingMustBeExceptional",
                message="a date set outside a panel sitting needs the exceptional circumstances",
                clause="L1800 3.4.2",
                field="exceptional_circumstances",
            )
        ]
    return []


def initial_training_must_be_complete(*, complete: bool) -> list[Violation]:
    """Officers are posted to a division once they have completed their initial training
    at the college (L1800 3.3.1)."""
    if not complete:
        return [
            Violation(
                rule="InitialTrainingMustBeComplete",
                message="the officer has not completed initial training at the college",
                clause="L1800 3.3.1",
            )
        ]
    return []


def first_posting_is_to_the_college(*, location_kind: str) -> list[Violation]:
    """On appointment, all officers are posted to Kent Police College (L1800 3.3.1)."""
    if location_kind != "college":
        return [
            Violation(
                rule="FirstPostingIsToTheCollege",
                message="on appointment an officer is posted to the police college",
                clause="L1800 3.3.1",
                field="to_location",
            )
        ]
    return []


def probation_must_be_over(
    *,
    probation_ends_on: date | None,
    on: date,
    rule: str,
    what: str,
    awaiting_review: bool = False,
) -> list[Violation]:
    """Only once probation is complete may an officer apply for a transfer (3.5) or be
    posted on selection, and only then is the divisional posting reviewed (L1800 3.3.1).
    Where the divisional posting was made here, the review by HR Resource Planning comes
    first too: 'Upon conclusion ... will review ... Once officers have completed their
    probation, they are eligible' (DOMAIN.md: 'only then')."""
    if probation_ends_on is not None and on <= probation_ends_on:
        return [
            Violation(
                rule=rule,
                message=f"{what} waits for the end of probation on {probation_ends_on}",
                clause="L1800 3.3.1",
            )
        ]
    if awaiting_review:
        return [
            Violation(
                rule=rule,
                message=f"{what} waits for HR Resource Planning's review of the divisional "
                "posting at the end of probation",
                clause="L1800 3.3.1",
            )
        ]
    return []


def one_open_posting_at_a_time(*, open_posting_ids: list[str]) -> list[Violation]:
    """An officer has one normal place of duty (L1800 3.1.1), so one posting at a time is
    on its way: a second waits until the first has taken effect or been withdrawn."""
    if open_posting_ids:
        return [
            Violation(
                rule="OneOpenPostingAtATime",
                message="the officer already has a posting on its way; withdraw it first",
                clause="L1800 3.1.1",
                field="officer_id",
                details={"open_postings": open_posting_ids},
            )
        ]
    return []


def reasoning_must_be_given(*, reasoning: str | None) -> list[Violation]:
    """Reasoning for a compulsory posting is given to the officer (L1800 3.7.2)."""
    if not (reasoning and reasoning.strip()):
        return [
            Violation(
                rule="ReasoningMustBeGiven",
                message="give the officer the reasoning for the posting",
                clause="L1800 3.7.2",
                field="reasoning_for_officer",
            )
        ]
    return []


def selection_must_be_confirmed_in_writing(
    *, selection_process: str | None, slt_recipients: list[str] | None
) -> list[Violation]:
    """An appointment on selection is confirmed in writing to the officer and their
    local SLT by whoever managed the selection process (L1800 3.4.1)."""
    found = []
    if not (selection_process and selection_process.strip()):
        found.append(
            Violation(
                rule="SelectionMustBeConfirmedInWriting",
                message="name the selection process the appointment was decided in",
                clause="L1800 3.4.1",
                field="selection_process",
            )
        )
    if not slt_recipients:
        found.append(
            Violation(
                rule="SelectionMustBeConfirmedInWriting",
                message="name the officer's local SLT, who are told in writing",
                clause="L1800 3.4.1",
                field="slt_recipients",
            )
        )
    return found


def first_posting_is_on_appointment(*, earlier_postings: int, trained: bool) -> list[Violation]:
    """The college posting is the one made on appointment, before initial training
    (L1800 3.3.1); an officer already posted or trained is posted by another kind."""
    if earlier_postings or trained:
        return [
            Violation(
                rule="CollegePostingIsOnAppointment",
                message="the college posting is made on appointment, before any other posting "
                "and before initial training is complete",
                clause="L1800 3.3.1",
                field="officer_id",
            )
        ]
    return []


def divisional_posting_is_for_the_probation(
    *, probation_ends_on: date | None, on: date, reviewed: bool, review_outcome: str | None
) -> list[Violation]:
    """The divisional posting on appointment is made during probation; after it, only the
    review at its end may change it (L1800 3.3.1). Later moves are other kinds of posting."""
    if probation_ends_on is not None and on <= probation_ends_on:
        return []
    if reviewed and review_outcome == "changed":
        return []
    message = (
        "the officer has no probation on record: post them by another kind"
        if probation_ends_on is None
        else "probation has ended: the divisional posting changes only through its review"
        if not reviewed
        else "the review confirmed the divisional posting; post them by another kind"
    )
    return [
        Violation(
            rule="DivisionalPostingIsForTheProbation",
            message=message,
            clause="L1800 3.3.1",
            field="officer_id",
        )
    ]


def declining_must_give_reasons(*, reasons: str | None) -> list[Violation]:
    """If a 1068 is not supported the SLT tells the officer why, and it is documented
    (L1800 3.5.3)."""
    if not (reasons and reasons.strip()):
        return [
            Violation(
                rule="DecliningMustGiveReasons",
                message="say why the request is not supported; the officer is told",
                clause="L1800 3.5.3",
                field="rationale",
            )
        ]
    return []


def request_must_be_supported_by_the_slt(*, state: str) -> list[Violation]:
    """A 1068 reaches the posting plan only once the SLT endorses it (L1800 3.5.4)."""
    if state != "supported":
        return [
            Violation(
                rule="RequestMustBeSupportedByTheSlt",
                message=f"the request is {state}; only a supported request goes into the plan",
                clause="L1800 3.5.4",
                field="request_id",
            )
        ]
    return []


#: Protocol rules an HR policy owner may set aside case by case (L1 2.4). Not the
#: Professional Standards restriction, which has its own dual-support exception (3.2.2),
#: nor the probation home-town rule, whose exception is the Director of HR's (3.3.1).
EXCEPTABLE_RULES = frozenset(
    {
        "PdrMustBeCompletedBeforeTheMove",
        "TransferRequestsFollowProbation",
        "SelectionFollowsProbation",
        "InitialTrainingMustBeComplete",
    }
)
# Not exceptable: the notice period, which 3.7.2 lets only the officer's own agreement
# shorten (an exception would take that from them), and the travel justification, which
# is not a bar but a reason the decision must give (3.2.1).


def exception_must_name_a_protocol_rule(rule: str) -> list[Violation]:
    """A policy owner's exception names the protocol rule it sets aside (L1 2.4)."""
    if rule not in EXCEPTABLE_RULES:
        return [
            Violation(
                rule="ExceptionMustNameAProtocolRule",
                message=f"{rule!r} is not a protocol rule an HR policy owner may set aside",
                clause="L1 2.4",
                field="rule",
                details={"exceptable": sorted(EXCEPTABLE_RULES)},
            )
        ]
    return []


def redeployment_is_for_the_units_head(*, head_id: str | None, decider_id: str) -> list[Violation]:
    """Within a division/department it is its commander or head who re-deploys (L1800
    3.6.1); where the unit's head is on record, it must be them."""
    if head_id is not None and head_id != decider_id:
        return [
            Violation(
                rule="RedeploymentIsForTheUnitsCommanderOrHead",
                message="only the commander or head on record for this unit re-deploys within it",
                clause="L1800 3.6.1",
            )
        ]
    return []


def move_must_respect_the_roi_period(*, bound: bool, reason: str) -> list[Violation]:
    """An officer inside an ROI period cannot move before it ends unless released early for
    this move (L1800 3.9.1-3.9.3)."""
    if bound:
        return [
            Violation(
                rule="MoveMustRespectTheRoiPeriod",
                message=reason,
                clause="L1800 3.9.3",
            )
        ]
    return []
