"""What every postings handler holds: the application, for its store and records."""

from __future__ import annotations

from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from services.postings.application import PostingsApplication
from services.postings.domain.officer import Officer
from shared.handling import Command, Handler, Saved

C = TypeVar("C", bound=Command)


class PostingsHandler(Handler[C, Any]):
    def __init__(self, app: PostingsApplication) -> None:
        self.app = app

    def saved(self, *aggregates: Aggregate) -> Saved:
        """Save together (one transaction, each at its version); the first is the answer."""
        self.app.store(*aggregates)
        return Saved(aggregates[0].id, aggregates[0].version)


def open_posting_of(app: PostingsApplication, officer: Officer) -> UUID | None:
    """The officer's posting on its way: recorded on the officer, or for history from before
    the officer recorded its postings, as the postings say."""
    if officer.tracks_postings or officer.open_posting is not None:
        return officer.open_posting
    return app.postings_before_tracking(officer.officer_id)[0]
