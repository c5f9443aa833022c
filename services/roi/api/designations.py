"""Course designations carrying an ROI requirement (L1800 3.9.1-3.9.2) and the 'I am
Eligible' list published from them."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Annotated, Literal
from uuid import UUID

from fastapi import Query
from fastapi.responses import JSONResponse, Response
from sqlalchemy import func, select

from services.roi.api.schemas import (
    DesignationIn,
    DesignationOut,
    EligibleCourse,
    ExceptionalDesignationIn,
    QuarterText,
)
from services.roi.api.views import designation_out, designation_view
from services.roi.commands import DesignateCourse
from services.roi.domain.rules.s3_9_roi import PROPOSERS
from services.roi.domain.values import Quarter
from services.roi.projections.tables import designations
from shared.api.pagination import Page, Paging, fetch_page
from shared.api.routes import CommandRoute, QueryRoute, Reading, build_router
from shared.handling import Command, Saved
from shared.roles import HR_ROLES, Role

#: The list is published to every officer and manager ('I am Eligible'), so any role reads it.
READERS = tuple(Role)
#: The panel, the Director, and HR people who may hold the Director's delegation.
#: Who designates outside the quarterly process in their own right (3.9.2), and the HR
#: people who may only as the Director of HR's delegate.
EXCEPTIONAL = (Role.FORCE_RESOURCING_PANEL, Role.DIRECTOR_OF_HR)
EXCEPTIONAL_BY_DELEGATION = tuple(sorted(HR_ROLES - {Role.DIRECTOR_OF_HR}, key=lambda r: r.value))


def _designation(exceptional: bool) -> Callable[..., Command]:
    def make(body: DesignationIn) -> Command:
        values = dict(body)
        values["quarter"] = Quarter.parse(body.quarter)
        return DesignateCourse(**values, exceptional=exceptional)

    return make


def _designated(ctx: Reading, saved: Saved) -> DesignationOut:
    return designation_view(ctx.session, str(saved.id))


def get_designation(ctx: Reading, designation_id: UUID) -> DesignationOut:
    return designation_view(ctx.session, str(designation_id))


def list_designations(
    ctx: Reading, paging: Paging, quarter: Annotated[QuarterText | None, Query()] = None
) -> Page[DesignationOut]:
    query = select(designations)
    if quarter:
        query = query.where(designations.c.quarter == quarter)
    return fetch_page(
        ctx.session,
        query,
        order_by=[designations.c.quarter.desc(), designations.c.course_code],
        paging=paging,
        convert=designation_out,
    )


def eligible_list(ctx: Reading, format: Literal["json", "csv"] = "json") -> Response:
    session = ctx.session
    latest = session.execute(select(func.max(designations.c.quarter))).scalar()
    rows = session.execute(
        select(designations)
        .where((designations.c.quarter == latest) | designations.c.exceptional)
        .order_by(designations.c.course_code)
    ).all()
    courses = [
        EligibleCourse(
            course_code=r.course_code,
            title=r.title,
            quarter=r.quarter,
            period_months=r.period_months,
            reasons=json.loads(r.reasons),
        )
        for r in rows
    ]
    if format == "json":
        return JSONResponse([c.model_dump(mode="json") for c in courses])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["course_code", "title", "quarter", "period_months", "reasons"])
    for c in courses:
        writer.writerow(
            [
                c.course_code,
                _as_text(c.title),
                c.quarter,
                c.period_months,
                ";".join(r.value for r in c.reasons),
            ]
        )
    return Response(out.getvalue(), media_type="text/csv")


def _as_text(cell: str) -> str:
    """A cell a spreadsheet would run as a formula (one starting = + - @, a tab or a
    carriage return) is given with a leading apostrophe, so the list is read as text
    wherever it is opened (OWASP, 'CSV Injection')."""
    return f"'{cell}" if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


router = build_router(
    tags=["designations"],
    routes=[
        CommandRoute(
            "POST",
            "/designations",
            name="designate_course",
            doc="Record a course the quarterly resourcing priorities process designated (3.9.1).",
            roles=tuple(sorted(PROPOSERS, key=lambda r: r.value)),
            body=DesignationIn,
            make=_designation(exceptional=False),
            answer=_designated,
            response_model=DesignationOut,
            created=True,
            location=lambda saved, _: f"/designations/{saved.id}",
            errors=(422,),
        ),
        CommandRoute(
            "POST",
            "/designations/exceptional",
            name="designate_exceptionally",
            doc="""A designation outside the quarterly process, to ensure timeliness, by the
            Force Resourcing Panel or the Director of HR in exceptional circumstances (L1800
            3.9.2).""",
            roles=EXCEPTIONAL,
            delegated=EXCEPTIONAL_BY_DELEGATION,
            body=ExceptionalDesignationIn,
            make=_designation(exceptional=True),
            answer=_designated,
            response_model=DesignationOut,
            created=True,
            location=lambda saved, _: f"/designations/{saved.id}",
            errors=(403, 422, 503),
        ),
        QueryRoute(
            "/designations/{designation_id}",
            doc="One designation.",
            roles=READERS,
            read=get_designation,
            response_model=DesignationOut,
            errors=(404,),
            tagged=True,
        ),
        QueryRoute(
            "/designations",
            doc="Designations, newest quarter first, optionally for one quarter.",
            roles=READERS,
            read=list_designations,
            response_model=Page[DesignationOut],
            errors=(422,),
        ),
        QueryRoute(
            "/eligible-list",
            doc="""The 'I am Eligible' list for the HR system: the latest quarter's
            designations (and any exceptional ones since), with each course's quarter and
            ROI period (L1800 3.9.1). As JSON, or as CSV with format=csv.""",
            roles=READERS,
            read=eligible_list,
            response_model=list[EligibleCourse],
            media_types=("text/csv",),
        ),
    ],
)
