"""An appeal ends without an outcome: withdrawn by the appellant, or closed because the
posting decision it was against is no longer in force."""

from __future__ import annotations

from typing import Any

from services.appeals.commands import CloseAppeal, WithdrawAppeal
from services.appeals.handlers.base import AppealsHandler
from shared.eventstore import check_expected_version
from shared.handling import Actor, Saved


class WithdrawAppealHandler(AppealsHandler[WithdrawAppeal]):
    command = WithdrawAppeal

    def handle(self, command: WithdrawAppeal, actor: Actor, prepared: Any) -> Saved:
        """The appellant withdraws before the outcome; the right of appeal is given back,
        since nothing was decided."""
        appeal = self.app.appeal(command.appeal_id)
        now = self.app.clock.now()
        check_expected_version(appeal, actor.expected_version)
        appeal.withdraw(actor_id=actor.principal.subject, actor_role=actor.principal.role, at=now)
        right = self.app.right_of_appeal(appeal.posting_id, appeal.appellant_id)
        if right is None:
            # Lodged before rights of appeal were recorded: nothing to give back.
            return self.saved(appeal)
        right.give_back(appeal_id=appeal.id, at=now)
        return self.saved(appeal, right)


class CloseAppealHandler(AppealsHandler[CloseAppeal]):
    command = CloseAppeal

    def handle(self, command: CloseAppeal, actor: Actor, prepared: Any) -> Saved:
        """Postings withdrew the decision appealed against, or set it aside on another
        appeal: an open appeal is closed with the reason; one already decided stands."""
        appeal = self.app.appeal(command.appeal_id)
        appeal.close(
            reason=command.reason, posting_event=command.posting_event, at=self.app.clock.now()
        )
        return self.saved(appeal)
