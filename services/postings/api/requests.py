"""Development and welfare requests on form 1068 (L1800 3.5): submitted by the officer or
their SLT, supported or declined by the SLT with reasons, taken into the posting plan by
HR Resource Planning."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import Query
from sqlalchemy import select

from services.postings.api.access import (
    DIVISIONAL_READERS,
    FORCE_WIDE_READERS,
    OFFICER_RECORD_READERS,
)
from services.postings.api.schemas import (
    DecisionIn,
    PostingOut,
    RequestPostingIn,
    TransferRequestIn,
    TransferRequestOut,
)
from services.postings.api.views import posting_view, request_out, request_view
from services.postings.commands import (
    DecideRequestPosting,
    DeclineRequest,
    SubmitRequest,
    SupportRequest,
)
from services.postings.projections.tables import transfer_requests
from shared.api.pagination import Page, Paging, fetch_page
from shared.api.routes import CommandRoute, QueryRoute, Reading, build, build_router
from shared.handling import Saved
from shared.roles import Role

ERRORS = (403, 404, 409, 422, 503)  # 503: ROI cannot answer
REQUEST_ID = {"request_id": UUID}


def _request(ctx: Reading, saved: Saved) -> TransferRequestOut:
    return request_view(ctx.session, str(saved.id), ctx.caller)


def _posting(ctx: Reading, saved: Saved) -> PostingOut:
    return posting_view(ctx.session, str(saved.id), ctx.caller)


def get_request(ctx: Reading, request_id: UUID) -> TransferRequestOut:
    return request_view(ctx.session, str(request_id), ctx.caller)


def list_requests(
    ctx: Reading,
    paging: Paging,
    state: Annotated[
        Literal["submitted", "supported", "declined", "fulfilled"] | None, Query()
    ] = None,
) -> Page[TransferRequestOut]:
    caller = ctx.caller
    query = select(transfer_requests)
    if caller.role is Role.OFFICER:
        query = query.where(transfer_requests.c.officer_id == caller.officer_id)
    elif caller.role in DIVISIONAL_READERS and caller.role not in FORCE_WIDE_READERS:
        query = query.where(transfer_requests.c.division == caller.division)
    if state:
        query = query.where(transfer_requests.c.state == state)
    return fetch_page(
        ctx.session,
        query,
        order_by=[transfer_requests.c.submitted_seq, transfer_requests.c.id],
        paging=paging,
        convert=lambda row: request_out(row, caller),
    )


router = build_router(
    prefix="/requests",
    tags=["1068 requests"],
    routes=[
        CommandRoute(
            "POST",
            "",
            name="submit_request",
            doc="""Submit a 1068: the officer's own, or the SLT's for an officer of their
            division (L1800 3.5.1-3.5.2). Not during probation (3.3.1).""",
            roles=(Role.OFFICER, Role.SLT),
            body=TransferRequestIn,
            make=build(SubmitRequest),
            answer=_request,
            response_model=TransferRequestOut,
            created=True,
            location=lambda saved, _: f"/requests/{saved.id}",
            errors=ERRORS,
        ),
        CommandRoute(
            "POST",
            "/{request_id}/support",
            name="support_request",
            doc="The local SLT endorses the request; it goes to HR Resource Planning (L1800 "
            "3.5.4).",
            roles=(Role.SLT,),
            body=DecisionIn,
            path_params=REQUEST_ID,
            make=build(SupportRequest),
            record=lambda command: command.request_id,
            answer=_request,
            response_model=TransferRequestOut,
            errors=ERRORS,
        ),
        CommandRoute(
            "POST",
            "/{request_id}/decline",
            name="decline_request",
            doc="""The local SLT does not support the request: the reasons are told to the
            officer and the request is placed on their personal file (L1800 3.5.3).""",
            roles=(Role.SLT,),
            body=DecisionIn,
            path_params=REQUEST_ID,
            make=build(DeclineRequest),
            record=lambda command: command.request_id,
            answer=_request,
            response_model=TransferRequestOut,
            errors=ERRORS,
        ),
        CommandRoute(
            "POST",
            "/{request_id}/posting",
            name="decide_request_posting",
            doc="HR Resource Planning decides the posting for a supported request (L1800 3.5.4).",
            roles=(Role.HR_RESOURCE_PLANNING,),
            body=RequestPostingIn,
            path_params=REQUEST_ID,
            make=build(DecideRequestPosting),
            record=lambda command: command.request_id,
            answer=_posting,
            response_model=PostingOut,
            created=True,
            location=lambda saved, _: f"/postings/{saved.id}",
            errors=ERRORS,
        ),
        QueryRoute(
            "/{request_id}",
            doc="One request: the officer's own, their division's SLT, HR roles.",
            roles=tuple(OFFICER_RECORD_READERS),
            read=get_request,
            response_model=TransferRequestOut,
            errors=(404,),
            tagged=True,
        ),
        QueryRoute(
            "",
            doc="""Requests in the order submitted; the posting plan is state=supported.
            Officers see their own, divisional roles their division's.""",
            roles=tuple(OFFICER_RECORD_READERS),
            read=list_requests,
            response_model=Page[TransferRequestOut],
            errors=(422,),
        ),
    ],
)
