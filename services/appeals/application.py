"""The appeals application: its event store and the records its handlers load. What each
command does is in services.appeals.handlers."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select

from services.appeals.domain.appeal import Appeal
from services.appeals.domain.appealable_decision import (
    AppealableDecision,
    appealable_decision_id,
)
from services.appeals.projections.tables import appeals, posting_decisions
from services.appeals.projections.tables import kernel as appeals_kernel
from shared.errors import NotFound, NotYetKnown
from shared.eventstore import LedgerApplication


class AppealsApplication(LedgerApplication):
    name = "Appeals"  # the event table is appeals_events
    kernel = appeals_kernel

    def appeal(self, appeal_id: UUID) -> Appeal:
        return self.load(appeal_id, Appeal, what="appeal")

    def appealable_decision(self, posting_id: UUID) -> AppealableDecision | None:
        try:
            return self.load(
                appealable_decision_id(posting_id), AppealableDecision, what="posting decision"
            )
        except NotFound:
            return None

    def posting_decision(self, posting_id: UUID) -> Any:
        """The decision as appeals learnt it from postings' feed."""
        row = (
            self.db.sessions()
            .execute(
                select(posting_decisions).where(posting_decisions.c.posting_id == str(posting_id))
            )
            .first()
        )
        if row is None:
            # Postings' feed may simply not have reached us yet: say so, don't refuse.
            raise NotYetKnown(
                f"posting decision {posting_id} is not known to appeals yet; if it was just "
                "taken, retry shortly"
            )
        return row

    def appeals_before_decisions_were_held(self, posting_id: UUID) -> list[UUID]:
        """Appeals against the decision still open, lodged before decisions were held here
        (history older than the AppealableDecision aggregate); every later one is listed on
        the decision itself."""
        rows = self.db.sessions().execute(
            select(appeals.c.id).where(
                appeals.c.posting_id == str(posting_id),
                appeals.c.state.in_(("lodged", "assigned")),
            )
        )
        return [UUID(r.id) for r in rows]

    def live_appeal_before_decisions_were_held(
        self, posting_id: UUID, appellant_id: str
    ) -> UUID | None:
        """An appeal by this appellant against this decision, not withdrawn, lodged before
        decisions were held here (history older than the AppealableDecision aggregate)."""
        row = (
            self.db.sessions()
            .execute(
                select(appeals.c.id).where(
                    appeals.c.posting_id == str(posting_id),
                    appeals.c.appellant_id == appellant_id,
                    appeals.c.state.in_(("lodged", "assigned", "decided")),
                )
            )
            .first()
        )
        return UUID(row.id) if row else None
