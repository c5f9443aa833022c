"""``GET /events``: this service's events in the order they were recorded, for auditors, the
HR-system integration and the other services' followers."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Annotated, Any

from eventsourcing.persistence import Notification
from fastapi import Query
from pydantic import BaseModel, StringConstraints
from sqlalchemy import ARRAY, Select, Table, Text, any_, bindparam, func, select

from shared import lengths
from shared.api.routes import QueryRoute, Reading, build_router
from shared.compiled_once import CompiledOnce
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
    #: Pass as ``after`` to read on: the last item's id when the page is full, else the
    #: log's end when it was read (events of the types not asked for are passed over);
    #: equal to the request's ``after`` when nothing is new.
    last_id: int


#: More than any service publishes: a follower names a handful.
FEED_TYPES_MAX = 100

#: Published types, e.g. ``Posting.Decided,Posting.Withdrawn``: comma-separated, since the
#: edge takes each parameter once (shared.api.edge).
_TYPE = rf"[A-Za-z][A-Za-z0-9.]{{0,{lengths.EVENT_TYPE - 1}}}"
FEED_TYPES_PATTERN = rf"^{_TYPE}(,{_TYPE}){{0,{FEED_TYPES_MAX - 1}}}$"
#: As many types as may be named, each at its longest, and the commas between them.
FEED_TYPES_LENGTH = FEED_TYPES_MAX * (lengths.EVENT_TYPE + 1) - 1
FeedTypes = Annotated[
    str, StringConstraints(max_length=FEED_TYPES_LENGTH, pattern=FEED_TYPES_PATTERN)
]


def read_events(
    ctx: Reading,
    after: Annotated[
        int, Query(ge=0, le=2**62, description="Return events with id greater than this")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=FEED_LIMIT_MAX)] = 100,
    types: Annotated[
        FeedTypes | None,
        Query(
            description="""Only events published as these types, comma-separated (at most
            100); a type this service does not publish matches nothing.""",
        ),
    ] = None,
) -> FeedPage:
    runtime, reader = ctx.runtime, ctx.caller.role
    app = runtime.application
    contracts = runtime.contracts
    events = runtime.tables.events
    # The end is read first: ids are given and committed in order under the log's
    # ordering (ADR 0020), so every event up to it is there to read now. A page that
    # is not full has passed over everything up to the end, whatever it skipped.
    end = ctx.session.execute(_end_of(events)).scalar() or 0
    params: dict[str, object] = {"after": after, "end": end, "limit": limit}
    if types is not None:
        params["topics"] = contracts.topics_of(types.split(","))
    rows: Sequence[Any]
    if ctx.session.get_bind().dialect.name == "postgresql":
        # Built and compiled once, the topics as one array (a follower's every poll).
        rows = _page_sent(events, types is not None).run(ctx.session, params).all()
    else:
        rows = ctx.session.execute(_page_of(events, types is not None), params).all()
    events_read = app.to_domain_events(
        [
            Notification(
                id=row.id,
                originator_id=row.originator_id,
                originator_version=row.originator_version,
                topic=row.topic,
                state=bytes(row.state),
            )
            for row in rows
        ]
    )
    items = [
        EventEnvelope(**contracts.publish(row.id, event, reader).model_dump(mode="json"))
        for row, event in zip(rows, events_read, strict=True)
    ]
    last_id = items[-1].id if len(items) == limit else max(after, end)
    return FeedPage(items=items, last_id=last_id)


@functools.cache
def _end_of(events: Table) -> Select[tuple[int | None]]:
    return select(func.max(events.c.id))


@functools.cache
def _page_of(events: Table, filtered: bool, *, array: bool = False) -> Select[tuple[Any, ...]]:
    """A page of the feed, built once for each log and shape of question; the topics as an
    array where the database has them (PostgreSQL), else as a list expanded as it runs."""
    c = events.c
    statement = select(c.id, c.originator_id, c.originator_version, c.topic, c.state).where(
        c.id > bindparam("after"), c.id <= bindparam("end")
    )
    if filtered and array:
        statement = statement.where(c.topic == any_(bindparam("topics", type_=ARRAY(Text))))
    elif filtered:
        statement = statement.where(c.topic.in_(bindparam("topics", expanding=True)))
    return statement.order_by(c.id).limit(bindparam("limit"))


@functools.cache
def _page_sent(events: Table, filtered: bool) -> CompiledOnce:
    return CompiledOnce(_page_of(events, filtered, array=True))


router = build_router(
    tags=["feed"],
    routes=[
        QueryRoute(
            "/events",
            doc="""Events with ``id > after``, oldest first, at most ``limit``, each as its
            published contract (``type``, ``schema_version``); only those of ``types`` when
            given. Read on from ``last_id``. Auditors see every field; other readers get
            confidential fields redacted.""",
            roles=tuple(FEED_READERS),
            read=read_events,
            response_model=FeedPage,
            errors=(422,),
        )
    ],
)
