"""Appeals' view of the posting decisions that may be appealed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import select

from services.appeals.projections.tables import posting_decisions
from shared.api.pagination import Page, Paging, fetch_page
from shared.api.security import Caller, RuntimeDep, guarded
from shared.errors import NotFound, NotPermitted
from shared.roles import Role

router = APIRouter(prefix="/posting-decisions", tags=["posting decisions"])
READERS = (Role.HEAD_OF_RESOURCING, Role.HR_RESOURCE_PLANNING, Role.AUDITOR, Role.OFFICER)


class PostingDecisionOut(BaseModel):
    posting_id: str
    officer_id: str
    kind: str
    division: str
    decided_by: str
    decided_role: str
    decided_at: datetime
    clause: str
    posting_date: date | None
    notified_at: datetime | None


def _out(row: dict[str, object]) -> PostingDecisionOut:
    values = dict(row)
    values.pop("feed_position", None)
    return PostingDecisionOut.model_validate(values)


@router.get("/{posting_id}", response_model=PostingDecisionOut, **guarded(*READERS, errors=(404,)))
def get_posting_decision(
    posting_id: str, caller: Caller, runtime: RuntimeDep
) -> PostingDecisionOut:
    """A posting decision as appeals knows it (officers: their own only)."""
    with runtime.db.unit_of_work(write=False) as session:
        row = session.execute(
            select(posting_decisions).where(posting_decisions.c.posting_id == posting_id)
        ).first()
    if row is None:
        raise NotFound(f"posting decision {posting_id} is not known to appeals (yet)")
    out = _out(row._asdict())
    if caller.role is Role.OFFICER and not caller.is_officer(out.officer_id):
        raise NotPermitted("officers see only their own posting decisions")
    return out


@router.get("", response_model=Page[PostingDecisionOut], **guarded(*READERS, errors=(422,)))
def list_posting_decisions(
    caller: Caller,
    runtime: RuntimeDep,
    paging: Paging,
    officer_id: Annotated[str | None, Query(max_length=80)] = None,
) -> Page[PostingDecisionOut]:
    """Posting decisions, newest first (officers: their own only)."""
    query = select(posting_decisions)
    if caller.role is Role.OFFICER:
        query = query.where(posting_decisions.c.officer_id == caller.officer_id)
    if officer_id:
        query = query.where(posting_decisions.c.officer_id == officer_id)
    with runtime.db.unit_of_work(write=False) as session:
        return fetch_page(
            session,
            query,
            order_by=[posting_decisions.c.decided_at.desc(), posting_decisions.c.posting_id],
            paging=paging,
            convert=_out,
        )
