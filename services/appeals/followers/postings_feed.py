"""What appeals does with postings' published events (services.postings.contracts): it keeps
its view of the posting decisions that may be appealed, with the moment the officer's 14
days began, and closes an open appeal against a decision that was withdrawn or set aside on
another appeal. Each item takes effect in the same transaction as the follower's position,
so exactly once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.appeals.commands import EndAppealableDecision
from services.appeals.projections.tables import posting_decisions
from services.postings.contracts import (
    PostingDecidedV0,
    PostingDecidedV1,
    PostingOfficerNotifiedV0,
    PostingOfficerNotifiedV1,
    PostingSetAsideV0,
    PostingSetAsideV1,
    PostingWithdrawnV0,
    PostingWithdrawnV1,
)
from shared.contracts import parse_item
from shared.db import insert_if_absent
from shared.handling import Actor, Handlers
from shared.identity import Principal
from shared.roles import Role

FEED = "postings"
#: Version 1, and version 0 as a postings service not yet upgraded serves it.
FOLLOWED = (
    PostingDecidedV1,
    PostingOfficerNotifiedV1,
    PostingWithdrawnV1,
    PostingSetAsideV1,
    PostingDecidedV0,
    PostingOfficerNotifiedV0,
    PostingWithdrawnV0,
    PostingSetAsideV0,
)

#: Who closes an appeal whose decision is gone: this service, acting on postings' word.
FOLLOWER = Principal(subject="appeals:postings-feed", role=Role.SERVICE)


def postings_handler(handlers: Handlers) -> Callable[[Session, dict[str, Any]], None]:
    def handle(session: Session, item: dict[str, Any]) -> None:
        published = parse_item(item, FOLLOWED)
        posting_id = item["originator_id"]
        row = posting_decisions.c
        if isinstance(published, PostingDecidedV1 | PostingDecidedV0):
            # A feed read again from the start (after an upgrade) finds the row there.
            insert_if_absent(
                session,
                posting_decisions,
                dict(
                    posting_id=posting_id,
                    officer_id=published.officer_id,
                    kind=published.kind,
                    division=published.division,
                    decided_by=published.decision.actor_id,
                    decided_role=published.decision.actor_role,
                    decided_at=datetime.fromisoformat(item["occurred_at"]),
                    clause=published.decision.clause,
                    posting_date=published.decision.effective_date,
                    notified_at=None,
                    status="in_force",
                    feed_position=item["id"],
                ),
                key=["posting_id"],
            )
            return
        if published is None:
            return
        values: dict[str, Any] = {"feed_position": item["id"]}
        if isinstance(published, PostingOfficerNotifiedV1 | PostingOfficerNotifiedV0):
            known = session.execute(
                select(row.officer_id, row.notified_at).where(row.posting_id == posting_id)
            ).one()
            if published.window_started(
                officer_id=known.officer_id, already_notified=known.notified_at is not None
            ):
                values["notified_at"] = published.notified_at
        else:
            status: Literal["withdrawn", "set_aside"] = (
                "withdrawn"
                if isinstance(published, PostingWithdrawnV1 | PostingWithdrawnV0)
                else "set_aside"
            )
            values["status"] = status
            command = EndAppealableDecision(
                posting_id=UUID(posting_id), status=status, posting_event=item["id"]
            )
            actor = Actor(FOLLOWER, correlation_id=f"postings-feed:{item['id']}")
            handlers[EndAppealableDecision].handle(command, actor, None)
        session.execute(
            update(posting_decisions).where(row.posting_id == posting_id).values(**values)
        )

    return handle
