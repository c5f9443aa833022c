"""Course designations carrying an ROI requirement (L1800 3.9.1-3.9.2) and the 'I am
Eligible' list published from them."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response
from sqlalchemy import func, select

from services.roi.api.deps import App
from services.roi.api.schemas import (
    DesignationIn,
    DesignationOut,
    EligibleCourse,
    ExceptionalDesignationIn,
    QuarterText,
)
from services.roi.api.views import designation_out, designation_view
from services.roi.application import RoiApplication, Saved
from services.roi.domain.rules import PROPOSERS
from services.roi.domain.values import Quarter
from services.roi.projections.tables import designations
from shared.api.commands import CommandContext, CommandHeaders, command_endpoint, etag
from shared.api.pagination import Page, Paging, fetch_page
from shared.api.security import Caller, RuntimeDep, guarded
from shared.roles import HR_ROLES, Role

router = APIRouter(tags=["designations"])

#: The list is published to every officer and manager ('I am Eligible'), so any role reads it.
READERS = tuple(Role)
#: The panel, the Director, and HR people who may hold the Director's delegation.
EXCEPTIONAL = (Role.FORCE_RESOURCING_PANEL, *HR_ROLES)

ELIGIBLE_LIST_OPTIONS = guarded(*READERS)
ELIGIBLE_LIST_OPTIONS["responses"][200] = {
    "description": "The list as JSON, or as CSV with format=csv",
    "content": {"application/json": {}, "text/csv": {}},
}


def _designate(
    app: RoiApplication, body: DesignationIn, *, exceptional: bool
) -> Callable[[CommandContext], Saved]:
    def command(ctx: CommandContext) -> Saved:
        values = body.model_dump()
        values["quarter"] = Quarter.parse(body.quarter)
        return app.designate_course(
            principal=ctx.principal,
            correlation_id=ctx.correlation_id,
            exceptional=exceptional,
            **values,
        )

    return command


@router.post(
    "/designations",
    status_code=201,
    response_model=DesignationOut,
    **guarded(*sorted(PROPOSERS, key=lambda r: r.value), errors=(422,)),
)
def designate_course(
    body: DesignationIn, caller: Caller, runtime: RuntimeDep, app: App, headers: CommandHeaders
) -> JSONResponse:
    """Record a course the quarterly resourcing priorities process designated (3.9.1)."""
    return command_endpoint(
        runtime,
        caller,
        headers,
        body,
        _designate(app, body, exceptional=False),
        lambda session, saved: designation_view(session, str(saved.id)),
        status_code=201,
        location=lambda saved: f"/designations/{saved.id}",
    )


@router.post(
    "/designations/exceptional",
    status_code=201,
    response_model=DesignationOut,
    **guarded(*EXCEPTIONAL, errors=(403, 422, 503)),
)
def designate_exceptionally(
    body: ExceptionalDesignationIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """A designation outside the quarterly process, to ensure timeliness, by the Force
    Resourcing Panel or the Director of HR in exceptional circumstances (L1800 3.9.2)."""
    return command_endpoint(
        runtime,
        caller,
        headers,
        body,
        _designate(app, body, exceptional=True),
        lambda session, saved: designation_view(session, str(saved.id)),
        status_code=201,
        location=lambda saved: f"/designations/{saved.id}",
    )


@router.get(
    "/designations/{designation_id}",
    response_model=DesignationOut,
    **guarded(*READERS, errors=(404,)),
)
def get_designation(designation_id: UUID, runtime: RuntimeDep) -> JSONResponse:
    """One designation."""
    with runtime.db.unit_of_work(write=False) as session:
        out = designation_view(session, str(designation_id))
    return JSONResponse(out.model_dump(mode="json"), headers={"ETag": etag(out.version)})


@router.get(
    "/designations", response_model=Page[DesignationOut], **guarded(*READERS, errors=(422,))
)
def list_designations(
    runtime: RuntimeDep,
    paging: Paging,
    quarter: Annotated[QuarterText | None, Query()] = None,
) -> Page[DesignationOut]:
    """Designations, newest quarter first, optionally for one quarter."""
    query = select(designations)
    if quarter:
        query = query.where(designations.c.quarter == quarter)
    with runtime.db.unit_of_work(write=False) as session:
        return fetch_page(
            session,
            query,
            order_by=[designations.c.quarter.desc(), designations.c.course_code],
            paging=paging,
            convert=designation_out,
        )


@router.get(
    "/eligible-list",
    response_model=list[EligibleCourse],
    **ELIGIBLE_LIST_OPTIONS,
)
def eligible_list(runtime: RuntimeDep, format: Literal["json", "csv"] = "json") -> Response:
    """The 'I am Eligible' list for the HR system: the latest quarter's designations (and
    any exceptional ones since), with each course's quarter and ROI period (L1800 3.9.1)."""
    with runtime.db.unit_of_work(write=False) as session:
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
                c.title,
                c.quarter,
                c.period_months,
                ";".join(r.value for r in c.reasons),
            ]
        )
    return Response(out.getvalue(), media_type="text/csv")
