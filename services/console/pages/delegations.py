"""The Director of HR's delegations ("or appropriate delegate", L1800 3.1.1, 3.7.1): each
names the delegate, the powers, the days it holds and why; the Director grants and revokes
them, and HR roles read them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from services.console.browser import SignedIn, SignedInDep, check_csrf
from services.console.clients.api import Refused
from services.console.commands import done, send_form, send_on_record
from services.console.pages import form_values as fv
from services.console.refusals import ErrorSummary, FormField, summarise
from services.console.rendering import render
from shared.roles import Role

router = APIRouter(dependencies=[Depends(check_csrf)])
#: The powers the Director may delegate, in the words of the protocol's clauses.
POWERS = (
    ("compulsory_posting", "Compulsory postings (L1800 3.7.1)"),
    ("senior_posting", "Senior leadership postings (L1800 3.8)"),
    ("travel_limit", "The reasonable travel limit (L1800 3.2.1)"),
    ("notice_period", "The notice period of a compulsory posting (L1800 3.7.2)"),
    ("probation_home_town_exception", "Probation home-town exceptions (L1800 3.3.1)"),
    ("exceptional_roi", "Exceptional ROI designations (L1800 3.9.2)"),
)
GRANT = [
    FormField("delegate_id", "the delegate's id"),
    FormField("powers", "the powers delegated", chosen=True),
    FormField("valid_from", "the first day it holds", "valid_from-day"),
    FormField("valid_to", "the last day it holds", "valid_to-day"),
    FormField("rationale", "the reason", "grant-rationale"),
]
REVOKE = [FormField("rationale", "the reason for revoking it", "revoke-rationale")]


@router.get("/delegations", response_class=HTMLResponse)
async def delegations(request: Request, signed: SignedInDep) -> Response:
    return await _page(request, signed)


@router.post("/delegations", response_class=HTMLResponse)
async def grant(request: Request, signed: SignedInDep) -> Response:
    form = await request.form()
    values: dict[str, Any] = {
        "delegate_id": fv.text(form, "delegate_id"),
        "powers": [p for p in form.getlist("powers") if isinstance(p, str)],
        "valid_from": fv.date_parts(form, "valid_from"),
        "valid_to": fv.date_parts(form, "valid_to"),
        "rationale": fv.text(form, "rationale"),
    }
    body = fv.without_blanks(
        {
            **values,
            "valid_from": fv.date_value(values["valid_from"]),
            "valid_to": fv.date_value(values["valid_to"]),
        }
    )
    outcome = await send_form(
        request.app.state.services.postings, "POST", "/delegations", signed, body
    )
    if isinstance(outcome, Refused):
        errors = summarise(outcome.problem, GRANT)
        return await _page(request, signed, values, errors, outcome.status)
    return done(signed, f"The delegation to {values['delegate_id']} is granted", "/delegations")


@router.post("/delegations/{delegation_id}/revocation", response_class=HTMLResponse)
async def revoke(request: Request, delegation_id: str, signed: SignedInDep) -> Response:
    form = await request.form()
    rationale = fv.text(form, "rationale")
    outcome = await send_on_record(
        request.app.state.services.postings,
        f"/delegations/{delegation_id}/revocation",
        signed,
        form,
        fv.without_blanks({"rationale": rationale}),
        record=f"/delegations/{delegation_id}",
        again="/delegations",
    )
    if isinstance(outcome, Refused):
        errors = summarise(outcome.problem, REVOKE)
        revoking = {"id": delegation_id, "rationale": rationale}
        return await _page(request, signed, {}, errors, outcome.status, revoking)
    return done(signed, "The delegation is revoked", "/delegations")


async def _page(
    request: Request,
    signed: SignedIn,
    values: dict[str, Any] | None = None,
    errors: ErrorSummary | None = None,
    status: int = 200,
    revoking: dict[str, str] | None = None,
) -> Response:
    listing = await request.app.state.services.postings.get(
        "/delegations", signed.token, {"limit": 100}
    )
    return render(
        request,
        "pages/delegations.html",
        {
            "delegations": listing.body["items"],
            "powers": POWERS,
            "power_names": dict(POWERS),
            "values": values or {},
            "errors": errors,
            # One form's errors at a time: the grant's, or one revocation's.
            "revoking": revoking or {},
            "may_grant": signed.person.role is Role.DIRECTOR_OF_HR,
        },
        status_code=status,
    )
