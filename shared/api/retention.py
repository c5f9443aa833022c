"""``POST /retention/officers/{officer_id}/disposal``: dispose of an officer's personal
data held by this service at the end of its retention period (L1 Retention & Disposal of
Records), then rebuild the read models so that nothing readable is left in them."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from shared.api.commands import CommandContext, CommandHeaders, Outcome, run_command
from shared.api.security import Caller, RuntimeDep, guarded
from shared.disposal import dispose_personal_data
from shared.errors import RulesBroken, Violation
from shared.rebuild import rebuild_read_models
from shared.roles import Role

router = APIRouter(prefix="/retention", tags=["retention"])


class DisposalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    retention_ended_on: date = Field(description="When the HR Disposal Schedule's period ended")
    rationale: str = Field(min_length=1, max_length=4000)


@router.post(
    "/officers/{officer_id}/disposal",
    status_code=201,
    **guarded(Role.HR_POLICY_OWNER, Role.DIRECTOR_OF_HR, errors=(404, 409, 422)),
)
def dispose(
    officer_id: str, body: DisposalIn, caller: Caller, runtime: RuntimeDep, headers: CommandHeaders
) -> JSONResponse:
    """Record the disposal decision and destroy the officer's key here; their personal
    data in this service's events reads "[disposed]" from now on. Each service holds its
    own part: dispose in postings, appeals and ROI alike."""

    def decide(ctx: CommandContext) -> Outcome:
        if body.retention_ended_on > runtime.clock.now().date():
            raise RulesBroken(
                [
                    Violation(
                        rule="RetentionPeriodMustHaveEnded",
                        message=f"the retention period ends on {body.retention_ended_on}",
                        clause="L1 Retention & Disposal of Records",
                        field="retention_ended_on",
                    )
                ]
            )
        disposal = dispose_personal_data(
            runtime.application,
            principal=ctx.principal,
            correlation_id=ctx.correlation_id,
            officer_id=officer_id,
            retention_ended_on=body.retention_ended_on,
            rationale=body.rationale,
        )
        return Outcome(
            201,
            {
                "disposal_id": str(disposal.id),
                "officer_id": officer_id,
                "service": runtime.settings.service_name,
                "retention_ended_on": body.retention_ended_on.isoformat(),
            },
        )

    response = run_command(runtime, caller, headers, body, decide)
    if response.status_code == 201:
        # Read models hold personal data in clear: rebuild them from the sealed log.
        rebuild_read_models(runtime.application, runtime.tables.events.metadata, runtime.tables)
    return response
