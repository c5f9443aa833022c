"""Delegations recorded by the Director of HR ('or appropriate delegate', L1800 3.1.1)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import select

from services.postings.api.deps import App
from services.postings.api.schemas import DecisionIn, DelegationIn, DelegationOut
from services.postings.api.views import delegation_out, delegation_view
from services.postings.domain.kinds import Power
from services.postings.projections.tables import delegations
from shared.api.commands import CommandHeaders, command_endpoint, etag
from shared.api.pagination import Page, Paging, fetch_page
from shared.api.security import Caller, RuntimeDep, guarded
from shared.roles import HR_ROLES, Role

router = APIRouter(prefix="/delegations", tags=["delegations"])
READERS = (*HR_ROLES, Role.AUDITOR)


@router.post(
    "", status_code=201, response_model=DelegationOut, **guarded(Role.DIRECTOR_OF_HR, errors=(422,))
)
def grant_delegation(
    body: DelegationIn, caller: Caller, runtime: RuntimeDep, app: App, headers: CommandHeaders
) -> JSONResponse:
    """The Director of HR delegates powers to a named person for a period, with rationale."""
    return command_endpoint(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.grant_delegation(
            principal=ctx.principal, correlation_id=ctx.correlation_id, **body.model_dump()
        ),
        lambda session, saved: delegation_view(session, str(saved.id)),
        status_code=201,
        location=lambda saved: f"/delegations/{saved.id}",
    )


@router.post(
    "/{delegation_id}/revocation",
    response_model=DelegationOut,
    **guarded(Role.DIRECTOR_OF_HR, errors=(404, 409, 422)),
)
def revoke_delegation(
    delegation_id: UUID,
    body: DecisionIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """Revoke a delegation (send If-Match with its ETag to guard against a concurrent change)."""
    return command_endpoint(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.revoke_delegation(
            principal=ctx.principal,
            correlation_id=ctx.correlation_id,
            delegation_id=delegation_id,
            expected_version=ctx.expected_version,
            rationale=body.rationale,
        ),
        lambda session, saved: delegation_view(session, str(saved.id)),
    )


class CoverageOut(BaseModel):
    covers: bool
    violations: list[dict[str, Any]]


@router.get(
    "/{delegation_id}/coverage",
    response_model=CoverageOut,
    **guarded(Role.SERVICE, *READERS, errors=(422,)),
)
def coverage(
    delegation_id: UUID,
    runtime: RuntimeDep,
    app: App,
    power: Power,
    actor_id: Annotated[str, Query(min_length=1, max_length=200)],
    on: date,
) -> CoverageOut:
    """Does this delegation let ``actor_id`` exercise ``power`` on ``on`` (L1800 3.1.1)?
    Other services ask before accepting a decision taken 'or appropriate delegate'."""
    with runtime.db.unit_of_work(write=False):
        violations = app.delegation_coverage(
            delegation_id=delegation_id, power=power, actor_id=actor_id, on=on
        )
    return CoverageOut(covers=not violations, violations=[v.as_dict() for v in violations])


@router.get("/{delegation_id}", response_model=DelegationOut, **guarded(*READERS, errors=(404,)))
def get_delegation(delegation_id: UUID, runtime: RuntimeDep) -> JSONResponse:
    """One delegation."""
    with runtime.db.unit_of_work(write=False) as session:
        out = delegation_view(session, str(delegation_id))
    return JSONResponse(out.model_dump(mode="json"), headers={"ETag": etag(out.version)})


@router.get("", response_model=Page[DelegationOut], **guarded(*READERS, errors=(422,)))
def list_delegations(runtime: RuntimeDep, paging: Paging) -> Page[DelegationOut]:
    """All delegations, newest period first."""
    with runtime.db.unit_of_work(write=False) as session:
        return fetch_page(
            session,
            select(delegations),
            order_by=[delegations.c.valid_from.desc(), delegations.c.id],
            paging=paging,
            convert=delegation_out,
        )
