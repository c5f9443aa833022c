"""Appeals' view of the posting decisions that may be appealed."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Query
from sqlalchemy import select

from services.appeals.api.schemas import PostingDecisionOut
from services.appeals.projections.tables import posting_decisions
from shared import lengths
from shared.api.pagination import Page, Paging, fetch_page
from shared.api.routes import QueryRoute, Reading, build_router
from shared.errors import NotFound, NotPermitted
from shared.roles import Role

READERS = (Role.HEAD_OF_RESOURCING, Role.HR_RESOURCE_PLANNING, Role.AUDITOR, Role.OFFICER)


def _out(row: dict[str, Any]) -> PostingDecisionOut:
    values = dict(row)
    values.pop("feed_position", None)
    return PostingDecisionOut.model_validate(values)


def get_posting_decision(ctx: Reading, posting_id: UUID) -> PostingDecisionOut:
    row = ctx.session.execute(
        select(posting_decisions).where(posting_decisions.c.posting_id == str(posting_id))
    ).first()
    if row is None:
        raise NotFound(f"posting decision {posting_id} is not known to appeals (yet)")
    out = _out(row._asdict())
    if ctx.caller.role is Role.OFFICER and not ctx.caller.is_officer(out.officer_id):
        raise NotPermitted("officers see only their own posting decisions")
    return out


def list_posting_decisions(
    ctx: Reading,
    paging: Paging,
    officer_id: Annotated[str | None, Query(max_length=lengths.OFFICER_ID)] = None,
) -> Page[PostingDecisionOut]:
    query = select(posting_decisions)
    if ctx.caller.role is Role.OFFICER:
        query = query.where(posting_decisions.c.officer_id == ctx.caller.officer_id)
    if officer_id:
        query = query.where(posting_decisions.c.officer_id == officer_id)
    return fetch_page(
        ctx.session,
        query,
        order_by=[posting_decisions.c.decided_at.desc(), posting_decisions.c.posting_id],
        paging=paging,
        convert=_out,
    )


router = build_router(
    prefix="/posting-decisions",
    tags=["posting decisions"],
    routes=[
        QueryRoute(
            "/{posting_id}",
            doc="A posting decision as appeals knows it (officers: their own only).",
            roles=READERS,
            read=get_posting_decision,
            response_model=PostingDecisionOut,
            errors=(404,),
        ),
        QueryRoute(
            "",
            doc="Posting decisions, newest first (officers: their own only).",
            roles=READERS,
            read=list_posting_decisions,
            response_model=Page[PostingDecisionOut],
            errors=(422,),
        ),
    ],
)
