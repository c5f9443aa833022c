"""Postings' composition root: settings -> database -> application -> API."""

from __future__ import annotations

from fastapi import FastAPI

from services.postings.api import (
    batches,
    delegations,
    hr_system,
    locations,
    officers,
    panel,
    policy,
    postings,
    requests,
    structure,
    timeline,
)
from services.postings.application import PostingsApplication
from services.postings.clients.roi import RoiQuestion, roi_question
from services.postings.contracts import contracts
from services.postings.followers.appeals_feed import FEED as APPEALS_FEED
from services.postings.followers.appeals_feed import FOLLOWED as APPEALS_FOLLOWED
from services.postings.followers.appeals_feed import appeals_handler
from services.postings.handlers import build_handlers
from services.postings.hr_system.connection import HrSystem
from services.postings.projections.projector import PostingsProjector
from services.postings.projections.tables import kernel
from shared.api.app import build_api
from shared.clock import Clock, SystemClock
from shared.contracts import types_of
from shared.db import Database
from shared.feed_client import FeedClient, service_token_provider
from shared.follower import Follower
from shared.identity import TokenVerifier
from shared.periodic import Periodic
from shared.runtime import Runtime
from shared.settings import PostingsSettings


def build_runtime(
    settings: PostingsSettings,
    *,
    clock: Clock | None = None,
    roi: RoiQuestion | None = None,
) -> Runtime:
    clock = clock or SystemClock()
    db = Database(settings.effective_database_url)
    application = PostingsApplication(db, clock=clock, projector=PostingsProjector())
    handlers = build_handlers(application, roi or roi_question(settings))
    followers = []
    if settings.appeals_url:
        followers.append(
            Follower(
                feed=APPEALS_FEED,
                db=db,
                tables=kernel,
                client=FeedClient(
                    settings.appeals_url,
                    service_token_provider(settings),
                    types=types_of(APPEALS_FOLLOWED),
                ),
                handler=appeals_handler(application, handlers),
                clock=clock,
                batch_size=settings.follower_batch_size,
                poll_seconds=settings.follower_poll_seconds,
                linger_seconds=settings.follower_linger_seconds,
            )
        )
    hr_link = HrSystem(settings, application, handlers)
    jobs = []
    if hr_link.configured:
        now = clock.now
        jobs = [
            Periodic(
                "hr-sync",
                settings.hr_sync_interval_seconds,
                lambda: hr_link.sync(now=now()),
                first_after_seconds=2,  # soon after start: a new tenant is read at once
            ),
            Periodic(
                "hr-delivery",
                settings.hr_delivery_interval_seconds,
                lambda: hr_link.deliver(now=now()),
            ),
        ]
    runtime = Runtime(
        settings=settings,
        db=db,
        tables=kernel,
        application=application,
        verifier=TokenVerifier(settings),
        clock=clock,
        followers=followers,
        handlers=handlers,
        jobs=jobs,
        contracts=contracts,
    )
    runtime.extras["hr_system"] = hr_link
    return runtime


def create_app(
    settings: PostingsSettings | None = None,
    *,
    clock: Clock | None = None,
    roi: RoiQuestion | None = None,
) -> FastAPI:
    runtime = build_runtime(settings or PostingsSettings(), clock=clock, roi=roi)
    api = build_api(
        runtime,
        title="officer-postings: postings",
        description=(
            "Postings of police officers under protocol L1800 (sections 3.1-3.8): the seven "
            "kinds of posting, the checks before a move, delegations and policy settings. "
            "Every decision is an immutable event with its rationale, authority and clause."
        ),
        routers=[
            batches.router,
            officers.router,
            locations.router,
            policy.router,
            delegations.router,
            postings.router,
            panel.router,
            requests.router,
            structure.router,
            timeline.router,
            hr_system.router,
        ],
    )
    api.state.hr_system = runtime.extras["hr_system"]
    return api
