"""The monthly Resourcing Deployment Panel, which confirms posting dates (L1800 3.4.2).
A sitting records one outcome per posting; saved with the posting, so two outcomes sent at
once meet at their versions (OneOutcomePerPostingPerSitting)."""

from __future__ import annotations

from typing import Any

from services.postings.commands import CloseSitting, RecordSittingOutcome, ScheduleSitting
from services.postings.domain.panel import PanelSitting
from services.postings.handlers.base import PostingsHandler
from services.postings.handlers.carrying_forward import notice_violations
from shared.errors import refuse_if
from shared.handling import Actor, Saved
from shared.ledger import decided_by


class ScheduleSittingHandler(PostingsHandler[ScheduleSitting]):
    command = ScheduleSitting

    def handle(self, command: ScheduleSitting, actor: Actor, prepared: Any) -> Saved:
        sitting = PanelSitting.schedule(
            sits_on=command.sits_on,
            actor_id=actor.principal.person_id,
            actor_role=actor.principal.role,
            at=self.app.clock.now(),
        )
        return self.saved(sitting)


class RecordSittingOutcomeHandler(PostingsHandler[RecordSittingOutcome]):
    command = RecordSittingOutcome

    def handle(self, command: RecordSittingOutcome, actor: Actor, prepared: Any) -> Saved:
        """The panel confirms a posting's date, or defers it with its rationale (L1800
        3.4.2-3.4.3)."""
        # The posting is read before the sitting, and the sitting's rule asked first: a read
        # committed between the two reads then shows the sitting as it is now, and a second
        # outcome is refused by the sitting's own rule, never by a later one of the posting.
        self.app.serialise_on(command.posting_id, command.sitting_id)
        posting = self.app.posting(command.posting_id)
        sitting = self.app.sitting(command.sitting_id)
        now = self.app.clock.now()
        facts = {"sitting": str(sitting.id), "sits_on": sitting.sits_on.isoformat()}
        sitting.record_outcome(posting_id=posting.id, outcome=command.outcome, at=now)
        if command.outcome == "date_confirmed":
            # The body's schema requires the date of a confirmation.
            assert command.posting_date is not None
            refuse_if(notice_violations(posting, command.posting_date))
            posting.confirm_date(
                posting_date=command.posting_date,
                sitting_id=sitting.id,
                decision=decided_by(
                    actor.principal,
                    clause="L1800 3.4.2",
                    rationale=command.rationale,
                    correlation_id=actor.correlation_id,
                    effective_date=command.posting_date,
                    facts=facts,
                ),
                at=now,
            )
        else:
            posting.defer(
                sitting_id=sitting.id,
                decision=decided_by(
                    actor.principal,
                    clause="L1800 3.4.3",
                    rationale=command.rationale,
                    correlation_id=actor.correlation_id,
                    facts=facts,
                ),
                at=now,
            )
        return self.saved(posting, sitting)


class CloseSittingHandler(PostingsHandler[CloseSitting]):
    command = CloseSitting

    def handle(self, command: CloseSitting, actor: Actor, prepared: Any) -> Saved:
        sitting = self.app.sitting(command.sitting_id)
        sitting.close(
            actor_id=actor.principal.person_id,
            actor_role=actor.principal.role,
            at=self.app.clock.now(),
        )
        return self.saved(sitting)
