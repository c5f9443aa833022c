"""What postings does when appeals publishes an outcome (services.appeals.contracts): an
upheld appeal sets the posting decision aside (L1800 3.10.1), in the same transaction as
the follower's position."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from sqlalchemy.orm import Session

from services.appeals.contracts import AppealDecidedV1
from services.postings.application import PostingsApplication
from shared.contracts import parse_item

FEED = "appeals"


def appeals_handler(app: PostingsApplication) -> Callable[[Session, dict[str, Any]], None]:
    def handle(session: Session, item: dict[str, Any]) -> None:
        published = parse_item(item, (AppealDecidedV1,))
        if not isinstance(published, AppealDecidedV1) or published.outcome != "upheld":
            return
        posting_id = UUID(published.posting_id)
        state = app.posting(posting_id).state.value
        if state in ("cancelled", "reconsideration", "withdrawn"):
            # Already set aside by another appellant's appeal, or withdrawn by HR: nothing
            # more to undo, and a follower must not stop at it for good.
            return
        app.set_aside_after_appeal(
            posting_id=posting_id,
            appeal_id=UUID(item["originator_id"]),
            appeal_decision=published.decision.model_dump(mode="json"),
        )

    return handle
