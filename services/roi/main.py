"""ROI's composition root: settings -> database -> application -> API."""

from __future__ import annotations

from fastapi import FastAPI

from services.roi.api import commitments, designations
from services.roi.application import RoiApplication
from services.roi.clients.postings import DelegationClient
from services.roi.contracts import contracts
from services.roi.handlers import build_handlers
from services.roi.projections.projector import RoiProjector
from services.roi.projections.tables import kernel
from shared.api.app import build_api
from shared.clock import Clock, SystemClock
from shared.db import Database
from shared.identity import TokenVerifier
from shared.runtime import Runtime
from shared.settings import RoiSettings


def build_runtime(settings: RoiSettings, *, clock: Clock | None = None) -> Runtime:
    clock = clock or SystemClock()
    db = Database(settings.effective_database_url)
    application = RoiApplication(db, clock=clock, projector=RoiProjector())
    return Runtime(
        settings=settings,
        db=db,
        tables=kernel,
        application=application,
        verifier=TokenVerifier(settings),
        clock=clock,
        handlers=build_handlers(application, DelegationClient.from_settings(settings)),
        contracts=contracts,
    )


def create_app(settings: RoiSettings | None = None, *, clock: Clock | None = None) -> FastAPI:
    runtime = build_runtime(settings or RoiSettings(), clock=clock)
    return build_api(
        runtime,
        title="officer-postings: roi",
        description=(
            "Return on investment under L1800 3.9: courses designated each quarter, officers' "
            "commitments, the 18-month default period and early release."
        ),
        routers=[designations.router, commitments.router],
    )
