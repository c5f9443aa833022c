"""Appeals' composition root: settings -> database -> application, follower -> API."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from services.appeals.api import appeals, posting_decisions
from services.appeals.application import AppealsApplication
from services.appeals.clients.postings import AppealWindowClient, postings_feed
from services.appeals.contracts import contracts
from services.appeals.followers.postings_feed import FEED, FOLLOWED, postings_handler
from services.appeals.handlers import build_handlers
from services.appeals.projections.projector import AppealsProjector
from services.appeals.projections.tables import kernel
from shared.api.app import build_api
from shared.clock import Clock, SystemClock
from shared.contracts import types_of
from shared.db import Database
from shared.follower import Follower
from shared.identity import TokenVerifier
from shared.runtime import Runtime
from shared.settings import AppealsSettings


def build_runtime(
    settings: AppealsSettings,
    *,
    clock: Clock | None = None,
    postings_transport: httpx.BaseTransport | None = None,
) -> Runtime:
    clock = clock or SystemClock()
    db = Database(settings.effective_database_url)
    application = AppealsApplication(db, clock=clock, projector=AppealsProjector())
    window = (
        AppealWindowClient.from_settings(settings, transport=postings_transport)
        if settings.postings_url
        else None
    )
    handlers = build_handlers(application, window=window)
    followers = []
    if settings.postings_url:
        followers.append(
            Follower(
                feed=FEED,
                db=db,
                tables=kernel,
                client=postings_feed(
                    settings, types=types_of(FOLLOWED), transport=postings_transport
                ),
                handler=postings_handler(handlers),
                clock=clock,
                batch_size=settings.follower_batch_size,
                poll_seconds=settings.follower_poll_seconds,
                linger_seconds=settings.follower_linger_seconds,
            )
        )
    return Runtime(
        settings=settings,
        db=db,
        tables=kernel,
        application=application,
        verifier=TokenVerifier(settings),
        clock=clock,
        handlers=handlers,
        contracts=contracts,
        followers=followers,
    )


def create_app(settings: AppealsSettings | None = None, *, clock: Clock | None = None) -> FastAPI:
    runtime = build_runtime(settings or AppealsSettings(), clock=clock)
    return build_api(
        runtime,
        title="officer-postings: appeals",
        description=(
            "Appeals against posting decisions under L1800 3.10.1: lodged within 14 days, "
            "heard at the appropriate level, final. Follows postings' event feed."
        ),
        routers=[appeals.router, posting_decisions.router],
    )
