"""What postings does when appeals publishes an outcome (services.appeals.contracts): an
upheld appeal sets the posting decision aside (L1800 3.10.1), in the same transaction as
the follower's position."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from sqlalchemy.orm import Session

from services.appeals.contracts import AppealDecidedV0, AppealDecidedV1
from services.postings.application import PostingsApplication
from services.postings.commands import SetAsideAfterAppeal
from shared.contracts import parse_item
from shared.handling import Actor, Handlers
from shared.identity import Principal
from shared.roles import Role

FEED = "appeals"
#: Version 1, and version 0 as an appeals service not yet upgraded serves it.
FOLLOWED = (AppealDecidedV1, AppealDecidedV0)

#: Who records the setting aside: this service, acting on the appeal's final outcome.
FOLLOWER = Principal(subject="postings:appeals-feed", role=Role.SERVICE)


def appeals_handler(
    app: PostingsApplication, handlers: Handlers
) -> Callable[[Session, dict[str, Any]], None]:
    def handle(session: Session, item: dict[str, Any]) -> None:
        published = parse_item(item, FOLLOWED)
        if not isinstance(published, AppealDecidedV1 | AppealDecidedV0):
            return
        if published.outcome != "upheld":
            return
        posting_id = UUID(published.posting_id)
        if app.posting(posting_id).state.value in ("cancelled", "reconsideration", "withdrawn"):
            # Already set aside by another appellant's appeal, or withdrawn by HR: nothing
            # more to undo, and a follower must not stop at it for good.
            return
        decision = published.decision
        command = SetAsideAfterAppeal(
            posting_id=posting_id,
            appeal_id=UUID(item["originator_id"]),
            rationale=decision.rationale,
            actor_id=decision.actor_id,
            actor_role=decision.actor_role,
            correlation_id=decision.correlation_id,
        )
        handlers[SetAsideAfterAppeal].handle(
            command, Actor(FOLLOWER, correlation_id=f"appeals-feed:{item['id']}"), None
        )

    return handle
