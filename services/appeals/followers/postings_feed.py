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

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from services.appeals.commands import CloseAppeal
from services.appeals.projections.tables import posting_decisions
from services.postings.contracts import (
    PostingDecidedV1,
    PostingOfficerNotifiedV1,
    PostingSetAsideV1,
    PostingWithdrawnV1,
)
from shared.contracts import parse_item
from shared.handling import Actor, Handlers
from shared.identity import Principal
from shared.roles import Role

FEED = "postings"
FOLLOWED = (PostingDecidedV1, PostingOfficerNotifiedV1, PostingWithdrawnV1, PostingSetAsideV1)

#: Who closes an appeal whose decision is gone: this service, acting on postings' word.
FOLLOWER = Principal(subject="appeals:postings-feed", role=Role.SERVICE)


def postings_handler(
    handlers: Handlers, open_appeals: Callable[[UUID], list[UUID]]
) -> Callable[[Session, dict[str, Any]], None]:
    def handle(session: Session, item: dict[str, Any]) -> None:
        published = parse_item(item, FOLLOWED)
        posting_id = item["originator_id"]
        row = posting_decisions.c
        if isinstance(published, PostingDecidedV1):
            session.execute(
                insert(posting_decisions).values(
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
                )
            )
            return
        if published is None:
            return
        values: dict[str, Any] = {"feed_position": item["id"]}
        if isinstance(published, PostingOfficerNotifiedV1):
            known = session.execute(
                select(row.officer_id, row.notified_at).where(row.posting_id == posting_id)
            ).one()
            if published.window_started(
                officer_id=known.officer_id, already_notified=known.notified_at is not None
            ):
                values["notified_at"] = published.notified_at
        else:
            withdrawn = isinstance(published, PostingWithdrawnV1)
            values["status"] = "withdrawn" if withdrawn else "set_aside"
            reason: Literal["posting_withdrawn", "posting_set_aside"] = (
                "posting_withdrawn" if withdrawn else "posting_set_aside"
            )
            actor = Actor(FOLLOWER, correlation_id=f"postings-feed:{item['id']}")
            handler = handlers[CloseAppeal]
            for appeal_id in open_appeals(UUID(posting_id)):
                command = CloseAppeal(appeal_id=appeal_id, reason=reason, posting_event=item["id"])
                handler.handle(command, actor, None)
        session.execute(
            update(posting_decisions).where(row.posting_id == posting_id).values(**values)
        )

    return handle
