"""What postings does when appeals' events arrive: an upheld appeal sets the posting
decision aside (L1800 3.10.1), in the same transaction as the follower's position."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from sqlalchemy.orm import Session

from services.postings.application import PostingsApplication

FEED = "appeals"


def appeals_handler(app: PostingsApplication) -> Callable[[Session, dict[str, Any]], None]:
    def handle(session: Session, item: dict[str, Any]) -> None:
        if item["type"] != "Appeal.Decided" or item["data"]["outcome"] != "upheld":
            return
        data = item["data"]
        state = app.posting(UUID(data["posting_id"])).state.value
        if state in ("cancelled", "reconsideration", "withdrawn"):
            # Already set aside by another appellant's appeal, or withdrawn by HR: nothing
            # more to undo, and a follower must not stop at it for good.
            return
        app.set_aside_after_appeal(
            posting_id=UUID(data["posting_id"]),
            appeal_id=UUID(item["originator_id"]),
            appeal_decision=data["decision"],
        )

    return handle
