"""The force's structure and balance: units with their heads, the establishment, strength
against it now and projected (L1800 3.1.2-3.1.3), and monitoring figures (7.1)."""

from __future__ import annotations

import statistics
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.postings.api.deps import App
from services.postings.projections.strength import strength
from services.postings.projections.tables import postings, units
from shared.api.commands import CommandHeaders, command_endpoint
from shared.api.schemas import Code, Text
from shared.api.security import Caller, RuntimeDep, guarded
from shared.errors import NotFound
from shared.roles import HR_ROLES, Role

router = APIRouter(tags=["structure and monitoring"])
PLANNERS = (Role.HR_RESOURCE_PLANNING,)
READERS = (*HR_ROLES, Role.AUDITOR, Role.DEPLOYMENT_PANEL)


class UnitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: Code
    name: Text
    kind: Literal["division", "department"]
    head_id: Code | None = None


class UnitHeadIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    head_id: Code | None


class UnitOut(BaseModel):
    code: str
    name: str
    kind: str
    head_id: str | None
    version: int


class TargetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    category: Literal["rank", "skill"]
    key: Code
    target: int = Field(ge=0, le=100_000)


class StrengthOut(BaseModel):
    division: str
    category: str
    key: str
    target: int | None
    now: int
    projected: int


class KindDivisionCount(BaseModel):
    kind: str
    division: str
    postings: int


class SelectionTimes(BaseModel):
    postings: int
    mean_days: float | None
    median_days: float | None


class MonitoringOut(BaseModel):
    postings_by_kind_and_division: list[KindDivisionCount]
    compulsory_postings: int
    selection_to_posting_date: SelectionTimes


def _unit(session: Session, code: str) -> UnitOut:
    row = session.execute(select(units).where(units.c.code == code)).first()
    if row is None:
        raise NotFound(f"unit {code} not found")
    return UnitOut.model_validate(row._asdict())


@router.post(
    "/units", status_code=201, response_model=UnitOut, **guarded(*PLANNERS, errors=(409, 422))
)
def register_unit(
    body: UnitIn, caller: Caller, runtime: RuntimeDep, app: App, headers: CommandHeaders
) -> JSONResponse:
    """Register a division or department with its commander or head."""
    return command_endpoint(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.register_unit(principal=ctx.principal, **body.model_dump()),
        lambda session, _: _unit(session, body.code),
        status_code=201,
        location=lambda _: f"/units/{body.code}",
    )


@router.put("/units/{code}/head", response_model=UnitOut, **guarded(*PLANNERS, errors=(404, 422)))
def change_unit_head(
    code: str,
    body: UnitHeadIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """Record a new commander or head for the unit."""
    return command_endpoint(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.change_unit_head(principal=ctx.principal, code=code, head_id=body.head_id),
        lambda session, _: _unit(session, code),
    )


@router.get("/units/{code}", response_model=UnitOut, **guarded(*Role, errors=(404,)))
def get_unit(code: str, runtime: RuntimeDep) -> UnitOut:
    """One unit."""
    with runtime.db.unit_of_work(write=False) as session:
        return _unit(session, code)


class StrengthList(BaseModel):
    items: list[StrengthOut]


@router.put(
    "/establishment/{division}", response_model=StrengthList, **guarded(*PLANNERS, errors=(422,))
)
def set_target(
    division: str,
    body: TargetIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """Set the division's target for a rank or a scarce skill."""
    return command_endpoint(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.set_establishment(
            principal=ctx.principal, division=division, **body.model_dump()
        ),
        lambda session, _: StrengthList(
            items=[StrengthOut.model_validate(r.__dict__) for r in strength(session, division)]
        ),
    )


@router.get("/strength", response_model=StrengthList, **guarded(*READERS, expensive=True))
def read_strength(
    runtime: RuntimeDep, division: Annotated[str | None, Query(max_length=80)] = None
) -> StrengthList:
    """Strength against establishment by division, rank and scarce skill: now, and projected
    once the planned postings take effect."""
    with runtime.db.unit_of_work(write=False) as session:
        rows = strength(session, division)
    return StrengthList(items=[StrengthOut.model_validate(r.__dict__) for r in rows])


@router.get(
    "/monitoring",
    response_model=MonitoringOut,
    **guarded(Role.HEAD_OF_RESOURCING, Role.DIRECTOR_OF_HR, Role.AUDITOR, expensive=True),
)
def monitoring(runtime: RuntimeDep) -> MonitoringOut:
    """Figures for the Head of Resourcing's monitoring of the protocol (L1800 7.1): postings
    by kind and division, compulsory postings, time from selection to posting date."""
    with runtime.db.unit_of_work(write=False) as session:
        by_kind = session.execute(
            select(postings.c.kind, postings.c.division, func.count())
            .group_by(postings.c.kind, postings.c.division)
            .order_by(postings.c.kind, postings.c.division)
        ).all()
        selections = session.execute(
            select(postings.c.decided_at, postings.c.posting_date).where(
                postings.c.kind == "selection", postings.c.posting_date.is_not(None)
            )
        ).all()
    waits = [(posting_date - decided_at.date()).days for decided_at, posting_date in selections]
    return MonitoringOut(
        postings_by_kind_and_division=[
            KindDivisionCount(kind=k, division=d, postings=n) for k, d, n in by_kind
        ],
        compulsory_postings=sum(n for k, _, n in by_kind if k == "compulsory"),
        selection_to_posting_date=SelectionTimes(
            postings=len(waits),
            mean_days=round(statistics.fmean(waits), 1) if waits else None,
            median_days=float(statistics.median(waits)) if waits else None,
        ),
    )
