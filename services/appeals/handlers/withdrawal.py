"""An appeal ends without an outcome: withdrawn by the appellant, or closed because the
posting decision it was against is no longer in force."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate

from services.appeals.commands import EndAppealableDecision, WithdrawAppeal
from services.appeals.domain.appealable_decision import (
    AppealableDecision,
    appealable_decision_id,
)
from services.appeals.domain.rules.s3_10_appeals import OnlyTheAppellantWithdraws
from services.appeals.handlers.base import AppealsHandler
from shared.handling import Actor, Saved


class WithdrawAppealHandler(AppealsHandler[WithdrawAppeal]):
    command = WithdrawAppeal

    def authorise(self, command: WithdrawAppeal, actor: Actor) -> None:
        """Only the appellant withdraws, and anyone else is told nothing of the appeal."""
        appeal = self.app.appeal(command.appeal_id)
        if not actor.principal.is_person(appeal.appellant_id, appeal.appellant_role):
            OnlyTheAppellantWithdraws.forbid("only the appellant withdraws their appeal")

    def handle(self, command: WithdrawAppeal, actor: Actor, prepared: Any) -> Saved:
        """The appellant withdraws before the outcome; they may appeal again, since nothing
        was decided."""
        appeal = self.app.appeal(command.appeal_id)
        self.app.serialise_on(appeal.id, appealable_decision_id(appeal.posting_id))
        appeal = self.app.appeal(command.appeal_id)
        now = self.app.clock.now()
        appeal.withdraw(actor_id=actor.principal.person_id, actor_role=actor.principal.role, at=now)
        held = self.app.appealable_decision(appeal.posting_id)
        if held is None:
            # Lodged before decisions were held here: nothing to give back.
            return self.saved(appeal)
        held.give_back(appeal_id=appeal.id, appellant_id=appeal.appellant_id, at=now)
        return self.saved(appeal, held)


class EndAppealableDecisionHandler(AppealsHandler[EndAppealableDecision]):
    command = EndAppealableDecision

    def handle(self, command: EndAppealableDecision, actor: Actor, prepared: Any) -> Saved:
        """Postings withdrew the decision, or set it aside on an appeal: the decision as
        appeals holds it ends, and every appeal lodged against it still open is closed with
        the reason; one already decided stands. An appeal lodged at the same moment meets
        this at the decision's version: it is either listed here and closed, or refused."""
        now = self.app.clock.now()
        self.app.serialise_on(appealable_decision_id(command.posting_id))
        held = self.app.appealable_decision(command.posting_id)
        if held is None:
            held = AppealableDecision.open(posting_id=command.posting_id, at=now)
        held.end(status=command.status, posting_event=command.posting_event, at=now)
        listed = dict.fromkeys(
            [*held.appeals, *self.app.appeals_before_decisions_were_held(command.posting_id)]
        )
        changed: list[Aggregate] = [held]
        reason = "posting_withdrawn" if command.status == "withdrawn" else "posting_set_aside"
        for appeal_id in listed:
            appeal = self.app.appeal(appeal_id)
            appeal.close(reason=reason, posting_event=command.posting_event, at=now)
            changed.append(appeal)
        return self.saved(*changed)
