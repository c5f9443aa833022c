"""Officers as reference data (HR roles and the HR-system integration write them)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.postings.api.access import OFFICER_RECORD_READERS, ensure_may_see
from services.postings.api.deps import App
from services.postings.api.schemas import OfficerIn, OfficerOut
from services.postings.projections.tables import officers
from shared.api.commands import CommandContext, CommandHeaders, Outcome, etag, run_command
from shared.api.security import Caller, RuntimeDep, guarded
from shared.errors import NotFound
from shared.roles import Role

router = APIRouter(prefix="/officers", tags=["officers"])


def officer_out(session: Session, officer_id: str) -> OfficerOut:
    row = session.execute(select(officers).where(officers.c.officer_id == officer_id)).first()
    if row is None:
        raise NotFound(f"officer {officer_id} not found")
    return OfficerOut.model_validate(row._asdict())


@router.post(
    "",
    status_code=201,
    response_model=OfficerOut,
    **guarded(Role.HR_RESOURCE_PLANNING, Role.INTEGRATION, errors=(409, 422)),
)
def register_officer(
    body: OfficerIn, caller: Caller, runtime: RuntimeDep, app: App, headers: CommandHeaders
) -> JSONResponse:
    """Register an officer's reference data."""

    def handle(ctx: CommandContext) -> Outcome:
        saved = app.register_officer(principal=ctx.principal, **body.model_dump())
        out = officer_out(ctx.session, body.officer_id)
        return Outcome(
            201,
            out.model_dump(mode="json"),
            version=saved.version,
            location=f"/officers/{body.officer_id}",
        )

    return run_command(runtime, caller, headers, body, handle)


@router.get(
    "/{officer_id}",
    response_model=OfficerOut,
    **guarded(*OFFICER_RECORD_READERS, errors=(404,)),
)
def get_officer(officer_id: str, caller: Caller, runtime: RuntimeDep) -> JSONResponse:
    """An officer's reference data: officers see their own, divisional roles their division."""
    with runtime.db.unit_of_work(write=False) as session:
        out = officer_out(session, officer_id)
    ensure_may_see(caller, officer_id=out.officer_id, division=out.division)
    return JSONResponse(out.model_dump(mode="json"), headers={"ETag": etag(out.version)})
