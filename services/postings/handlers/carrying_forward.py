"""After the decision: the date set outside a sitting (3.4.2), a delay (3.4.3), the
officer's agreement to shorter notice (3.7.2), the notification to the officer, the move
itself after the checks (3.1.4, 3.2.2, 3.3.1, 3.7.2, 3.9), withdrawal (3.1.1) and the
setting aside after an upheld appeal (3.10.1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from services.postings.application import PostingsApplication
from services.postings.clients.roi import RoiQuestion
from services.postings.commands import (
    AgreeShorterNotice,
    DelayPosting,
    MoveOfficer,
    NotifyOfficer,
    SetAsideAfterAppeal,
    SetDateOutsideSitting,
    WithdrawPosting,
)
from services.postings.domain.details import notice_days_of
from services.postings.domain.kinds import PostingKind
from services.postings.domain.officer import officer_aggregate_id
from services.postings.domain.posting import Posting
from services.postings.domain.rules.s3_2_general_postings import LocationMustNotBeUnsuitable
from services.postings.domain.rules.s3_3_appointment import ProbationPostingMustNotBeToHomeTown
from services.postings.domain.rules.s3_4_selection import (
    DateIsConfirmedBeforeTheMove,
    DateOutsideASittingMustBeExceptional,
)
from services.postings.domain.rules.s3_6_redeployment import (
    CommandersCarryForwardTheirOwnRedeployments,
)
from services.postings.domain.rules.s3_7_compulsory import (
    NoticePeriodMustBeGiven,
    OnlyTheOfficerAgreesToShorterNotice,
)
from services.postings.domain.rules.s3_9_roi import MoveMustRespectTheRoiPeriod
from services.postings.handlers.base import PostingsHandler
from services.postings.handlers.decision_path import RoiAsked, ask_roi
from services.postings.handlers.exceptions import excuse
from services.postings.handlers.facts import pdr_check
from shared.errors import Violation, refuse_if
from shared.handling import Actor, Command, Saved
from shared.identity import Principal
from shared.ledger import Decision, decided_by
from shared.roles import Role

C = TypeVar("C", bound=Command)


def ensure_may_carry_out(principal: Principal, posting: Posting, what: str) -> None:
    """Who carries a posting forward beyond HR: a divisional commander or head of
    department only their own re-deployments within their own division (L1800 3.6.1:
    every other kind goes through HR and the panel, 3.4.2); a line manager only the
    selection they decided (3.4.1)."""
    if principal.role in (Role.DIVISIONAL_COMMANDER, Role.HEAD_OF_DEPARTMENT):
        own = posting.kind is PostingKind.REDEPLOYMENT and principal.serves_in(posting.division)
        if not own:
            CommandersCarryForwardTheirOwnRedeployments.forbid(
                f"a commander or head {what} only re-deployments within their own division"
            )
    elif principal.role is Role.LINE_MANAGER and not principal.is_staff(posting.decided_by):
        CommandersCarryForwardTheirOwnRedeployments.forbid(
            f"a line manager {what} only the postings they decided"
        )


def notice_violations(posting: Posting, posting_date: date) -> list[Violation]:
    """The notice a compulsory posting (or a senior one on that flow) gives (3.7.2), counted
    from the day it was decided."""
    notice_days = notice_days_of(posting.details)
    if notice_days is None or posting.likely_posting_date is None:
        return []
    return NoticePeriodMustBeGiven.check(
        decided_on=posting.decided_on,
        posting_date=posting_date,
        notice_days=notice_days,
        agreed_days=posting.agreed_notice_days,
    )


class PostingCommandHandler(PostingsHandler[C]):
    def posting(self, posting_id: Any, actor: Actor) -> Posting:
        self.app.serialise_on(posting_id)
        posting = self.app.posting(posting_id)
        return posting


class SetDateOutsideSittingHandler(PostingCommandHandler[SetDateOutsideSitting]):
    command = SetDateOutsideSitting

    def handle(self, command: SetDateOutsideSitting, actor: Actor, prepared: Any) -> Saved:
        """The Head of Resourcing sets a date outside the panel, exceptionally (3.4.2)."""
        posting = self.posting(command.posting_id, actor)
        refuse_if(
            DateOutsideASittingMustBeExceptional.check(
                exceptional_rationale=command.exceptional_circumstances
            )
            + notice_violations(posting, command.posting_date)
        )
        posting.confirm_date(
            posting_date=command.posting_date,
            sitting_id=None,
            decision=decided_by(
                actor.principal,
                clause="L1800 3.4.2",
                rationale=command.exceptional_circumstances,
                correlation_id=actor.correlation_id,
                effective_date=command.posting_date,
                facts={"outside_panel": True},
            ),
            at=self.app.clock.now(),
        )
        return self.saved(posting)


class DelayPostingHandler(PostingCommandHandler[DelayPosting]):
    command = DelayPosting

    def handle(self, command: DelayPosting, actor: Actor, prepared: Any) -> Saved:
        """A posting on selection may be delayed to meet organisational need (3.4.3); any
        other kind's confirmed date is moved by the same decision under the force's right to
        set posting dates (3.4.2)."""
        posting = self.posting(command.posting_id, actor)
        posting.delay(
            posting_date=command.posting_date,
            decision=decided_by(
                actor.principal,
                clause="L1800 3.4.3" if posting.kind is PostingKind.SELECTION else "L1800 3.4.2",
                rationale=command.rationale,
                correlation_id=actor.correlation_id,
                effective_date=command.posting_date,
                facts={
                    "previous_date": posting.posting_date.isoformat()
                    if posting.posting_date
                    else None
                },
            ),
            at=self.app.clock.now(),
        )
        return self.saved(posting)


class AgreeShorterNoticeHandler(PostingCommandHandler[AgreeShorterNotice]):
    command = AgreeShorterNotice

    def authorise(self, command: AgreeShorterNotice, actor: Actor) -> None:
        if not actor.principal.is_officer(self.app.posting(command.posting_id).officer_id):
            OnlyTheOfficerAgreesToShorterNotice.forbid(
                "only the officer posted can agree to shorter notice"
            )

    def handle(self, command: AgreeShorterNotice, actor: Actor, prepared: Any) -> Saved:
        """The officer's recorded agreement to a shorter notice period (3.7.2)."""
        posting = self.app.posting(command.posting_id)
        posting.agree_shorter_notice(
            agreed_days=command.agreed_days,
            actor_id=actor.principal.person_id,
            actor_role=actor.principal.role,
            at=self.app.clock.now(),
        )
        return self.saved(posting)


