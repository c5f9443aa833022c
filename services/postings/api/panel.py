"""The monthly Resourcing Deployment Panel: its sittings, its agenda of postings awaiting a
date, and its outcome for each (L1800 3.4.2)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import select

from services.postings.api.deps import App
from services.postings.api.schemas import OutcomeIn, PostingOut, SittingIn, SittingOut
from services.postings.api.views import posting_out, posting_view, sitting_view
from services.postings.application import Saved
from services.postings.projections.tables import panel_sittings, postings
from shared.api.commands import CommandContext, CommandHeaders, command_endpoint
from shared.api.pagination import Page, Paging, fetch_page
from shared.api.problems import ApiProblem
from shared.api.security import Caller, RuntimeDep, guarded
from shared.roles import HR_ROLES, Role

router = APIRouter(prefix="/panel-sittings", tags=["panel sittings"])
PANEL = (Role.DEPLOYMENT_PANEL,)
ORGANISERS = (Role.DEPLOYMENT_PANEL, Role.HR_RESOURCE_PLANNING)
READERS = (Role.DEPLOYMENT_PANEL, *HR_ROLES, Role.AUDITOR)


@router.post("", status_code=201, response_model=SittingOut, **guarded(*ORGANISERS, errors=(422,)))
def schedule_sitting(
    body: SittingIn, caller: Caller, runtime: RuntimeDep, app: App, headers: CommandHeaders
) -> JSONResponse:
    """Schedule a sitting of the panel."""
    return command_endpoint(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.schedule_sitting(principal=ctx.principal, sits_on=body.sits_on),
        lambda session, saved: sitting_view(session, str(saved.id)),
        status_code=201,
        location=lambda saved: f"/panel-sittings/{saved.id}",
    )


@router.get("", response_model=Page[SittingOut], **guarded(*READERS, errors=(422,)))
def list_sittings(runtime: RuntimeDep, paging: Paging) -> Page[SittingOut]:
    """Sittings, latest first."""
    with runtime.db.unit_of_work(write=False) as session:
        return fetch_page(
            session,
            select(panel_sittings),
            order_by=[panel_sittings.c.sits_on.desc(), panel_sittings.c.id],
            paging=paging,
            convert=SittingOut.model_validate,
        )


@router.get("/{sitting_id}", response_model=SittingOut, **guarded(*READERS, errors=(404,)))
def get_sitting(sitting_id: UUID, runtime: RuntimeDep) -> SittingOut:
    """One sitting."""
    with runtime.db.unit_of_work(write=False) as session:
        return sitting_view(session, str(sitting_id))


@router.get(
    "/{sitting_id}/agenda", response_model=Page[PostingOut], **guarded(*READERS, errors=(404, 422))
)
def agenda(
    sitting_id: UUID, caller: Caller, runtime: RuntimeDep, paging: Paging
) -> Page[PostingOut]:
    """The postings awaiting a date, oldest decision first."""
    with runtime.db.unit_of_work(write=False) as session:
        sitting_view(session, str(sitting_id))
        return fetch_page(
            session,
            select(postings).where(postings.c.state == "awaiting_date"),
            order_by=[postings.c.decided_seq],
            paging=paging,
            convert=lambda row: posting_out(row, caller),
        )


@router.post(
    "/{sitting_id}/outcomes",
    response_model=PostingOut,
    **guarded(*PANEL, errors=(404, 409, 422)),
)
def record_outcome(
    sitting_id: UUID,
    body: OutcomeIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """The panel's outcome for one posting: its date confirmed, or deferred with rationale."""
    if body.outcome == "date_confirmed" and body.posting_date is None:
        raise ApiProblem(
            422,
            "invalid-request",
            "a confirmed date needs posting_date",
            errors=[{"field": "body.posting_date", "message": "required", "type": "missing"}],
        )

    def command(ctx: CommandContext) -> Saved:
        if body.posting_date is not None and body.outcome == "date_confirmed":
            return app.confirm_date_at_sitting(
                principal=ctx.principal,
                correlation_id=ctx.correlation_id,
                sitting_id=sitting_id,
                posting_id=body.posting_id,
                posting_date=body.posting_date,
                rationale=body.rationale,
            )
        return app.defer_at_sitting(
            principal=ctx.principal,
            correlation_id=ctx.correlation_id,
            sitting_id=sitting_id,
            posting_id=body.posting_id,
            rationale=body.rationale,
        )

    return command_endpoint(
        runtime,
        caller,
        headers,
        body,
        command,
        lambda session, _: posting_view(session, str(body.posting_id), caller),
    )


@router.post(
    "/{sitting_id}/closure", response_model=SittingOut, **guarded(*PANEL, errors=(404, 409))
)
def close_sitting(
    sitting_id: UUID, caller: Caller, runtime: RuntimeDep, app: App, headers: CommandHeaders
) -> JSONResponse:
    """Close the sitting: no further outcomes are recorded at it."""
    return command_endpoint(
        runtime,
        caller,
        headers,
        None,
        lambda ctx: app.close_sitting(principal=ctx.principal, sitting_id=sitting_id),
        lambda session, saved: sitting_view(session, str(saved.id)),
    )
