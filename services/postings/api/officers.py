"""Officers: reference data (HR roles and the HR-system integration write it), their PDRs,
locations unsuitable for them, and their notifications."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, RootModel
from sqlalchemy import select

from services.postings.api.access import (
    DELEGATE_ROLES,
    DIVISIONAL_READERS,
    FORCE_WIDE_READERS,
    OFFICER_RECORD_READERS,
)
from services.postings.api.deps import App
from services.postings.api.schemas import (
    DecisionIn,
    DelegatedDecisionIn,
    NotificationOut,
    OfficerChangesIn,
    OfficerIn,
    OfficerOut,
    PdrIn,
    PersonalFileEntryOut,
    PolicyExceptionIn,
    PolicyExceptionOut,
    ProbationReviewIn,
    RestrictionIn,
    RestrictionList,
    RestrictionOut,
)
from services.postings.api.views import (
    exceptions_of,
    notifications_of,
    officer_out,
    officer_view,
    personal_file_of,
    restrictions_view,
)
from services.postings.application import Saved
from services.postings.domain.values import GeoPoint
from services.postings.projections.tables import officers
from shared.api.commands import (
    CommandContext,
    CommandHeaders,
    CommandRequest,
    command_endpoint,
    etag,
)
from shared.api.pagination import Page, Paging, fetch_page
from shared.api.security import Caller, RuntimeDep, guarded
from shared.identity import Principal
from shared.roles import HR_ROLES, Role
from shared.runtime import Runtime

router = APIRouter(prefix="/officers", tags=["officers"])
REFERENCE_WRITERS = (Role.HR_RESOURCE_PLANNING, Role.INTEGRATION)


def _home(values: dict[str, object]) -> dict[str, object]:
    home = values.get("home")
    if isinstance(home, dict):
        values["home"] = GeoPoint(float(home["lat"]), float(home["lon"]))
    return values


@router.post(
    "",
    status_code=201,
    response_model=OfficerOut,
    **guarded(*REFERENCE_WRITERS, errors=(409, 422)),
)
def register_officer(
    body: OfficerIn, caller: Caller, runtime: RuntimeDep, app: App, headers: CommandHeaders
) -> JSONResponse:
    """Register an officer's reference data."""
    return command_endpoint(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.register_officer(principal=ctx.principal, **_home(body.model_dump())),
        lambda session, _: officer_view(session, body.officer_id, caller),
        status_code=201,
        location=lambda _: f"/officers/{body.officer_id}",
    )


