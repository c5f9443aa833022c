"""Places of duty: the list, and registering one (a posting can name only a registered
place, L1800 3.1.1)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from services.console.browser import SignedInDep, check_csrf, only_for
from services.console.clients.api import Refused
from services.console.commands import done, send_form
from services.console.pages import form_values as fv
from services.console.refusals import FormField, summarise
from services.console.rendering import render
from shared.roles import Role

router = APIRouter(dependencies=[Depends(check_csrf)])
NEW_LOCATION = [
    FormField("code", "the code"),
    FormField("name", "the name"),
    FormField("division", "the division"),
    FormField("town", "the town"),
    FormField("lat", "the latitude"),
    FormField("lon", "the longitude"),
]


@router.get("/locations", response_class=HTMLResponse)
async def locations(request: Request, signed: SignedInDep) -> Response:
    listing = await request.app.state.services.postings.get(
        "/locations", signed.token, {"limit": 100}
    )
    return render(request, "pages/locations.html", {"listing": listing.body})


@router.get("/locations/new", response_class=HTMLResponse)
async def new_location(request: Request, signed: SignedInDep) -> Response:
    only_for(signed, Role.HR_RESOURCE_PLANNING)
    return render(request, "pages/location_new.html", {"values": {}})


@router.post("/locations/new", response_class=HTMLResponse)
async def register_location(request: Request, signed: SignedInDep) -> Response:
    only_for(signed, Role.HR_RESOURCE_PLANNING)
    form = await request.form()
    values = {f.name: fv.text(form, f.name) for f in NEW_LOCATION}
    body = fv.without_blanks(
        {
            **values,
            "lat": fv.number(values["lat"]) if values["lat"] else None,
            "lon": fv.number(values["lon"]) if values["lon"] else None,
        }
    )
    outcome = await send_form(
        request.app.state.services.postings, "POST", "/locations", signed, body
    )
    if isinstance(outcome, Refused):
        return render(
            request,
            "pages/location_new.html",
            {"values": values, "errors": summarise(outcome.problem, NEW_LOCATION)},
            status_code=outcome.status,
        )
    return done(signed, f"{values['name']} is registered as {values['code']}", "/locations")
