"""Keeps appeals' view of posting decisions from postings' feed. Each event is applied in
the same transaction as the follower's position, so it takes effect exactly once."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from services.appeals.projections.tables import posting_decisions

FEED = "postings"


def apply_postings_event(session: Session, item: dict[str, Any]) -> None:
    data = item["data"]
    if item["type"] == "Posting.Decided":
        decision = data["decision"]
        effective = decision.get("effective_date")
        session.execute(
            insert(posting_decisions).values(
                posting_id=item["originator_id"],
                officer_id=data["officer_id"],
                kind=data["kind"],
                division=data["division"],
                decided_by=decision["actor_id"],
                decided_role=decision["actor_role"],
                decided_at=datetime.fromisoformat(item["occurred_at"]),
                clause=decision["clause"],
                posting_date=date.fromisoformat(effective) if effective else None,
                notified_at=None,
                feed_position=item["id"],
            )
        )
    elif item["type"] == "Posting.OfficerNotified":
        row = posting_decisions.c
        # Only the first notification starts the window; reminders leave it as it was.
        # ...and only one that reached the officer: a copy to the SLT or HR alone does not.
        session.execute(
            update(posting_decisions)
            .where(
                row.posting_id == item["originator_id"],
                row.notified_at.is_(None),
                row.officer_id.in_(data["recipients"]),
            )
            .values(notified_at=datetime.fromisoformat(data["notified_at"]))
        )
        session.execute(
            update(posting_decisions)
            .where(row.posting_id == item["originator_id"])
            .values(feed_position=item["id"])
        )
