"""``POST /retention/officers/{officer_id}/disposal``: dispose of an officer's personal
data held by this service at the end of its retention period (L1 Retention & Disposal of
Records), then rebuild the read models so that nothing readable is left in them."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from shared import lengths
from shared.api.inputs import RequestBody
from shared.api.routes import CommandRoute, Reading, build, build_router
from shared.api.schemas import OfficerIdPath
from shared.disposal import DisposeOfPersonalData, PersonalDataDisposal
from shared.handling import Saved
from shared.rebuild import rebuild_read_models
from shared.roles import Role
from shared.runtime import Runtime


class DisposalIn(RequestBody):
    retention_ended_on: date = Field(description="When the HR Disposal Schedule's period ended")
    rationale: str = Field(min_length=1, max_length=lengths.DISPOSAL_RATIONALE)


class DisposalOut(BaseModel):
    disposal_id: str
    officer_id: str
    service: str
    retention_ended_on: date


def _rebuild(runtime: Runtime) -> None:
    # Read models hold personal data in clear: rebuild them from the sealed log.
    rebuild_read_models(runtime.application, runtime.tables.events.metadata, runtime.tables)


def _answer(ctx: Reading, saved: Saved) -> DisposalOut:
    disposal = ctx.runtime.application.load(saved.id, PersonalDataDisposal, what="disposal")
    return DisposalOut(
        disposal_id=str(saved.id),
        officer_id=disposal.officer_id,
        service=ctx.runtime.settings.service_name,
        retention_ended_on=disposal.retention_ended_on,
    )


router = build_router(
    prefix="/retention",
    tags=["retention"],
    routes=[
        CommandRoute(
            "POST",
            "/officers/{officer_id}/disposal",
            name="dispose",
            doc="""Record the disposal decision and destroy the officer's key here; their
            personal data in this service's events reads "[disposed]" from now on. Each
            service holds its own part: dispose in postings, appeals and ROI alike.""",
            roles=(Role.HR_POLICY_OWNER, Role.DIRECTOR_OF_HR),
            body=DisposalIn,
            path_params={"officer_id": OfficerIdPath},
            make=build(DisposeOfPersonalData),
            answer=_answer,
            response_model=DisposalOut,
            created=True,
            after=_rebuild,
        )
    ],
)
