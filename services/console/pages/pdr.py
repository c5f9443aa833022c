"""Recording an officer's PDR (L1800 3.1.4), a command on one record: the form carries the
version it was read at, and if the record changed meanwhile the page shows what changed
and lets the person start again from the record as it is now (services.console.stale)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from services.console.browser import SignedInDep, check_csrf, only_for
from services.console.clients.api import Refused
from services.console.commands import done, send_on_record
from services.console.pages import form_values as fv
from services.console.refusals import ErrorSummary, FormField, summarise
from services.console.rendering import render
from shared.roles import Role

router = APIRouter(dependencies=[Depends(check_csrf)])
FIELDS = [
    FormField("due_on", "the date the PDR is due", "due_on-day"),
    FormField("completed_on", "the date the PDR was completed", "completed_on-day"),
]


@router.get("/officers/{officer_id}/pdr", response_class=HTMLResponse)
async def pdr_form(request: Request, officer_id: str, signed: SignedInDep) -> Response:
    only_for(signed, Role.HR_RESOURCE_PLANNING)
    record = await request.app.state.services.postings.get(f"/officers/{officer_id}", signed.token)
    officer = record.body
    values = {
        "due_on": fv.parts_of(officer.get("pdr_due_on")),
        "completed_on": fv.parts_of(officer.get("pdr_completed_on")),
    }
    return _page(request, officer, record.version, values, None, 200)


@router.post("/officers/{officer_id}/pdr", response_class=HTMLResponse)
async def record_pdr(request: Request, officer_id: str, signed: SignedInDep) -> Response:
    only_for(signed, Role.HR_RESOURCE_PLANNING)
    form = await request.form()
    postings = request.app.state.services.postings
    parts = {f.name: fv.date_parts(form, f.name) for f in FIELDS}
    body: dict[str, Any] = {"due_on": fv.date_value(parts["due_on"])}
    if fv.date_value(parts["completed_on"]) is not None:
        body["completed_on"] = fv.date_value(parts["completed_on"])
    outcome = await send_on_record(
        postings,
        f"/officers/{officer_id}/pdr",
        signed,
        form,
        body,
        method="PUT",
        record=f"/officers/{officer_id}",
        again=f"/officers/{officer_id}/pdr",
    )
    if isinstance(outcome, Refused):
        record = await postings.get(f"/officers/{officer_id}", signed.token)
        errors = summarise(outcome.problem, FIELDS)
        return _page(request, record.body, record.version, parts, errors, outcome.status)
    return done(signed, "The PDR is recorded", f"/officers/{officer_id}")


def _page(
    request: Request,
    officer: dict[str, Any],
    version: int | None,
    values: dict[str, Any],
    errors: ErrorSummary | None,
    status: int,
) -> Response:
    # The form is sent against the record as it is shown here: a refusal shows it afresh.
    return render(
        request,
        "pages/pdr.html",
        {"officer": officer, "version": version, "values": values, "errors": errors},
        status_code=status,
    )
