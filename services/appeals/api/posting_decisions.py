"""Appeals' view of the posting decisions that may be appealed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import func, select

from services.appeals.projections.tables import posting_decisions
from shared.api.pagination import Page, Paging
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
    decided_at: str
    clause: str
    posting_date: str | None
    notified_at: str | None


def _out(row: dict[str, object]) -> PostingDecisionOut:
    values = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}
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
        total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        rows = session.execute(
            query.order_by(posting_decisions.c.decided_at.desc(), posting_decisions.c.posting_id)
            .limit(paging.limit)
            .offset(paging.offset)
        ).all()
    return Page(
        items=[_out(r._asdict()) for r in rows],
        limit=paging.limit,
        offset=paging.offset,
        total=total,
    )
