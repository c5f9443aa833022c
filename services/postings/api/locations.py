"""Places of duty (HR roles and the HR-system integration write them; everyone reads)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlalchemy import select

from services.postings.api.deps import App
from services.postings.api.schemas import LocationIn, LocationOut
from services.postings.api.views import location_view
from services.postings.projections.tables import locations
from shared.api.commands import CommandHeaders, command_endpoint, etag
from shared.api.pagination import Page, Paging, fetch_page
from shared.api.security import Caller, RuntimeDep, guarded
from shared.roles import Role

router = APIRouter(prefix="/locations", tags=["locations"])
EVERYONE = tuple(Role)


@router.post(
    "",
    status_code=201,
    response_model=LocationOut,
    **guarded(Role.HR_RESOURCE_PLANNING, Role.INTEGRATION, errors=(409, 422)),
)
def register_location(
    body: LocationIn, caller: Caller, runtime: RuntimeDep, app: App, headers: CommandHeaders
) -> JSONResponse:
    """Register a police station or other establishment (L1800 3.1.1)."""
    return command_endpoint(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.register_location(principal=ctx.principal, **body.model_dump()),
        lambda session, _: location_view(session, body.code),
        status_code=201,
        location=lambda _: f"/locations/{body.code}",
    )


@router.get("/{code}", response_model=LocationOut, **guarded(*EVERYONE, errors=(404,)))
def get_location(code: str, runtime: RuntimeDep) -> JSONResponse:
    """One location."""
    with runtime.db.unit_of_work(write=False) as session:
        out = location_view(session, code)
    return JSONResponse(out.model_dump(mode="json"), headers={"ETag": etag(out.version)})


@router.get("", response_model=Page[LocationOut], **guarded(*EVERYONE, errors=(422,)))
def list_locations(
    runtime: RuntimeDep,
    paging: Paging,
    division: Annotated[str | None, Query(max_length=80)] = None,
) -> Page[LocationOut]:
    """Locations by code, optionally in one division."""
    query = select(locations)
    if division:
        query = query.where(locations.c.division == division)
    with runtime.db.unit_of_work(write=False) as session:
        return fetch_page(
            session,
            query,
            order_by=[locations.c.code],
            paging=paging,
            convert=LocationOut.model_validate,
        )
