"""Places of duty (HR roles and the HR-system integration write them; everyone reads)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from sqlalchemy import select

from services.postings.api.schemas import LocationIn, LocationOut
from services.postings.api.views import location_view
from services.postings.commands import RegisterLocation
from services.postings.domain.location import Location
from services.postings.projections.tables import locations
from shared import lengths
from shared.api.pagination import Page, Paging, fetch_page
from shared.api.routes import CommandRoute, QueryRoute, Reading, build, build_router
from shared.api.schemas import CodePath
from shared.handling import Saved
from shared.roles import Role

EVERYONE = tuple(Role)


def _location(ctx: Reading, saved: Saved) -> LocationOut:
    location = ctx.runtime.application.load(saved.id, Location, what="location")
    return location_view(ctx.session, location.code)


def get_location(ctx: Reading, code: CodePath) -> LocationOut:
    return location_view(ctx.session, code)


def list_locations(
    ctx: Reading,
    paging: Paging,
    division: Annotated[str | None, Query(max_length=lengths.CODE)] = None,
) -> Page[LocationOut]:
    query = select(locations)
    if division:
        query = query.where(locations.c.division == division)
    return fetch_page(
        ctx.session,
        query,
        order_by=[locations.c.code],
        paging=paging,
        convert=LocationOut.model_validate,
    )


router = build_router(
    prefix="/locations",
    tags=["locations"],
    routes=[
        CommandRoute(
            "POST",
            "",
            name="register_location",
            doc="Register a police station or other establishment (L1800 3.1.1).",
            roles=(Role.HR_RESOURCE_PLANNING, Role.INTEGRATION),
            body=LocationIn,
            make=build(RegisterLocation),
            answer=_location,
            response_model=LocationOut,
            created=True,
            location=lambda _, command: f"/locations/{command.code}",
            errors=(409, 422),
        ),
        QueryRoute(
            "/{code}",
            doc="One location.",
            roles=EVERYONE,
            read=get_location,
            response_model=LocationOut,
            errors=(404,),
            tagged=True,
        ),
        QueryRoute(
            "",
            doc="Locations by code, optionally in one division.",
            roles=EVERYONE,
            read=list_locations,
            response_model=Page[LocationOut],
            errors=(422,),
        ),
    ],
)
