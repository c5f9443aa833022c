"""Feeding a service's follower with items as another service publishes them: built from
the publisher's contract models, so a test of the follower is also a test of the contract."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from shared.clock import SystemClock
from shared.contracts import Contract, FeedItem
from shared.db import Database
from shared.settings import AppealsSettings


def published(
    position: int, originator_id: str, version: int, at: datetime, contract: Contract
) -> dict[str, Any]:
    """One feed item as ``GET /events`` serves it."""
    return FeedItem(
        id=position,
        type=contract.TYPE,
        schema_version=contract.VERSION,
        originator_id=originator_id,
        originator_version=version,
        occurred_at=at,
        data=contract.model_dump(mode="json"),
    ).model_dump(mode="json")


def feed_postings(settings: AppealsSettings, items: Iterable[dict[str, Any]]) -> None:
    """Apply postings' items to appeals as its follower would, each in its own unit of
    work."""
    from services.appeals.followers.postings_feed import postings_handler
    from services.appeals.main import build_runtime

    runtime = build_runtime(settings.model_copy(update={"postings_url": ""}))
    handle = postings_handler(runtime.handlers)
    try:
        for item in items:
            with runtime.db.unit_of_work(write=True) as session:
                handle(session, item)
    finally:
        runtime.db.close()


def appeals_follower_handler(db: Database) -> Callable[[Session, dict[str, Any]], None]:
    """Appeals' handler of postings' feed, on ``db``, as its composition root wires it."""
    from services.appeals.application import AppealsApplication
    from services.appeals.followers.postings_feed import postings_handler
    from services.appeals.handlers import build_handlers
    from services.appeals.projections.projector import AppealsProjector

    app = AppealsApplication(db, clock=SystemClock(), projector=AppealsProjector())
    return postings_handler(build_handlers(app))
