"""The appeals application (its commands arrive with the appeals issue)."""

from __future__ import annotations

from shared.eventstore import LedgerApplication


class AppealsApplication(LedgerApplication):
    name = "Appeals"  # the event table is appeals_events
