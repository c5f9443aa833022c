"""Delegations recorded by the Director of HR ('or appropriate delegate')."""

from __future__ import annotations

import json
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.postings.api.deps import App
from services.postings.api.schemas import DelegationIn, DelegationOut, RevocationIn
from services.postings.projections.tables import delegations
from shared.api.commands import CommandContext, CommandHeaders, Outcome, etag, run_command
from shared.api.pagination import Page, Paging, fetch_page
from shared.api.security import Caller, RuntimeDep, guarded
from shared.errors import NotFound
from shared.roles import HR_ROLES, Role

router = APIRouter(prefix="/delegations", tags=["delegations"])
READERS = (*HR_ROLES, Role.AUDITOR)


def delegation_out(session: Session, delegation_id: str) -> DelegationOut:
    row = session.execute(select(delegations).where(delegations.c.id == delegation_id)).first()
    if row is None:
        raise NotFound(f"delegation {delegation_id} not found")
    return _out(row._asdict())


def _out(row: dict[str, object]) -> DelegationOut:
    row = dict(row)
    row["powers"] = json.loads(str(row["powers"]))
    row["revoked"] = bool(row["revoked"])
    return DelegationOut.model_validate(row)


@router.post(
    "",
    status_code=201,
    response_model=DelegationOut,
    **guarded(Role.DIRECTOR_OF_HR, errors=(422,)),
)
def grant_delegation(
    body: DelegationIn, caller: Caller, runtime: RuntimeDep, app: App, headers: CommandHeaders
) -> JSONResponse:
    """The Director of HR delegates powers to a named person for a period, with rationale."""

    def handle(ctx: CommandContext) -> Outcome:
        saved = app.grant_delegation(
            principal=ctx.principal, correlation_id=ctx.correlation_id, **body.model_dump()
        )
        out = delegation_out(ctx.session, str(saved.id))
        return Outcome(
            201,
            out.model_dump(mode="json"),
            version=saved.version,
            location=f"/delegations/{saved.id}",
        )

    return run_command(runtime, caller, headers, body, handle)


@router.post(
    "/{delegation_id}/revocation",
    response_model=DelegationOut,
    **guarded(Role.DIRECTOR_OF_HR, errors=(404, 409, 422)),
)
def revoke_delegation(
    delegation_id: UUID,
    body: RevocationIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """Revoke a delegation (send If-Match with its ETag to guard against a concurrent change)."""

    def handle(ctx: CommandContext) -> Outcome:
        saved = app.revoke_delegation(
            principal=ctx.principal,
            correlation_id=ctx.correlation_id,
            delegation_id=delegation_id,
            expected_version=ctx.expected_version,
            rationale=body.rationale,
        )
        out = delegation_out(ctx.session, str(saved.id))
        return Outcome(200, out.model_dump(mode="json"), version=saved.version)

    return run_command(runtime, caller, headers, body, handle)


@router.get("/{delegation_id}", response_model=DelegationOut, **guarded(*READERS, errors=(404,)))
def get_delegation(delegation_id: UUID, runtime: RuntimeDep) -> JSONResponse:
    """One delegation."""
    with runtime.db.unit_of_work(write=False) as session:
        out = delegation_out(session, str(delegation_id))
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
            convert=_out,
        )
