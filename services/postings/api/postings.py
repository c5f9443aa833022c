"""Posting decisions and the notification of them to the officer."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.postings.api.access import (
    DIVISIONAL_READERS,
    FORCE_WIDE_READERS,
    OFFICER_RECORD_READERS,
    ensure_may_see,
)
from services.postings.api.deps import App
from services.postings.api.schemas import NotificationIn, PostingOut, RedeploymentIn
from services.postings.projections.tables import postings
from shared.api.commands import CommandContext, CommandHeaders, Outcome, etag, run_command
from shared.api.pagination import Page, Paging, fetch_page
from shared.api.security import Caller, RuntimeDep, guarded
from shared.errors import NotFound
from shared.roles import Role

router = APIRouter(prefix="/postings", tags=["postings"])

NOTIFIERS = (
    Role.HR_RESOURCE_PLANNING,
    Role.HEAD_OF_RESOURCING,
    Role.DIVISIONAL_COMMANDER,
    Role.HEAD_OF_DEPARTMENT,
)


def posting_out(session: Session, posting_id: str) -> PostingOut:
    row = session.execute(select(postings).where(postings.c.id == posting_id)).first()
    if row is None:
        raise NotFound(f"posting {posting_id} not found")
    return PostingOut.model_validate(row._asdict())


@router.post(
    "/redeployments",
    status_code=201,
    response_model=PostingOut,
    **guarded(Role.DIVISIONAL_COMMANDER, Role.HEAD_OF_DEPARTMENT, errors=(404, 422)),
)
def decide_redeployment(
    body: RedeploymentIn, caller: Caller, runtime: RuntimeDep, app: App, headers: CommandHeaders
) -> JSONResponse:
    """Re-deploy an officer within the decider's own division/department (L1800 3.6.1)."""

    def handle(ctx: CommandContext) -> Outcome:
        saved = app.decide_redeployment(
            principal=ctx.principal, correlation_id=ctx.correlation_id, **body.model_dump()
        )
        out = posting_out(ctx.session, str(saved.id))
        return Outcome(
            201,
            out.model_dump(mode="json"),
            version=saved.version,
            location=f"/postings/{saved.id}",
        )

    return run_command(runtime, caller, headers, body, handle)


@router.post(
    "/{posting_id}/notifications",
    response_model=PostingOut,
    **guarded(*NOTIFIERS, errors=(404, 409, 422)),
)
def notify_officer(
    posting_id: UUID,
    body: NotificationIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """Record that the decision was given to the officer (the appeal window starts here)."""

    def handle(ctx: CommandContext) -> Outcome:
        saved = app.notify_officer(
            principal=ctx.principal,
            posting_id=posting_id,
            expected_version=ctx.expected_version,
            recipients=body.recipients,
            content=body.content,
        )
        out = posting_out(ctx.session, str(saved.id))
        return Outcome(200, out.model_dump(mode="json"), version=saved.version)

    return run_command(runtime, caller, headers, body, handle)


@router.get(
    "/{posting_id}", response_model=PostingOut, **guarded(*OFFICER_RECORD_READERS, errors=(404,))
)
def get_posting(posting_id: UUID, caller: Caller, runtime: RuntimeDep) -> JSONResponse:
    """One posting: officers see their own, divisional roles their division's."""
    with runtime.db.unit_of_work(write=False) as session:
        out = posting_out(session, str(posting_id))
    ensure_may_see(caller, officer_id=out.officer_id, division=out.division)
    return JSONResponse(out.model_dump(mode="json"), headers={"ETag": etag(out.version)})


@router.get("", response_model=Page[PostingOut], **guarded(*OFFICER_RECORD_READERS, errors=(422,)))
def list_postings(
    caller: Caller,
    runtime: RuntimeDep,
    paging: Paging,
    officer_id: Annotated[str | None, Query(max_length=80)] = None,
    division: Annotated[str | None, Query(max_length=80)] = None,
) -> Page[PostingOut]:
    """Postings, newest first; officers get their own only, divisional roles their division's."""
    query = select(postings)
    if caller.role is Role.OFFICER:
        query = query.where(postings.c.officer_id == caller.officer_id)
    elif caller.role in DIVISIONAL_READERS and caller.role not in FORCE_WIDE_READERS:
        query = query.where(postings.c.division == caller.division)
    if officer_id:
        query = query.where(postings.c.officer_id == officer_id)
    if division:
        query = query.where(postings.c.division == division)
    with runtime.db.unit_of_work(write=False) as session:
        return fetch_page(
            session,
            query,
            order_by=[postings.c.decided_at.desc(), postings.c.id],
            paging=paging,
            convert=PostingOut.model_validate,
        )
