"""Divisions and departments (L1800 3.6.1: a re-deployment stays within its unit, decided
by its divisional commander or head of department): HR Resource Planning registers each
unit and names its head, against the version read."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from services.console.browser import SignedIn, SignedInDep, check_csrf, only_for
from services.console.clients.api import Refused
from services.console.commands import done, send_form, send_on_record
from services.console.pages import form_values as fv
from services.console.refusals import ErrorSummary, FormField, summarise
from services.console.rendering import render
from shared.roles import Role

router = APIRouter(dependencies=[Depends(check_csrf)])
NEW = [
    FormField("code", "the unit's code"),
    FormField("name", "the unit's name"),
    FormField("kind", "whether it is a division or a department", chosen=True),
    FormField("head_id", "its head's id"),
]
HEAD = [FormField("head_id", "the new head's id", "new-head")]
KINDS = (("division", "A division"), ("department", "A department"))


@router.get("/units/new", response_class=HTMLResponse)
async def new_unit(request: Request, signed: SignedInDep) -> Response:
    only_for(signed, Role.HR_RESOURCE_PLANNING)
    return render(request, "pages/unit_new.html", {"values": {}, "kinds": KINDS})


@router.post("/units/new", response_class=HTMLResponse)
async def register(request: Request, signed: SignedInDep) -> Response:
    only_for(signed, Role.HR_RESOURCE_PLANNING)
    form = await request.form()
    values = {f.name: fv.text(form, f.name) for f in NEW}
    outcome = await send_form(
        request.app.state.services.postings, "POST", "/units", signed, fv.without_blanks(values)
    )
    if isinstance(outcome, Refused):
        return render(
            request,
            "pages/unit_new.html",
            {"values": values, "kinds": KINDS, "errors": summarise(outcome.problem, NEW)},
            status_code=outcome.status,
        )
    return done(signed, f"{values['name']} is registered", f"/units/{values['code']}")


@router.get("/units/{code}", response_class=HTMLResponse)
async def unit(request: Request, code: str, signed: SignedInDep) -> Response:
    return await _page(request, signed, code)


@router.post("/units/{code}/head", response_class=HTMLResponse)
async def change_head(request: Request, code: str, signed: SignedInDep) -> Response:
    form = await request.form()
    head = fv.text(form, "head_id")
    outcome = await send_on_record(
        request.app.state.services.postings,
        f"/units/{code}/head",
        signed,
        form,
        # No head given: the unit is left without one until it is named.
        {"head_id": head or None},
        method="PUT",
        record=f"/units/{code}",
        again=f"/units/{code}",
    )
    if isinstance(outcome, Refused):
        errors = summarise(outcome.problem, HEAD)
        return await _page(request, signed, code, {"head_id": head}, errors, outcome.status)
    return done(signed, "The unit's head is changed", f"/units/{code}")


async def _page(
    request: Request,
    signed: SignedIn,
    code: str,
    values: dict[str, Any] | None = None,
    errors: ErrorSummary | None = None,
    status: int = 200,
) -> Response:
    answer = await request.app.state.services.postings.get(f"/units/{code}", signed.token)
    return render(
        request,
        "pages/unit.html",
        {
            "unit": answer.body,
            "version": answer.version or answer.body["version"],
            "values": values or {},
            "errors": errors,
            "may_change": signed.person.role is Role.HR_RESOURCE_PLANNING,
        },
        status_code=status,
    )
