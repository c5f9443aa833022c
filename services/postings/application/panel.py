"""Commands of the monthly Resourcing Deployment Panel, which confirms posting dates
(L1800 3.4.2)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from services.postings.application.postings import PostingCommands
from services.postings.application.saved import Saved
from services.postings.domain.panel import PanelSitting
from shared.errors import refuse_if
from shared.identity import Principal
from shared.ledger import decided_by


class PanelCommands(PostingCommands):
    def schedule_sitting(self, *, principal: Principal, sits_on: date) -> Saved:
        sitting = PanelSitting.schedule(
            sits_on=sits_on,
            actor_id=principal.subject,
            actor_role=principal.role,
            at=self.clock.now(),
        )
        return self._saved(sitting)

    def sitting(self, sitting_id: UUID) -> PanelSitting:
        return self.load(sitting_id, PanelSitting, what="panel sitting")

    def confirm_date_at_sitting(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        sitting_id: UUID,
        posting_id: UUID,
        posting_date: date,
        rationale: str,
    ) -> Saved:
        """The panel confirms a posting's date (L1800 3.4.2)."""
        sitting = self.sitting(sitting_id)
        posting = self.posting(posting_id)
        refuse_if(self._notice_violations(posting, posting_date))
        posting.confirm_date(
            posting_date=posting_date,
            sitting_id=sitting.id,
            decision=decided_by(
                principal,
                clause="L1800 3.4.2",
                rationale=rationale,
                correlation_id=correlation_id,
                effective_date=posting_date,
                facts={"sitting": str(sitting.id), "sits_on": sitting.sits_on.isoformat()},
            ),
            at=self.clock.now(),
        )
        sitting.record_outcome(posting_id=posting.id, outcome="date_confirmed", at=self.clock.now())
        return self._saved(posting, sitting)

    def defer_at_sitting(
        self,
        *,
        principal: Principal,
        correlation_id: str,
        sitting_id: UUID,
        posting_id: UUID,
        rationale: str,
    ) -> Saved:
        """The panel defers setting a posting's date, with its rationale (3.4.2-3.4.3)."""
        sitting = self.sitting(sitting_id)
        posting = self.posting(posting_id)
        posting.defer(
            sitting_id=sitting.id,
            decision=decided_by(
                principal,
                clause="L1800 3.4.3",
                rationale=rationale,
                correlation_id=correlation_id,
                facts={"sitting": str(sitting.id), "sits_on": sitting.sits_on.isoformat()},
            ),
            at=self.clock.now(),
        )
        sitting.record_outcome(posting_id=posting.id, outcome="deferred", at=self.clock.now())
        return self._saved(posting, sitting)

    def close_sitting(self, *, principal: Principal, sitting_id: UUID) -> Saved:
        sitting = self.sitting(sitting_id)
        sitting.close(actor_id=principal.subject, actor_role=principal.role, at=self.clock.now())
        return self._saved(sitting)