@router.patch(
    "/{officer_id}",
    response_model=OfficerOut,
    **guarded(*REFERENCE_WRITERS, errors=(404, 409, 422)),
)
def change_officer(
    officer_id: str,
    body: OfficerChangesIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """Change an officer's reference data: only the fields given, each change an event."""
    changes = _home(body.model_dump(exclude_unset=True))
    return command_endpoint(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.change_officer(
            principal=ctx.principal,
            officer_id=officer_id,
            expected_version=ctx.expected_version,
            changes=changes,
        ),
        lambda session, _: officer_view(session, officer_id, caller),
    )


@router.put(
    "/{officer_id}/pdr",
    response_model=OfficerOut,
    **guarded(*REFERENCE_WRITERS, errors=(404, 422)),
)
def record_pdr(
    officer_id: str,
    body: PdrIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """Record the officer's current annual PDR: when due and, once done, when completed."""
    return command_endpoint(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.record_pdr(
            principal=ctx.principal, officer_id=officer_id, **body.model_dump()
        ),
        lambda session, _: officer_view(session, officer_id, caller),
    )


@router.get(
    "/{officer_id}", response_model=OfficerOut, **guarded(*OFFICER_RECORD_READERS, errors=(404,))
)
def get_officer(officer_id: str, caller: Caller, runtime: RuntimeDep) -> JSONResponse:
    """An officer's reference data: officers see their own, divisional roles their division.
    Welfare factors are shown to HR roles only."""
    with runtime.db.unit_of_work(write=False) as session:
        out = officer_view(session, officer_id, caller)
    return JSONResponse(out.model_dump(mode="json"), headers={"ETag": etag(out.version)})


@router.get(
    "",
    response_model=Page[OfficerOut],
    **guarded(*FORCE_WIDE_READERS, *DIVISIONAL_READERS, errors=(422,)),
)
def list_officers(
    caller: Caller,
    runtime: RuntimeDep,
    paging: Paging,
    division: Annotated[str | None, Query(max_length=80)] = None,
) -> Page[OfficerOut]:
    """Officers by id; divisional roles see their own division only."""
    query = select(officers)
    if caller.role not in FORCE_WIDE_READERS:
        query = query.where(officers.c.division == caller.division)
    if division:
        query = query.where(officers.c.division == division)
    with runtime.db.unit_of_work(write=False) as session:
        return fetch_page(
            session,
            query,
            order_by=[officers.c.officer_id],
            paging=paging,
            convert=lambda row: officer_out(row, caller),
        )


# -- unsuitable locations (L1800 3.2.2) ----------------------------------------------------


@router.post(
    "/{officer_id}/restrictions",
    status_code=201,
    response_model=list[RestrictionOut],
    **guarded(Role.PSD, Role.OFFICER, errors=(404, 409, 422)),
)
def restrict_location(
    officer_id: str,
    body: RestrictionIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """Professional Standards marks a location unsuitable (the rationale is its confidential
    reason), or the officer asks not to be posted there (L1800 3.2.2)."""
    return _restriction_command(
        runtime,
        caller,
        headers,
        body,
        officer_id,
        status_code=201,
        command=lambda ctx: app.restrict_location(
            principal=ctx.principal,
            correlation_id=ctx.correlation_id,
            officer_id=officer_id,
            location=body.location,
            rationale=body.rationale,
        ),
    )


@router.post(
    "/{officer_id}/restrictions/{location}/lifting",
    response_model=list[RestrictionOut],
    **guarded(Role.PSD, Role.OFFICER, errors=(404, 422)),
)
def lift_restriction(
    officer_id: str,
    location: str,
    body: DecisionIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """Lift a restriction: by Professional Standards for theirs, the officer for their own."""
    return _restriction_command(
        runtime,
        caller,
        headers,
        body,
        officer_id,
        command=lambda ctx: app.lift_restriction(
            principal=ctx.principal,
            correlation_id=ctx.correlation_id,
            officer_id=officer_id,
            location=location,
            rationale=body.rationale,
        ),
    )


@router.post(
    "/{officer_id}/restrictions/{location}/exception-support",
    response_model=list[RestrictionOut],
    **guarded(Role.PSD, Role.HEAD_OF_RESOURCING, errors=(404, 422)),
)
def support_exception(
    officer_id: str,
    location: str,
    body: DecisionIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """Support a posting to a restricted location in exceptional circumstances; it needs
    both Professional Standards and the Head of Resourcing (L1800 3.2.2)."""
    return _restriction_command(
        runtime,
        caller,
        headers,
        body,
        officer_id,
        command=lambda ctx: app.support_restriction_exception(
            principal=ctx.principal,
            correlation_id=ctx.correlation_id,
            officer_id=officer_id,
            location=location,
            rationale=body.rationale,
        ),
    )


def _restriction_command(
    runtime: Runtime,
    caller: Principal,
    headers: CommandRequest,
    body: BaseModel,
    officer_id: str,
    *,
    command: Callable[[CommandContext], Saved],
    status_code: int = 200,
) -> JSONResponse:
    """Answer a change to an officer's restrictions with the list as the caller may see it."""
    return command_endpoint(
        runtime,
        caller,
        headers,
        body,
        command,
        lambda session, _: RestrictionList(restrictions_view(session, officer_id, caller)),
        status_code=status_code,
    )


@router.get(
    "/{officer_id}/restrictions",
    response_model=list[RestrictionOut],
    **guarded(*OFFICER_RECORD_READERS, errors=(404,)),
)
def list_restrictions(officer_id: str, caller: Caller, runtime: RuntimeDep) -> list[RestrictionOut]:
    """Restricted locations; only psd and head_of_resourcing see the source and reason."""
    with runtime.db.unit_of_work(write=False) as session:
        return restrictions_view(session, officer_id, caller)


@router.post(
    "/{officer_id}/home-town-exception",
    response_model=OfficerOut,
    **guarded(*DELEGATE_ROLES, errors=(404, 409, 422)),
)
def grant_home_town_exception(
    officer_id: str,
    body: DelegatedDecisionIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """The Director of HR, or a delegate naming their delegation, allows a probationer's
    divisional posting to their home town in exceptional circumstances (L1800 3.3.1)."""
    return command_endpoint(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.grant_home_town_exception(
            principal=ctx.principal,
            correlation_id=ctx.correlation_id,
            officer_id=officer_id,
            rationale=body.rationale,
            delegation_id=body.delegation_id,
        ),
        lambda session, _: officer_view(session, officer_id, caller),
    )


@router.post(
    "/{officer_id}/probation-review",
    response_model=OfficerOut,
    **guarded(Role.HR_RESOURCE_PLANNING, errors=(404, 409, 422)),
)
def review_probation(
    officer_id: str,
    body: ProbationReviewIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """At the end of probation, confirm the divisional posting or record that it changes
    (then decide the new divisional posting) (L1800 3.3.1)."""
    return command_endpoint(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.review_probation(
            principal=ctx.principal,
            correlation_id=ctx.correlation_id,
            officer_id=officer_id,
            outcome=body.outcome,
            rationale=body.rationale,
        ),
        lambda session, _: officer_view(session, officer_id, caller),
    )


@router.get(
    "/{officer_id}/personal-file",
    response_model=list[PersonalFileEntryOut],
    **guarded(Role.OFFICER, *HR_ROLES, Role.AUDITOR, errors=(404,)),
)
def read_personal_file(
    officer_id: str, caller: Caller, runtime: RuntimeDep
) -> list[PersonalFileEntryOut]:
    """Entries on the officer's personal file (a declined 1068 and its reasons, 3.5.3)."""
    with runtime.db.unit_of_work(write=False) as session:
        officer_view(session, officer_id, caller)
        return personal_file_of(session, officer_id)


class ExceptionList(RootModel[list[PolicyExceptionOut]]):
    pass


@router.post(
    "/{officer_id}/exceptions",
    status_code=201,
    response_model=list[PolicyExceptionOut],
    **guarded(Role.HR_POLICY_OWNER, errors=(404, 409, 422)),
)
def grant_exception(
    officer_id: str,
    body: PolicyExceptionIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """An HR policy owner sets a protocol rule aside for this officer's next case, with
    clear rationale (L1 2.4); the check it sets aside then passes, citing it."""
    return command_endpoint(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.grant_exception(
            principal=ctx.principal,
            correlation_id=ctx.correlation_id,
            officer_id=officer_id,
            rule=body.rule,
            rationale=body.rationale,
        ),
        lambda session, _: ExceptionList(exceptions_of(session, officer_id)),
        status_code=201,
    )


@router.get(
    "/{officer_id}/exceptions",
    response_model=list[PolicyExceptionOut],
    **guarded(*HR_ROLES, Role.AUDITOR, errors=(404,)),
)
def list_exceptions(
    officer_id: str, caller: Caller, runtime: RuntimeDep
) -> list[PolicyExceptionOut]:
    """Exceptions granted for this officer and the case each served."""
    with runtime.db.unit_of_work(write=False) as session:
        officer_view(session, officer_id, caller)
        return exceptions_of(session, officer_id)


@router.get(
    "/{officer_id}/notifications",
    response_model=list[NotificationOut],
    **guarded(*OFFICER_RECORD_READERS, errors=(404,)),
)
def list_notifications(
    officer_id: str, caller: Caller, runtime: RuntimeDep
) -> list[NotificationOut]:
    """What the officer was told, and when (written confirmations, reasoning given)."""
    with runtime.db.unit_of_work(write=False) as session:
        officer_view(session, officer_id, caller)
        return notifications_of(session, officer_id)
