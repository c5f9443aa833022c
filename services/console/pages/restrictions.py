"""A place an officer is not to be posted (L1800 3.2.2): Professional Standards marks it,
with a confidential reason; an officer may ask it for themselves."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from services.console.browser import SignedInDep, check_csrf, only_for
from services.console.clients.api import Refused
from services.console.commands import done, send_form, send_on_record
from services.console.pages import form_values as fv
from services.console.refusals import FormField, summarise
from services.console.rendering import render
from shared.roles import Role

router = APIRouter(dependencies=[Depends(check_csrf)])
FIELDS = [FormField("location", "the place of duty"), FormField("rationale", "the reason")]


@router.get("/officers/{officer_id}/restrictions/new", response_class=HTMLResponse)
async def new_restriction(request: Request, officer_id: str, signed: SignedInDep) -> Response:
    only_for(signed, Role.PSD, Role.OFFICER, own=officer_id)
    return await _form(request, signed, officer_id, {}, None, 200)


@router.post("/officers/{officer_id}/restrictions/new", response_class=HTMLResponse)
async def restrict(request: Request, officer_id: str, signed: SignedInDep) -> Response:
    only_for(signed, Role.PSD, Role.OFFICER, own=officer_id)
    form = await request.form()
    values = {f.name: fv.text(form, f.name) for f in FIELDS}
    outcome = await send_form(
        request.app.state.services.postings,
        "POST",
        f"/officers/{officer_id}/restrictions",
        signed,
        fv.without_blanks(values),
    )
    if isinstance(outcome, Refused):
        return await _form(request, signed, officer_id, values, outcome.problem, outcome.status)
    return done(
        signed,
        f"{values['location']} is recorded as a place not to post to",
        f"/officers/{officer_id}",
    )


async def _form(
    request: Request,
    signed: SignedInDep,
    officer_id: str,
    values: dict[str, str],
    problem: dict[str, object] | None,
    status: int,
) -> Response:
    officer = (
        await request.app.state.services.postings.get(f"/officers/{officer_id}", signed.token)
    ).body
    return render(
        request,
        "pages/restriction_new.html",
        {
            "officer": officer,
            "values": values,
            "psd": signed.person.role is Role.PSD,
            "errors": summarise(problem, FIELDS) if problem is not None else None,
        },
        status_code=status,
    )


# -- An exception to a restriction, supported by both PSD and the Head of Resourcing ------

SUPPORT = [FormField("rationale", "why you support the exception")]


@router.get(
    "/officers/{officer_id}/restrictions/{location}/exception-support",
    response_class=HTMLResponse,
)
async def support_form(
    request: Request, officer_id: str, location: str, signed: SignedInDep
) -> Response:
    only_for(signed, Role.PSD, Role.HEAD_OF_RESOURCING)
    return await _support_page(request, signed, officer_id, location, {}, None, 200)


@router.post(
    "/officers/{officer_id}/restrictions/{location}/exception-support",
    response_class=HTMLResponse,
)
async def support_exception(
    request: Request, officer_id: str, location: str, signed: SignedInDep
) -> Response:
    only_for(signed, Role.PSD, Role.HEAD_OF_RESOURCING)
    form = await request.form()
    values = {"rationale": fv.text(form, "rationale")}
    outcome = await send_on_record(
        request.app.state.services.postings,
        f"/officers/{officer_id}/restrictions/{location}/exception-support",
        signed,
        form,
        fv.without_blanks(values),
        record=f"/officers/{officer_id}",
        again=f"/officers/{officer_id}/restrictions/{location}/exception-support",
    )
    if isinstance(outcome, Refused):
        return await _support_page(
            request, signed, officer_id, location, values, outcome.problem, outcome.status
        )
    message = f"Your support for an exception at {location} is recorded"
    return done(signed, message, f"/officers/{officer_id}")


async def _support_page(
    request: Request,
    signed: SignedInDep,
    officer_id: str,
    location: str,
    values: dict[str, str],
    problem: dict[str, object] | None,
    status: int,
) -> Response:
    postings = request.app.state.services.postings
    record = await postings.get(f"/officers/{officer_id}", signed.token)
    restrictions = (await postings.get(f"/officers/{officer_id}/restrictions", signed.token)).body
    restriction = next((r for r in restrictions if r["location"] == location), None)
    return render(
        request,
        "pages/exception_support.html",
        {
            "officer": record.body,
            "version": record.version or record.body["version"],
            "restriction": restriction,
            "location": location,
            "values": values,
            "errors": summarise(problem, SUPPORT) if problem is not None else None,
        },
        status_code=status,
    )
