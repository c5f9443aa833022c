"""What every ROI handler holds: the application, for its store and records."""

from __future__ import annotations

from typing import Any, TypeVar

from eventsourcing.domain import Aggregate

from services.roi.application import RoiApplication
from shared.handling import Command, Handler, Saved

C = TypeVar("C", bound=Command)


class RoiHandler(Handler[C, Any]):
    def __init__(self, app: RoiApplication) -> None:
        self.app = app

    def saved(self, *aggregates: Aggregate) -> Saved:
        """Save together (one transaction, each at its version); the first is the answer."""
        self.app.store(*aggregates)
        return Saved(aggregates[0].id, aggregates[0].version)