class NotifyOfficerHandler(PostingsHandler[NotifyOfficer]):
    command = NotifyOfficer

    def authorise(self, command: NotifyOfficer, actor: Actor) -> None:
        ensure_may_carry_out(actor.principal, self.app.posting(command.posting_id), "notifies")

    def handle(self, command: NotifyOfficer, actor: Actor, prepared: Any) -> Saved:
        """The decision given to the officer and others; the first that reaches the officer
        starts their 14 days to appeal (3.10.1), as the notification records."""
        self.app.serialise_on(command.posting_id)
        posting = self.app.posting(command.posting_id)
        posting.notify_officer(
            recipients=command.recipients,
            content=command.content,
            actor_id=actor.principal.person_id,
            actor_role=actor.principal.role,
            at=self.app.clock.now(),
            given_at=command.given_at,
            how=command.how,
        )
        return self.saved(posting)


@dataclass(frozen=True)
class MoveAsked:
    """What the move asked ROI about: the posting as it stood then."""

    roi: RoiAsked | None


class MoveOfficerHandler(PostingsHandler[MoveOfficer]):
    command = MoveOfficer

    def __init__(self, app: PostingsApplication, roi: RoiQuestion) -> None:
        super().__init__(app)
        self.roi = roi

    def authorise(self, command: MoveOfficer, actor: Actor) -> None:
        ensure_may_carry_out(actor.principal, self.app.posting(command.posting_id), "moves")

    def prepare(self, command: MoveOfficer, actor: Actor) -> MoveAsked:
        """ROI is asked about the officer on the confirmed date, before the transaction; the
        posting is read to know what to ask, and read again when the move is decided."""
        with self.app.db.unit_of_work(write=False):
            posting = self.app.posting(command.posting_id)
        if posting.posting_date is None:
            return MoveAsked(None)
        return MoveAsked(
            ask_roi(
                self.roi,
                officer_id=posting.officer_id,
                on=posting.posting_date,
                to_location=posting.to_location,
            )
        )

    def handle(self, command: MoveOfficer, actor: Actor, prepared: MoveAsked) -> Saved:
        """Take a posting into effect: the checks before a move pass, or the move is refused
        with every reason and nothing changes (L1800 3.1.4, 3.2.2, 3.3.1, 3.4.2, 3.7.2)."""
        posting = self.app.posting(command.posting_id)
        self.app.serialise_on(posting.id, officer_aggregate_id(posting.officer_id))
        posting = self.app.posting(command.posting_id)
        if posting.posting_date is None or prepared.roi is None:
            DateIsConfirmedBeforeTheMove.refuse("the posting date is not confirmed yet")
        now = self.app.clock.now()
        officer = self.app.officer(posting.officer_id)
        roi = prepared.roi.for_(
            officer_id=posting.officer_id, on=posting.posting_date, to_location=posting.to_location
        )
        pdr = pdr_check(
            officer, self.app.subordinate_pdrs(officer.officer_id), posting.posting_date
        )
        violations, excused = excuse(
            officer,
            MoveMustRespectTheRoiPeriod.check(bound=roi["bound"], reason=roi["reason"])
            + pdr.violations
            + LocationMustNotBeUnsuitable.check(
                location=posting.to_location, restrictions=list(officer.restrictions.values())
            )
            + ProbationPostingMustNotBeToHomeTown.check(
                probation_ends_on=officer.probation_ends_on,
                home_town=officer.home_town,
                destination_town=self.app.location(posting.to_location).town,
                posting_date=posting.posting_date,
                exception_granted=officer.home_town_exception,
            )
            + notice_violations(posting, posting.posting_date),
            case=f"move under posting {posting.id}",
            at=now,
        )
        refuse_if(violations)
        decision = decided_by(
            actor.principal,
            clause="L1800 3.1.4",
            rationale=command.rationale,
            correlation_id=actor.correlation_id,
            effective_date=posting.posting_date,
            facts={
                **pdr.facts,
                "roi": roi,
                **excused,
                "restriction_checked": posting.to_location,
            },
        )
        posting.move(moved_on=posting.posting_date, decision=decision, at=now)
        officer.move_to(
            location=posting.to_location, division=posting.division, posting_id=posting.id, at=now
        )
        return self.saved(posting, officer)


