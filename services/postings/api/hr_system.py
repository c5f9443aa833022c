"""The HR-system integration's endpoints (issue 7): run the inbound sync, take Intelligent
Services signals that an officer's job information changed, and see and run the outbound
deliveries of postings to Employee Central."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from services.postings.hr_system.connection import HrSystem
from services.postings.projections.tables import hr_outbox, hr_sync_runs
from shared import lengths
from shared.api.pagination import Page, Paging, fetch_page
from shared.api.routes import Operating, OperationRoute, QueryRoute, Reading, build_router
from shared.roles import Role

RUNNERS = (Role.INTEGRATION, Role.HR_RESOURCE_PLANNING)
#: These are runs of processes that are idempotent by design (a sync applies only
#: differences, a delivery sends only what is due, keyed so a repeat is harmless), so they
#: take no Idempotency-Key or If-Match: repeating one is always safe.
RUNS = ("/hr-system/sync", "/hr-system/events", "/hr-system/deliveries/run")
READERS = (Role.INTEGRATION, Role.HR_RESOURCE_PLANNING, Role.HEAD_OF_RESOURCING, Role.AUDITOR)


class SyncPart(BaseModel):
    """One part of a run (officers, jobs, pdrs, learning): succeeded, failed (and why) or
    skipped; the moment its changes were read from, and how many officers it found
    changed. A failed part keeps its window: the next run reads from the same moment."""

    outcome: Literal["succeeded", "failed", "skipped"]
    since: datetime | None
    changed: int
    problem: str | None


class SyncRun(BaseModel):
    id: int
    started_at: datetime
    completed_at: datetime | None
    since: datetime | None
    officers_read: int
    events_written: int
    problems: list[dict[str, str]]
    parts: dict[str, SyncPart]


class Delivery(BaseModel):
    posting_id: str
    officer_id: str
    kind: str
    division: str
    to_location: str
    moved_on: date
    state: str
    attempts: int
    last_error: str | None
    next_attempt_at: datetime
    created_at: datetime
    delivered_at: datetime | None


class JobInformationChanged(BaseModel):
    """One Intelligent Services event, as an Integration Center flow (trigger Intelligent
    Services, destination REST, format JSON) sends it: one call per event, whose body is a
    flat object of the fields configured in the flow, each a sibling at the root (SAP's
    sample "cloud-sf-extension-cap-sample", README step 7; docs/hr-system.md)."""

    # A flow may carry other fields (an effective date, the person id): ignored, since the
    # event is only a signal to read the officer again (ADR 0012).
    model_config = ConfigDict(extra="ignore")
    # An empty id names nobody: refused rather than sent to the tenant as a query.
    userId: str = Field(min_length=1, max_length=lengths.OFFICER_ID)  # noqa: N815 - SF's name
    eventType: str | None = Field(default=None, max_length=lengths.LINE)  # noqa: N815


def _hr(ctx: Operating) -> HrSystem:
    hr: HrSystem = ctx.runtime.extras["hr_system"]
    return hr


def run_sync(ctx: Operating, full: Annotated[bool, Query()] = False) -> dict[str, Any]:
    return _hr(ctx).sync(now=ctx.runtime.clock.now(), full=full).as_dict()


def job_information_changed(ctx: Operating, body: JobInformationChanged) -> dict[str, Any]:
    return _hr(ctx).reread({body.userId}, now=ctx.runtime.clock.now()).as_dict()


def run_deliveries(ctx: Operating) -> dict[str, Any]:
    return _hr(ctx).deliver(now=ctx.runtime.clock.now()).as_dict()


def sync_runs(ctx: Reading, paging: Paging) -> Page[SyncRun]:
    return fetch_page(
        ctx.session,
        select(hr_sync_runs),
        order_by=[hr_sync_runs.c.id.desc()],
        paging=paging,
        convert=lambda row: SyncRun(
            **{**row, "problems": json.loads(row["problems"]), "parts": json.loads(row["parts"])}
        ),
    )


def deliveries(
    ctx: Reading,
    paging: Paging,
    state: Literal["pending", "retrying", "failed", "delivered"] | None = None,
) -> Page[Delivery]:
    query = select(hr_outbox)
    if state is not None:
        query = query.where(hr_outbox.c.state == state)
    return fetch_page(
        ctx.session,
        query,
        order_by=[hr_outbox.c.created_at.desc(), hr_outbox.c.posting_id],
        paging=paging,
        convert=Delivery.model_validate,
    )


router = build_router(
    prefix="/hr-system",
    tags=["hr-system"],
    routes=[
        OperationRoute(
            "POST",
            "/sync",
            doc="""Read what changed in the HR system since each part's last successful run
            (everything with ``full``) and apply it; an unchanged officer writes nothing.
            Each part (officers, jobs, pdrs, learning) has its own outcome: a part that
            fails does not stop the others, and the run is recorded either way.""",
            roles=RUNNERS,
            run=run_sync,
            errors=(422, 503),
        ),
        OperationRoute(
            "POST",
            "/events",
            doc="""An Intelligent Services event, as an Integration Center flow sends it
            (one call per event, ``userId`` at the root): a signal to re-read that officer
            now, never data taken as it stands.""",
            roles=(Role.INTEGRATION,),
            run=job_information_changed,
            status_code=202,
            errors=(422, 503),
        ),
        QueryRoute(
            "/sync-runs",
            doc="""The sync runs, newest first, with what each read, wrote and could not
            apply, and each part's outcome and delta window.""",
            roles=READERS,
            read=sync_runs,
            response_model=Page[SyncRun],
            errors=(422,),
        ),
        QueryRoute(
            "/deliveries",
            doc="""Postings written, or waiting to be written, to Employee Central;
            ``state=failed`` is what HR Resource Planning must look at.""",
            roles=READERS,
            read=deliveries,
            response_model=Page[Delivery],
            errors=(422,),
        ),
        OperationRoute(
            "POST",
            "/deliveries/run",
            doc="Send every delivery that is due now.",
            roles=RUNNERS,
            run=run_deliveries,
            errors=(422, 503),
        ),
    ],
)
