"""The postings application, composed of its command groups."""

from __future__ import annotations

from typing import Any, ClassVar

from services.postings.application.appointments import AppointmentCommands
from services.postings.application.batches import BatchCommands
from services.postings.application.panel import PanelCommands
from services.postings.application.requests import RequestCommands
from services.postings.application.saved import Saved
from services.postings.clients.roi import RoiNotConfigured, RoiQuestion
from services.postings.domain.kinds import (
    PostingKind,
    PostingState,
    Power,
    Rank,
    RestrictionSource,
    WelfareFactor,
)
from services.postings.domain.values import GeoPoint, PdrCycle
from services.postings.projections.redaction import redact_postings_event
from services.postings.projections.tables import kernel as postings_kernel
from shared.clock import Clock
from shared.db import Database
from shared.eventstore import Projector
from shared.roles import Role

__all__ = ["PostingsApplication", "Saved"]


class PostingsApplication(PanelCommands, AppointmentCommands, RequestCommands, BatchCommands):
    name = "Postings"  # the event table is postings_events
    kernel = postings_kernel
    domain_enums: ClassVar[tuple[type[Any], ...]] = (
        PostingKind,
        PostingState,
        Power,
        Rank,
        RestrictionSource,
        WelfareFactor,
    )
    domain_values: ClassVar[tuple[type[Any], ...]] = (GeoPoint, PdrCycle)

    def __init__(
        self,
        db: Database,
        *,
        clock: Clock,
        projector: Projector | None = None,
        roi: RoiQuestion | None = None,
    ) -> None:
        # Fails closed: with no ROI service given, no move can be decided.
        self.roi = roi or RoiNotConfigured()
        super().__init__(db, clock=clock, projector=projector)

    def redact(self, envelope: dict[str, Any], reader: Role) -> dict[str, Any]:
        return redact_postings_event(envelope, reader)