class WithdrawPostingHandler(PostingCommandHandler[WithdrawPosting]):
    command = WithdrawPosting

    def authorise(self, command: WithdrawPosting, actor: Actor) -> None:
        ensure_may_carry_out(actor.principal, self.app.posting(command.posting_id), "withdraws")

    def handle(self, command: WithdrawPosting, actor: Actor, prepared: Any) -> Saved:
        """Withdraw a posting decision before it takes effect, as a decision of its own with
        rationale, by HR for the Director of HR, who has the final say on postings (L1800
        3.1.1). The officer is free for another posting once it is withdrawn."""
        posting = self.app.posting(command.posting_id)
        self.app.serialise_on(posting.id, officer_aggregate_id(posting.officer_id))
        posting = self.app.posting(command.posting_id)
        now = self.app.clock.now()
        posting.withdraw(
            decision=decided_by(
                actor.principal,
                clause="L1800 3.1.1",
                rationale=command.rationale,
                correlation_id=actor.correlation_id,
                facts={"state_when_withdrawn": posting.state.value},
            ),
            at=now,
        )
        officer = self.app.officer(posting.officer_id)
        officer.close_the_posting(posting_id=posting.id, why="withdrawn", at=now)
        return self.saved(posting, officer)


class SetAsideAfterAppealHandler(PostingsHandler[SetAsideAfterAppeal]):
    command = SetAsideAfterAppeal

    def handle(self, command: SetAsideAfterAppeal, actor: Actor, prepared: Any) -> Saved:
        """Record, as a decision citing the appeal, that an upheld appeal set the posting
        decision aside (L1800 3.10.1: 'the appeal decision will be final'); a posting not yet
        moved is cancelled, and the officer is free for another."""
        posting = self.app.posting(command.posting_id)
        self.app.serialise_on(posting.id, officer_aggregate_id(posting.officer_id))
        posting = self.app.posting(command.posting_id)
        now = self.app.clock.now()
        posting.set_aside(
            appeal_id=command.appeal_id,
            decision=Decision(
                rationale=f"Appeal upheld: {command.rationale}",
                actor_id=command.actor_id,
                actor_role=Role(command.actor_role),
                clause="L1800 3.10.1",
                facts={
                    "appeal_id": str(command.appeal_id),
                    "appeal_outcome": "upheld",
                    "state_when_set_aside": posting.state.value,
                },
                correlation_id=command.correlation_id,
            ),
            at=now,
        )
        officer = self.app.officer(posting.officer_id)
        officer.close_the_posting(posting_id=posting.id, why="set_aside", at=now)
        return self.saved(posting, officer)
