"""Keeps appeals' read models from its events, in each event's own transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from services.appeals.domain.appeal import Appeal
from services.appeals.projections.tables import appeal_items, appeals, posting_decisions
from shared.arrival import place


class AppealsProjector:
    def project(self, session: Session, event: Any) -> None:
        row = appeals.c.id == str(event.originator_id)
        if isinstance(event, Appeal.Lodged):
            kind = session.execute(
                select(posting_decisions.c.kind).where(
                    posting_decisions.c.posting_id == str(event.posting_id)
                )
            ).scalar_one()
            session.execute(
                insert(appeals).values(
                    id=str(event.originator_id),
                    # Appeals are listed in the order the log holds them.
                    lodged_seq=place(session, event, appeals.c.lodged_seq),
                    posting_id=str(event.posting_id),
                    posting_kind=kind,
                    officer_id=event.officer_id,
                    appellant_id=event.appellant_id,
                    appellant_role=event.appellant_role.value,
                    grounds=event.grounds,
                    lodged_at=event.timestamp,
                    deadline=event.deadline,
                    late_exception=event.late_exception,
                    state="lodged",
                    version=event.originator_version,
                )
            )
        elif isinstance(event, Appeal.Assigned):
            session.execute(
                update(appeals)
                .where(row)
                .values(
                    state="assigned",
                    hearer_id=event.hearer_id,
                    level=event.level,
                    assigned_at=event.timestamp,
                    version=event.originator_version,
                )
            )
        elif isinstance(event, Appeal.EvidenceAdded):
            session.execute(
                insert(appeal_items).values(
                    appeal_id=str(event.originator_id),
                    kind=event.kind,
                    content=event.content,
                    added_by=event.actor_id,
                    added_at=event.timestamp,
                )
            )
            session.execute(update(appeals).where(row).values(version=event.originator_version))
        elif isinstance(event, Appeal.Decided):
            session.execute(
                update(appeals)
                .where(row)
                .values(
                    state="decided",
                    outcome=event.outcome,
                    outcome_rationale=event.decision.rationale,
                    decided_at=event.timestamp,
                    version=event.originator_version,
                )
            )
        elif isinstance(event, Appeal.Withdrawn):
            session.execute(
                update(appeals)
                .where(row)
                .values(state="withdrawn", version=event.originator_version)
            )
        elif isinstance(event, Appeal.Closed):
            session.execute(
                update(appeals)
                .where(row)
                .values(
                    state="closed",
                    closed_reason=event.reason,
                    version=event.originator_version,
                )
            )
