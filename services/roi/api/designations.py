"""Quarterly course designations carrying an ROI requirement (L1800 3.9.1-3.9.2)."""

from __future__ import annotations

import json
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.roi.api.deps import App
from services.roi.api.schemas import DesignationIn, DesignationOut, QuarterText
from services.roi.domain.rules import PROPOSERS
from services.roi.domain.values import Quarter
from services.roi.projections.tables import designations
from shared.api.commands import CommandContext, CommandHeaders, Outcome, etag, run_command
from shared.api.pagination import Page, Paging, fetch_page
from shared.api.security import Caller, RuntimeDep, guarded
from shared.errors import NotFound
from shared.roles import Role

router = APIRouter(prefix="/designations", tags=["designations"])

#: The list is published to every officer and manager ('I am Eligible'), so any role reads it.
READERS = tuple(Role)


def _out(row: dict[str, object]) -> DesignationOut:
    values = dict(row)
    values["reasons"] = json.loads(str(values["reasons"]))
    values["proposed_by"] = json.loads(str(values["proposed_by"]))
    return DesignationOut.model_validate(values)


def designation_out(session: Session, designation_id: str) -> DesignationOut:
    row = session.execute(select(designations).where(designations.c.id == designation_id)).first()
    if row is None:
        raise NotFound(f"designation {designation_id} not found")
    return _out(row._asdict())


@router.post(
    "",
    status_code=201,
    response_model=DesignationOut,
    **guarded(*sorted(PROPOSERS, key=lambda r: r.value), errors=(422,)),
)
def designate_course(
    body: DesignationIn, caller: Caller, runtime: RuntimeDep, app: App, headers: CommandHeaders
) -> JSONResponse:
    """Record a course the quarterly resourcing priorities process designated (3.9.1)."""

    def handle(ctx: CommandContext) -> Outcome:
        values = body.model_dump()
        values["quarter"] = Quarter.parse(body.quarter)
        saved = app.designate_course(
            principal=ctx.principal, correlation_id=ctx.correlation_id, **values
        )
        out = designation_out(ctx.session, str(saved.id))
        return Outcome(
            201,
            out.model_dump(mode="json"),
            version=saved.version,
            location=f"/designations/{saved.id}",
        )

    return run_command(runtime, caller, headers, body, handle)


@router.get("/{designation_id}", response_model=DesignationOut, **guarded(*READERS, errors=(404,)))
def get_designation(designation_id: UUID, runtime: RuntimeDep) -> JSONResponse:
    """One designation."""
    with runtime.db.unit_of_work(write=False) as session:
        out = designation_out(session, str(designation_id))
    return JSONResponse(out.model_dump(mode="json"), headers={"ETag": etag(out.version)})


@router.get("", response_model=Page[DesignationOut], **guarded(*READERS, errors=(422,)))
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
            convert=_out,
        )
