"""``GET /events``: this service's events in the order they were recorded, for auditors, the
HR-system integration and the other services' followers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel

from shared.api.routes import QueryRoute, Reading, build_router
from shared.roles import FEED_READERS

FEED_LIMIT_MAX = 1000


class EventEnvelope(BaseModel):
    """One published event: its contract ``type`` and ``schema_version`` say what
    ``data`` holds (each service's ``contracts`` module)."""

    id: int
    type: str
    schema_version: int = 1
    originator_id: str
    originator_version: int
    occurred_at: str
    data: dict[str, Any]


class FeedPage(BaseModel):
    items: list[EventEnvelope]
    #: Pass as ``after`` to read on; equal to the request's ``after`` when nothing is new.
    last_id: int


def read_events(
    ctx: Reading,
    after: Annotated[
        int, Query(ge=0, le=2**62, description="Return events with id greater than this")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=FEED_LIMIT_MAX)] = 100,
) -> FeedPage:
    runtime, reader = ctx.runtime, ctx.caller.role
    app = runtime.application
    contracts = runtime.contracts
    notifications = app.recorder.select_notifications(start=after + 1, limit=limit)
    items = [
        EventEnvelope(
            **contracts.publish(n.id, app.mapper.to_domain_event(n), reader).model_dump(mode="json")
        )
        for n in notifications
    ]
    return FeedPage(items=items, last_id=items[-1].id if items else after)


router = build_router(
    tags=["feed"],
    routes=[
        QueryRoute(
            "/events",
            doc="""Events with ``id > after``, oldest first, at most ``limit``, each as its
            published contract (``type``, ``schema_version``). Auditors see every field;
            other readers get confidential fields redacted.""",
            roles=tuple(FEED_READERS),
            read=read_events,
            response_model=FeedPage,
            errors=(422,),
        )
    ],
)
