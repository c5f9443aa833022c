"""The postings application, composed of its command groups."""

from __future__ import annotations

from typing import Any, ClassVar

from services.postings.application.appointments import AppointmentCommands
from services.postings.application.batches import BatchCommands
from services.postings.application.panel import PanelCommands
from services.postings.application.requests import RequestCommands
from services.postings.application.saved import Saved
from services.postings.domain.kinds import (
    PostingKind,
    PostingState,
    Power,
    Rank,
    RestrictionSource,
    WelfareFactor,
)
from services.postings.domain.values import GeoPoint, PdrCycle

__all__ = ["PostingsApplication", "Saved"]


class PostingsApplication(PanelCommands, AppointmentCommands, RequestCommands, BatchCommands):
    name = "Postings"  # the event table is postings_events
    domain_enums: ClassVar[tuple[type[Any], ...]] = (
        PostingKind,
        PostingState,
        Power,
        Rank,
        RestrictionSource,
        WelfareFactor,
    )
    domain_values: ClassVar[tuple[type[Any], ...]] = (GeoPoint, PdrCycle)
