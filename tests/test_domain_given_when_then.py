"""Each aggregate of postings, appeals and ROI, given / when / then: the events a command
triggers, and the rule that refuses it (the aggregate owns the "only one" and "not twice"
rules; the handlers compose the rest)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

from services.appeals.domain.appeal import Appeal
from services.appeals.domain.appealable_decision import (
    AppealableDecision,
    appealable_decision_id,
)
from services.appeals.domain.late_permission import LatePermission, late_permission_id
from services.appeals.domain.rules.s3_10_appeals import (
    AppealIsAgainstADecisionInForce,
    AppealIsHeardBeforeItIsDecided,
    OneAppealPerDecisionAndAppellant,
    OneOutcomePerAppeal,
    OnlyTheAppellantWithdraws,
    OnlyTheAssignedHearerDecides,
)
from services.postings.domain.delegation import Delegation
from services.postings.domain.details import CompulsoryDetails
from services.postings.domain.kinds import PostingKind, Power, Rank, RestrictionSource
from services.postings.domain.officer import Officer
from services.postings.domain.panel import PanelSitting
from services.postings.domain.posting import Posting
from services.postings.domain.request1068 import TransferRequest
from services.postings.domain.rules.l1_2_4_exceptions import OneExceptionWaitingPerRule
from services.postings.domain.rules.s3_1_general import (
    DelegationIsRevokedOnce,
    DelegationPeriodMustBeOrdered,
    PostingIsCarriedForwardOnlyWhileOnItsWay,
    PostingIsWithdrawnBeforeItTakesEffect,
)
from services.postings.domain.rules.s3_2_general_postings import LocationIsRestrictedOnceBySource
from services.postings.domain.rules.s3_3_appointment import ProbationIsReviewedOnce
from services.postings.domain.rules.s3_4_selection import (
    DateIsConfirmedBeforeTheMove,
    DelayMovesTheDateLater,
    OneOutcomePerPostingPerSitting,
    PostingDateIsConfirmedOnce,
    SittingIsOpen,
)
from services.postings.domain.rules.s3_5_requests import RequestIsDecidedOnce
from services.postings.domain.rules.s3_10_appeals import PostingIsSetAsideOnce
from services.roi.domain.commitment import Commitment
from services.roi.domain.course_record import CourseRecord, course_record_id
from services.roi.domain.rules.s3_9_roi import (
    CommitmentEndsOnce,
    EarlyReleaseIsForOneMove,
    NoticeIsRecordedOnce,
)
from shared.ledger import Decision
from shared.roles import Role
from tests.support.gwt import given, refused, then

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
HR: dict[str, Any] = {"actor_id": "hr", "actor_role": Role.HR_RESOURCE_PLANNING}
LD: dict[str, Any] = {"actor_id": "ld", "actor_role": Role.HEAD_OF_L_AND_D}


def decision(actor: str = "dhr", role: Role = Role.DIRECTOR_OF_HR) -> Decision:
    return Decision(rationale="Recorded", actor_id=actor, actor_role=role, clause="L1800 3.7.1")


def officer() -> Officer:
    return Officer.register(
        at=AT,
        officer_id="K100",
        name="Alex Smith",
        rank=Rank.CONSTABLE,
        division="north",
        place_of_duty="maidstone",
        appointed_on=date(2020, 1, 1),
        home_town=None,
        home=None,
        probation_ends_on=date(2021, 1, 1),
        initial_training_complete=True,
        supervisor_id=None,
        skills=[],
        working_pattern="full_time",
        welfare_factors=[],
        **HR,
    )


def posting(**overrides: object) -> Posting:
    values: dict[str, object] = {
        "decision": decision(),
        "kind": PostingKind.COMPULSORY,
        "officer_id": "K100",
        "division": "north",
        "from_location": "maidstone",
        "to_location": "tonbridge",
        "details": CompulsoryDetails(notice_days=28),
        "at": AT,
    }
    values.update(overrides)
    return Posting.decide(**values)  # type: ignore[arg-type]


# -- the officer owns one posting on its way (L1800 3.1.1) -------------------------------


def test_an_officer_opens_a_posting_and_its_move_or_withdrawal_closes_it() -> None:
    k100 = given(officer())
    first, second = uuid4(), uuid4()
    k100.open_a_posting(posting_id=first, kind=PostingKind.COMPULSORY, at=AT)
    (opened,) = then(k100, Officer.PostingOpened)
    assert (k100.open_posting, k100.postings_decided) == (first, 1)
    k100.close_the_posting(posting_id=first, why="withdrawn", at=AT)
    then(k100, Officer.PostingClosed)
    assert k100.open_posting is None
    k100.open_a_posting(posting_id=second, kind=PostingKind.APPOINTMENT, at=AT)
    k100.move_to(location="tonbridge", division="north", posting_id=second, at=AT)
    then(k100, Officer.PostingOpened, Officer.PlaceOfDutyChanged)
    assert (k100.open_posting, k100.appointment_posted_here) == (None, True)
    assert opened.kind is PostingKind.COMPULSORY


def test_closing_a_posting_that_is_not_the_open_one_records_nothing() -> None:
    k100 = given(officer())
    k100.open_a_posting(posting_id=uuid4(), kind=PostingKind.COMPULSORY, at=AT)
    given(k100)
    k100.close_the_posting(posting_id=uuid4(), why="set_aside", at=AT)
    then(k100)


def test_an_officer_registered_now_records_its_postings() -> None:
    assert officer().tracks_postings is True


def test_an_officers_once_only_decisions() -> None:
    k100 = given(officer())
    k100.restrict(
        location="dover", source=RestrictionSource.OFFICER_REQUEST, decision=decision(), at=AT
    )
    then(k100, Officer.LocationRestricted)
    with refused(LocationIsRestrictedOnceBySource, k100):
        k100.restrict(
            location="dover", source=RestrictionSource.OFFICER_REQUEST, decision=decision(), at=AT
        )
    k100.review_probation(outcome="confirmed", decision=decision(), at=AT)
    then(k100, Officer.ProbationReviewed)
    with refused(ProbationIsReviewedOnce, k100):
        k100.review_probation(outcome="changed", decision=decision(), at=AT)
    k100.grant_exception(rule="SelectionFollowsProbation", decision=decision(), at=AT)
    then(k100, Officer.PolicyExceptionGranted)
    with refused(OneExceptionWaitingPerRule, k100):
        k100.grant_exception(rule="SelectionFollowsProbation", decision=decision(), at=AT)


# -- a posting from decision to move -----------------------------------------------------


def test_a_notification_records_whether_it_started_the_appeal_window() -> None:
    decided = given(posting())
    decided.notify_officer(recipients=["slt-north"], content="FYI", at=AT, **HR)
    decided.notify_officer(recipients=["K100"], content="You are posted", at=AT, **HR)
    decided.notify_officer(recipients=["K100"], content="Reminder", at=AT, **HR)
    to_slt, to_officer, reminder = then(decided, *[Posting.OfficerNotified] * 3)
    assert [n.starts_appeal_window for n in (to_slt, to_officer, reminder)] == [
        False,
        True,
        False,
    ]
    assert decided.notified_at == to_officer.notified_at


def test_a_date_is_confirmed_once_and_moved_only_later() -> None:
    decided = given(posting())
    with refused(DateIsConfirmedBeforeTheMove, decided):
        decided.move(moved_on=date(2027, 1, 11), decision=decision(), at=AT)
    decided.confirm_date(
        posting_date=date(2027, 1, 11), sitting_id=None, decision=decision(), at=AT
    )
    then(decided, Posting.DateConfirmed)
    with refused(PostingDateIsConfirmedOnce, decided):
        decided.confirm_date(
            posting_date=date(2027, 1, 12), sitting_id=None, decision=decision(), at=AT
        )
    with refused(DelayMovesTheDateLater, decided):
        decided.delay(posting_date=date(2027, 1, 10), decision=decision(), at=AT)
    decided.move(moved_on=date(2027, 1, 11), decision=decision(), at=AT)
    then(decided, Posting.Moved)
    with refused(PostingIsWithdrawnBeforeItTakesEffect, decided):
        decided.withdraw(decision=decision(), at=AT)
    with refused(PostingIsCarriedForwardOnlyWhileOnItsWay, decided):
        decided.delay(posting_date=date(2027, 2, 1), decision=decision(), at=AT)


def test_an_upheld_appeal_sets_a_posting_aside_once() -> None:
    decided = given(posting())
    decided.set_aside(appeal_id=uuid4(), decision=decision(), at=AT)
    (set_aside,) = then(decided, Posting.SetAside)
    assert set_aside.effect == "cancelled"
    with refused(PostingIsSetAsideOnce, decided):
        decided.set_aside(appeal_id=uuid4(), decision=decision(), at=AT)
    withdrawn = given(posting())
    withdrawn.withdraw(decision=decision(), at=AT)
    given(withdrawn)
    with refused(PostingIsSetAsideOnce, withdrawn):
        withdrawn.set_aside(appeal_id=uuid4(), decision=decision(), at=AT)


# -- delegations, the panel, 1068 requests --------------------------------------------


def test_a_delegation_is_exercised_by_each_decision_and_revoked_once() -> None:
    with refused(DelegationPeriodMustBeOrdered):
        Delegation.grant(
            decision=decision(),
            delegate_id="hr-1",
            powers=[Power.COMPULSORY_POSTING],
            valid_from=date(2027, 1, 2),
            valid_to=date(2027, 1, 1),
            at=AT,
        )
    delegation = given(
        Delegation.grant(
            decision=decision(),
            delegate_id="hr-1",
            powers=[Power.COMPULSORY_POSTING],
            valid_from=date(2026, 11, 1),
            valid_to=date(2027, 11, 1),
            at=AT,
        )
    )
    delegation.exercise(power=Power.COMPULSORY_POSTING, case_id=uuid4(), decided_by="hr-1", at=AT)
    then(delegation, Delegation.Exercised)
    delegation.revoke(decision=decision(), at=AT)
    then(delegation, Delegation.Revoked)
    with refused(DelegationIsRevokedOnce, delegation):
        delegation.revoke(decision=decision(), at=AT)


def test_a_sitting_records_one_outcome_per_posting_until_it_closes() -> None:
    sitting = given(PanelSitting.schedule(sits_on=date(2026, 12, 3), at=AT, **HR))
    posting_id = uuid4()
    sitting.record_outcome(posting_id=posting_id, outcome="deferred", at=AT)
    then(sitting, PanelSitting.OutcomeRecorded)
    with refused(OneOutcomePerPostingPerSitting, sitting):
        sitting.record_outcome(posting_id=posting_id, outcome="date_confirmed", at=AT)
    sitting.close(at=AT, **HR)
    then(sitting, PanelSitting.Closed)
    with refused(SittingIsOpen, sitting):
        sitting.record_outcome(posting_id=uuid4(), outcome="deferred", at=AT)
    with refused(SittingIsOpen, sitting):
        sitting.close(at=AT, **HR)


def test_a_1068_is_decided_once_and_fulfilled_once_supported() -> None:
    def submitted() -> TransferRequest:
        return given(
            TransferRequest.submit(
                officer_id="K100",
                division="north",
                grounds="development",
                reasons="Detective pathway",
                roles_sought=[],
                locations_sought=[],
                actor_id="K100",
                actor_role=Role.OFFICER,
                at=AT,
            )
        )

    declined = submitted()
    with refused(RequestIsDecidedOnce, declined):
        declined.fulfil(posting_id=uuid4(), at=AT)
    declined.decline(decision=decision("slt", Role.SLT), at=AT)
    then(declined, TransferRequest.Declined)
    with refused(RequestIsDecidedOnce, declined):
        declined.support(decision=decision("slt", Role.SLT), at=AT)
    supported = submitted()
    supported.support(decision=decision("slt", Role.SLT), at=AT)
    supported.fulfil(posting_id=uuid4(), at=AT)
    then(supported, TransferRequest.Supported, TransferRequest.Fulfilled)
    with refused(RequestIsDecidedOnce, supported):
        supported.fulfil(posting_id=uuid4(), at=AT)


# -- appeals (L1800 3.10.1) --------------------------------------------------------------


def lodged() -> Appeal:
    return given(
        Appeal.lodge(
            posting_id=uuid4(),
            officer_id="K100",
            appellant_id="K100",
            appellant_role=Role.OFFICER,
            grounds="Not asked for preferences",
            deadline=date(2026, 12, 7),
            late_exception=False,
            at=AT,
        )
    )


def test_an_appeal_is_heard_by_the_person_assigned_and_decided_once() -> None:
    appeal = lodged()
    hearer = decision("ch-supt-south", Role.DIVISIONAL_COMMANDER)
    with refused(AppealIsHeardBeforeItIsDecided, appeal):
        appeal.decide(outcome="upheld", decision=hearer, at=AT)
    appeal.assign(
        hearer_id="ch-supt-south", level="chief superintendent", decision=decision(), at=AT
    )
    then(appeal, Appeal.Assigned)
    with refused(OnlyTheAssignedHearerDecides, appeal):
        appeal.decide(outcome="upheld", decision=decision("someone-else"), at=AT)
    appeal.decide(outcome="dismissed", decision=hearer, at=AT)
    (decided,) = then(appeal, Appeal.Decided)
    assert decided.posting_id == appeal.posting_id
    with refused(OneOutcomePerAppeal, appeal):
        appeal.decide(outcome="upheld", decision=hearer, at=AT)
    with refused(OneOutcomePerAppeal, appeal):
        appeal.withdraw(actor_id="K100", actor_role=Role.OFFICER, at=AT)


def test_an_appeal_is_withdrawn_by_its_appellant_and_closed_only_while_open() -> None:
    appeal = lodged()
    with refused(OnlyTheAppellantWithdraws, appeal):
        appeal.withdraw(actor_id="K101", actor_role=Role.OFFICER, at=AT)
    appeal.close(reason="posting_withdrawn", posting_event=42, at=AT)
    (closed,) = then(appeal, Appeal.Closed)
    assert (appeal.state, closed.reason) == ("closed", "posting_withdrawn")
    appeal.close(reason="posting_set_aside", posting_event=43, at=AT)
    then(appeal)


def test_an_appealable_decision_takes_one_appeal_per_appellant_until_it_ends() -> None:
    posting_id = uuid4()
    held = given(AppealableDecision.open(posting_id=posting_id, at=AT))
    assert held.id == appealable_decision_id(posting_id)
    first, second, third = uuid4(), uuid4(), uuid4()
    held.lodge(appeal_id=first, appellant_id="K100", live_before=None, in_time=[], at=AT)
    then(held, AppealableDecision.AppealLodged)
    with refused(OneAppealPerDecisionAndAppellant, held):
        held.lodge(appeal_id=second, appellant_id="K100", live_before=None, in_time=[], at=AT)
    held.give_back(appeal_id=first, appellant_id="K100", at=AT)
    held.lodge(appeal_id=second, appellant_id="K100", live_before=None, in_time=[], at=AT)
    then(held, AppealableDecision.AppealGivenBack, AppealableDecision.AppealLodged)
    held.end(status="withdrawn", posting_event=7, at=AT)
    then(held, AppealableDecision.Ended)
    assert held.appeals == [first, second]
    with refused(AppealIsAgainstADecisionInForce, held):
        held.lodge(appeal_id=third, appellant_id="acc-ops", live_before=None, in_time=[], at=AT)
    held.end(status="set_aside", posting_event=8, at=AT)
    then(held)


def test_an_appeal_from_before_decisions_were_held_still_counts() -> None:
    held = given(AppealableDecision.open(posting_id=uuid4(), at=AT))
    with refused(OneAppealPerDecisionAndAppellant, held):
        held.lodge(appeal_id=uuid4(), appellant_id="K100", live_before=uuid4(), in_time=[], at=AT)


def test_a_late_permission_has_the_id_of_its_decision_and_appellant() -> None:
    posting_id = uuid4()
    permission = LatePermission.grant(
        decision=decision("head-of-hr", Role.HR_POLICY_OWNER),
        posting_id=posting_id,
        appellant_id="K100",
        at=AT,
    )
    assert permission.id == late_permission_id(posting_id, "K100")
    then(permission, LatePermission.Granted)


# -- ROI (L1800 3.9) ---------------------------------------------------------------------


def enrolled(starts_on: date = date(2027, 1, 4)) -> Commitment:
    return given(
        Commitment.enrol(
            officer_id="K100",
            designation_id=uuid4(),
            course_code="DET-1",
            starts_on=starts_on,
            ends_on=date(2027, 3, 26),
            period_months=18,
            actor_id="ld",
            actor_role=Role.HEAD_OF_L_AND_D,
            at=AT,
        )
    )


def test_a_commitment_records_its_periods_end_and_whether_it_binds_when_decided() -> None:
    commitment = enrolled()
    assert commitment.period_ends_on == date(2028, 9, 26)  # planned, recorded on enrolment
    commitment.record_notice(notified_on=date(2026, 12, 1), at=AT, **LD)
    (notice,) = then(commitment, Commitment.NoticeRecorded)
    assert notice.binds is True
    with refused(NoticeIsRecordedOnce, commitment):
        commitment.record_notice(notified_on=date(2026, 12, 2), at=AT, **LD)
    commitment.complete(completed_on=date(2027, 3, 31), at=AT, **LD)
    (completed,) = then(commitment, Commitment.Completed)
    assert (completed.period_ends_on, completed.binds) == (date(2028, 9, 30), True)
    assert commitment.bound_on(date(2028, 9, 30))
    assert not commitment.bound_on(date(2028, 10, 1))
    with refused(CommitmentEndsOnce, commitment):
        commitment.end(reason="withdrawn", decision=decision(), at=AT)


def test_notice_on_the_first_day_is_recorded_but_does_not_bind() -> None:
    commitment = enrolled(starts_on=date(2027, 1, 4))
    commitment.record_notice(notified_on=date(2027, 1, 4), at=AT, **LD)
    (notice,) = then(commitment, Commitment.NoticeRecorded)
    assert notice.binds is False
    assert not commitment.bound_on(date(2027, 6, 1))


def test_an_early_release_is_for_one_move() -> None:
    commitment = enrolled()
    commitment.release(
        to_location="dover", route="force_resourcing_panel", decision=decision(), at=AT
    )
    then(commitment, Commitment.Released)
    with refused(EarlyReleaseIsForOneMove, commitment):
        commitment.release(to_location="ashford", route="local", decision=decision(), at=AT)


def test_an_officers_record_on_a_course_has_the_id_of_the_officer_and_course() -> None:
    record = given(CourseRecord.open(officer_id="K100", course_code="DET-1", at=AT))
    assert record.id == course_record_id("K100", "DET-1")
    first = uuid4()
    record.start(commitment_id=first, at=AT)
    then(record, CourseRecord.CommitmentStarted)
    assert record.latest == first
