"""Development and welfare requests on form 1068 (L1800 3.5): submitted by the officer or
their SLT, supported or declined by the SLT with reasons, taken into the posting plan by
HR Resource Planning."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlalchemy import select

from services.postings.api.access import (
    DIVISIONAL_READERS,
    FORCE_WIDE_READERS,
    OFFICER_RECORD_READERS,
)
from services.postings.api.deps import App
from services.postings.api.schemas import (
    DecisionIn,
    PostingOut,
    RequestPostingIn,
    TransferRequestIn,
    TransferRequestOut,
)
from services.postings.api.views import posting_view, request_out, request_view
from services.postings.projections.tables import transfer_requests
from shared.api.commands import CommandHeaders, command_endpoint, etag
from shared.api.pagination import Page, Paging, fetch_page
from shared.api.security import Caller, RuntimeDep, guarded
from shared.roles import Role

router = APIRouter(prefix="/requests", tags=["1068 requests"])
ERRORS = (403, 404, 409, 422, 503)  # 503: ROI cannot answer


@router.post(
    "",
    status_code=201,
    response_model=TransferRequestOut,
    **guarded(Role.OFFICER, Role.SLT, errors=ERRORS),
)
def submit_request(
    body: TransferRequestIn, caller: Caller, runtime: RuntimeDep, app: App, headers: CommandHeaders
) -> JSONResponse:
    """Submit a 1068: the officer's own, or the SLT's for an officer of their division
    (L1800 3.5.1-3.5.2). Not during probation (3.3.1)."""
    return command_endpoint(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.submit_request(principal=ctx.principal, **body.model_dump()),
        lambda session, saved: request_view(session, str(saved.id), caller),
        status_code=201,
        location=lambda saved: f"/requests/{saved.id}",
    )


@router.post(
    "/{request_id}/support", response_model=TransferRequestOut, **guarded(Role.SLT, errors=ERRORS)
)
def support_request(
    request_id: UUID,
    body: DecisionIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """The local SLT endorses the request; it goes to HR Resource Planning (L1800 3.5.4)."""
    return command_endpoint(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.support_request(
            principal=ctx.principal,
            correlation_id=ctx.correlation_id,
            request_id=request_id,
            rationale=body.rationale,
        ),
        lambda session, saved: request_view(session, str(saved.id), caller),
    )


@router.post(
    "/{request_id}/decline", response_model=TransferRequestOut, **guarded(Role.SLT, errors=ERRORS)
)
def decline_request(
    request_id: UUID,
    body: DecisionIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """The local SLT does not support the request: the reasons are told to the officer and
    the request is placed on their personal file (L1800 3.5.3)."""
    return command_endpoint(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.decline_request(
            principal=ctx.principal,
            correlation_id=ctx.correlation_id,
            request_id=request_id,
            rationale=body.rationale,
        ),
        lambda session, saved: request_view(session, str(saved.id), caller),
    )


@router.post(
    "/{request_id}/posting",
    status_code=201,
    response_model=PostingOut,
    **guarded(Role.HR_RESOURCE_PLANNING, errors=ERRORS),
)
def decide_request_posting(
    request_id: UUID,
    body: RequestPostingIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """HR Resource Planning decides the posting for a supported request (L1800 3.5.4)."""
    return command_endpoint(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.decide_request_posting(
            principal=ctx.principal,
            correlation_id=ctx.correlation_id,
            request_id=request_id,
            **body.model_dump(),
        ),
        lambda session, saved: posting_view(session, str(saved.id), caller),
        status_code=201,
        location=lambda saved: f"/postings/{saved.id}",
    )


@router.get(
    "/{request_id}",
    response_model=TransferRequestOut,
    **guarded(*OFFICER_RECORD_READERS, errors=(404,)),
)
def get_request(request_id: UUID, caller: Caller, runtime: RuntimeDep) -> JSONResponse:
    """One request: the officer's own, their division's SLT, HR roles."""
    with runtime.db.unit_of_work(write=False) as session:
        out = request_view(session, str(request_id), caller)
    return JSONResponse(out.model_dump(mode="json"), headers={"ETag": etag(out.version)})


@router.get(
    "", response_model=Page[TransferRequestOut], **guarded(*OFFICER_RECORD_READERS, errors=(422,))
)
def list_requests(
    caller: Caller,
    runtime: RuntimeDep,
    paging: Paging,
    state: Annotated[
        Literal["submitted", "supported", "declined", "fulfilled"] | None, Query()
    ] = None,
) -> Page[TransferRequestOut]:
    """Requests in the order submitted; the posting plan is state=supported. Officers see
    their own, divisional roles their division's."""
    query = select(transfer_requests)
    if caller.role is Role.OFFICER:
        query = query.where(transfer_requests.c.officer_id == caller.officer_id)
    elif caller.role in DIVISIONAL_READERS and caller.role not in FORCE_WIDE_READERS:
        query = query.where(transfer_requests.c.division == caller.division)
    if state:
        query = query.where(transfer_requests.c.state == state)
    with runtime.db.unit_of_work(write=False) as session:
        return fetch_page(
            session,
            query,
            order_by=[transfer_requests.c.submitted_seq],
            paging=paging,
            convert=lambda row: request_out(row, caller),
        )
