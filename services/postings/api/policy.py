"""Policy settings, each set by a recorded decision of the Director of HR or delegate."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from services.postings.api.access import DELEGATE_ROLES
from services.postings.api.deps import App
from services.postings.api.schemas import NoticePeriodIn, PolicyOut, TravelLimitIn
from services.postings.api.views import policy_view
from shared.api.commands import CommandHeaders, command_endpoint
from shared.api.security import Caller, RuntimeDep, guarded
from shared.roles import Role

router = APIRouter(prefix="/policy", tags=["policy settings"])


@router.get("", response_model=PolicyOut, **guarded(*Role))
def get_policy(runtime: RuntimeDep) -> PolicyOut:
    """The reasonable travel limit (L1800 3.2.1) and default notice period (3.7.2)."""
    with runtime.db.unit_of_work(write=False) as session:
        return policy_view(session)


@router.put("/travel-limit", response_model=PolicyOut, **guarded(*DELEGATE_ROLES, errors=(422,)))
def set_travel_limit(
    body: TravelLimitIn, caller: Caller, runtime: RuntimeDep, app: App, headers: CommandHeaders
) -> JSONResponse:
    """The Director of HR (or delegate) determines the reasonable travelling distance."""
    return command_endpoint(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.set_travel_limit(
            principal=ctx.principal, correlation_id=ctx.correlation_id, **body.model_dump()
        ),
        lambda session, _: policy_view(session),
    )


@router.put("/notice-period", response_model=PolicyOut, **guarded(*DELEGATE_ROLES, errors=(422,)))
def set_notice_period(
    body: NoticePeriodIn, caller: Caller, runtime: RuntimeDep, app: App, headers: CommandHeaders
) -> JSONResponse:
    """The Director of HR (or delegate) sets the reasonable notice period (L1800 3.7.2)."""
    return command_endpoint(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.set_notice_period(
            principal=ctx.principal, correlation_id=ctx.correlation_id, **body.model_dump()
        ),
        lambda session, _: policy_view(session),
    )
