"""The HR-system integration's endpoints (issue 7): run the inbound sync, take Intelligent
Services signals that an officer's job information changed, and see and run the outbound
deliveries of postings to Employee Central."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from services.postings.hr_system.connection import HrSystem
from services.postings.projections.tables import hr_outbox, hr_sync_runs
from shared.api.pagination import Page, Paging, fetch_page
from shared.api.security import RuntimeDep, guarded
from shared.roles import Role

router = APIRouter(prefix="/hr-system", tags=["hr-system"])

RUNNERS = (Role.INTEGRATION, Role.HR_RESOURCE_PLANNING)
#: These are runs of processes that are idempotent by design (a sync applies only
#: differences, a delivery sends only what is due, keyed so a repeat is harmless), so they
#: take no Idempotency-Key or If-Match: repeating one is always safe.
RUNS = ("/hr-system/sync", "/hr-system/events", "/hr-system/deliveries/run")
READERS = (Role.INTEGRATION, Role.HR_RESOURCE_PLANNING, Role.HEAD_OF_RESOURCING, Role.AUDITOR)


def _hr(request: Request) -> HrSystem:
    hr: HrSystem = request.app.state.hr_system
    return hr


class SyncRun(BaseModel):
    id: int
    started_at: datetime
    completed_at: datetime | None
    since: datetime | None
    officers_read: int
    events_written: int
    problems: list[dict[str, str]]


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
    """One Intelligent Services event as our Integration Center flow sends it."""

    model_config = ConfigDict(extra="ignore")
    userId: str = Field(max_length=100)  # noqa: N815 - SuccessFactors' own field name
    eventType: str | None = Field(default=None, max_length=200)  # noqa: N815


class Signals(BaseModel):
    events: list[JobInformationChanged] = Field(min_length=1, max_length=500)


@router.post("/sync", **guarded(*RUNNERS, errors=(422, 503)))
def run_sync(
    request: Request, runtime: RuntimeDep, full: Annotated[bool, Query()] = False
) -> dict[str, Any]:
    """Read what changed in the HR system since the last run (everything with ``full``) and
    apply it; an unchanged officer writes nothing."""
    return _hr(request).sync(now=runtime.clock.now(), full=full).as_dict()


@router.post("/events", status_code=202, **guarded(Role.INTEGRATION, errors=(422, 503)))
def job_information_changed(body: Signals, request: Request, runtime: RuntimeDep) -> dict[str, Any]:
    """Intelligent Services callbacks (job information changed): each is a signal to
    re-read that officer now, never data taken as it stands."""
    officers = {event.userId for event in body.events}
    return _hr(request).reread(officers, now=runtime.clock.now()).as_dict()


@router.get("/sync-runs", response_model=Page[SyncRun], **guarded(*READERS, errors=(422,)))
def sync_runs(runtime: RuntimeDep, paging: Paging) -> Page[SyncRun]:
    with runtime.db.unit_of_work(write=False) as session:
        return fetch_page(
            session,
            select(hr_sync_runs),
            order_by=[hr_sync_runs.c.id.desc()],
            paging=paging,
            convert=lambda row: SyncRun(**{**row, "problems": json.loads(row["problems"])}),
        )


@router.get("/deliveries", response_model=Page[Delivery], **guarded(*READERS, errors=(422,)))
def deliveries(
    runtime: RuntimeDep,
    paging: Paging,
    state: Literal["pending", "retrying", "failed", "delivered"] | None = None,
) -> Page[Delivery]:
    """Postings written, or waiting to be written, to Employee Central; ``state=failed``
    is what HR Resource Planning must look at."""
    query = select(hr_outbox)
    if state is not None:
        query = query.where(hr_outbox.c.state == state)
    with runtime.db.unit_of_work(write=False) as session:
        return fetch_page(
            session,
            query,
            order_by=[hr_outbox.c.created_at.desc(), hr_outbox.c.posting_id],
            paging=paging,
            convert=Delivery.model_validate,
        )


@router.post("/deliveries/run", **guarded(*RUNNERS, errors=(422, 503)))
def run_deliveries(request: Request, runtime: RuntimeDep) -> dict[str, Any]:
    """Send every delivery that is due now."""
    return _hr(request).deliver(now=runtime.clock.now()).as_dict()
