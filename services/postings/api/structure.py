"""The force's structure and balance: units with their heads, the establishment, strength
against it now and projected (L1800 3.1.2-3.1.3), and monitoring figures (7.1)."""

from __future__ import annotations

import statistics
from typing import Annotated, Literal

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.postings.commands import ChangeUnitHead, RegisterUnit, SetEstablishmentTarget
from services.postings.domain.establishment import Establishment, establishment_id
from services.postings.domain.unit import Unit, unit_id
from services.postings.projections.strength import strength
from services.postings.projections.tables import postings, units
from shared import lengths
from shared.api.inputs import RequestBody
from shared.api.routes import CommandRoute, QueryRoute, Reading, build, build_router
from shared.api.schemas import Code, CodePath, Name, PersonId
from shared.errors import NotFound
from shared.handling import Saved
from shared.roles import HR_ROLES, Role

PLANNERS = (Role.HR_RESOURCE_PLANNING,)
READERS = (*HR_ROLES, Role.AUDITOR, Role.DEPLOYMENT_PANEL)


class UnitIn(RequestBody):
    model_config = ConfigDict(extra="forbid")
    code: Code
    name: Name
    kind: Literal["division", "department"]
    head_id: PersonId | None = None


class UnitHeadIn(RequestBody):
    model_config = ConfigDict(extra="forbid")
    head_id: PersonId | None


class UnitOut(BaseModel):
    code: str
    name: str
    kind: str
    head_id: str | None
    version: int


class TargetIn(RequestBody):
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


class StrengthList(BaseModel):
    items: list[StrengthOut]


def _unit(session: Session, code: str) -> UnitOut:
    row = session.execute(select(units).where(units.c.code == code)).first()
    if row is None:
        raise NotFound(f"unit {code} not found")
    return UnitOut.model_validate(row._asdict())


def _unit_saved(ctx: Reading, saved: Saved) -> UnitOut:
    unit = ctx.runtime.application.load(saved.id, Unit, what="unit")
    return _unit(ctx.session, unit.code)


def _strength_of(session: Session, division: str | None) -> StrengthList:
    return StrengthList(
        items=[StrengthOut.model_validate(r.__dict__) for r in strength(session, division)]
    )


def _establishment(ctx: Reading, saved: Saved) -> StrengthList:
    division = ctx.runtime.application.load(saved.id, Establishment, what="establishment")
    return _strength_of(ctx.session, division.division)


def get_unit(ctx: Reading, code: CodePath) -> UnitOut:
    return _unit(ctx.session, code)


def read_strength(
    ctx: Reading, division: Annotated[str | None, Query(max_length=lengths.CODE)] = None
) -> StrengthList:
    return _strength_of(ctx.session, division)


def monitoring(ctx: Reading) -> MonitoringOut:
    session = ctx.session
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


router = build_router(
    tags=["structure and monitoring"],
    routes=[
        CommandRoute(
            "POST",
            "/units",
            name="register_unit",
            doc="Register a division or department with its commander or head.",
            roles=PLANNERS,
            body=UnitIn,
            make=build(RegisterUnit),
            answer=_unit_saved,
            response_model=UnitOut,
            created=True,
            location=lambda _, command: f"/units/{command.code}",
            errors=(409, 422),
        ),
        CommandRoute(
            "PUT",
            "/units/{code}/head",
            name="change_unit_head",
            doc="Record a new commander or head for the unit.",
            roles=PLANNERS,
            body=UnitHeadIn,
            path_params={"code": CodePath},
            make=build(ChangeUnitHead),
            record=lambda command: unit_id(command.code),
            answer=_unit_saved,
            response_model=UnitOut,
        ),
        QueryRoute(
            "/units/{code}",
            doc="One unit.",
            roles=tuple(Role),
            read=get_unit,
            response_model=UnitOut,
            errors=(404,),
            tagged=True,
        ),
        CommandRoute(
            "PUT",
            "/establishment/{division}",
            name="set_target",
            doc="Set the division's target for a rank or a scarce skill.",
            roles=PLANNERS,
            body=TargetIn,
            path_params={"division": CodePath},
            make=build(SetEstablishmentTarget),
            record=lambda command: establishment_id(command.division),
            answer=_establishment,
            response_model=StrengthList,
            errors=(409, 422),
        ),
        QueryRoute(
            "/strength",
            doc="""Strength against establishment by division, rank and scarce skill: now, and
            projected once the planned postings take effect.""",
            roles=READERS,
            read=read_strength,
            response_model=StrengthList,
            expensive=True,
        ),
        QueryRoute(
            "/monitoring",
            doc="""Figures for the Head of Resourcing's monitoring of the protocol (L1800
            7.1): postings by kind and division, compulsory postings, time from selection to
            posting date.""",
            roles=(Role.HEAD_OF_RESOURCING, Role.DIRECTOR_OF_HR, Role.AUDITOR),
            read=monitoring,
            response_model=MonitoringOut,
            expensive=True,
        ),
    ],
)
