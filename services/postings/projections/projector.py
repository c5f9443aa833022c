"""Keeps postings' read models from its events, in each event's own transaction."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from services.postings.domain.delegation import Delegation
from services.postings.domain.officer import Officer
from services.postings.domain.posting import Posting
from services.postings.projections.tables import delegations, officers, postings


class PostingsProjector:
    def project(self, session: Session, event: Any, position: int) -> None:
        if isinstance(event, Officer.Registered):
            session.execute(
                insert(officers).values(
                    officer_id=event.officer_id,
                    name=event.name,
                    rank=event.rank.value,
                    division=event.division,
                    place_of_duty=event.place_of_duty,
                    appointed_on=event.appointed_on,
                    version=event.originator_version,
                )
            )
        elif isinstance(event, Delegation.Granted):
            session.execute(
                insert(delegations).values(
                    id=str(event.originator_id),
                    delegate_id=event.delegate_id,
                    powers=json.dumps([p.value for p in event.powers]),
                    valid_from=event.valid_from,
                    valid_to=event.valid_to,
                    granted_by=event.decision.actor_id,
                    rationale=event.decision.rationale,
                    revoked=0,
                    version=event.originator_version,
                )
            )
        elif isinstance(event, Delegation.Revoked):
            session.execute(
                update(delegations)
                .where(delegations.c.id == str(event.originator_id))
                .values(revoked=1, version=event.originator_version)
            )
        elif isinstance(event, Posting.Decided):
            session.execute(
                insert(postings).values(
                    id=str(event.originator_id),
                    kind=event.kind.value,
                    status="decided",
                    officer_id=event.officer_id,
                    division=event.division,
                    from_location=event.from_location,
                    to_location=event.to_location,
                    posting_date=event.decision.effective_date,
                    decided_by=event.decision.actor_id,
                    decided_role=event.decision.actor_role.value,
                    decided_at=event.timestamp,
                    clause=event.decision.clause,
                    rationale=event.decision.rationale,
                    notified_at=None,
                    version=event.originator_version,
                )
            )
        elif isinstance(event, Posting.OfficerNotified):
            row = postings.c
            session.execute(
                update(postings)
                .where(row.id == str(event.originator_id), row.notified_at.is_(None))
                .values(notified_at=event.notified_at)
            )
            session.execute(
                update(postings)
                .where(row.id == str(event.originator_id))
                .values(version=event.originator_version)
            )
