"""Recording an officer's PDR (L1800 3.1.4), a command on one record: the form carries the
version it was read at, and if the record changed meanwhile (409) the page shows what
changed and lets the person start again from the record as it is now."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.console.browser import SignedInDep, check_csrf
from services.console.clients.api import Refused
from services.console.pages import form_values as fv
from services.console.refusals import FormField, summarise
from services.console.rendering import long_date, render

router = APIRouter(dependencies=[Depends(check_csrf)])
FIELDS = [
    FormField("due_on", "the date the PDR is due", "due_on-day"),
    FormField("completed_on", "the date the PDR was completed", "completed_on-day"),
]
#: The record's fields this form shows, as (field, words), for what changed.
SHOWN = [("pdr_due_on", "PDR due"), ("pdr_completed_on", "PDR completed")]


@router.get("/officers/{officer_id}/pdr", response_class=HTMLResponse)
async def pdr_form(request: Request, officer_id: str, signed: SignedInDep) -> Response:
    record = await request.app.state.services.postings.get(f"/officers/{officer_id}", signed.token)
    officer = record.body
    return render(
        request,
        "pages/pdr.html",
        {
            "officer": officer,
            "version": record.version,
            "seen": {name: officer.get(name) or "" for name, _ in SHOWN},
            "values": {
                "due_on": fv.parts_of(officer.get("pdr_due_on")),
                "completed_on": fv.parts_of(officer.get("pdr_completed_on")),
            },
        },
    )


@router.post("/officers/{officer_id}/pdr", response_class=HTMLResponse)
async def record_pdr(request: Request, officer_id: str, signed: SignedInDep) -> Response:
    form = await request.form()
    postings = request.app.state.services.postings
    parts = {f.name: fv.date_parts(form, f.name) for f in FIELDS}
    version = fv.text(form, "version")
    seen = {name: fv.text(form, f"seen_{name}") for name, _ in SHOWN}
    body: dict[str, Any] = {"due_on": fv.date_value(parts["due_on"])}
    if fv.date_value(parts["completed_on"]) is not None:
        body["completed_on"] = fv.date_value(parts["completed_on"])
    try:
        await postings.send(
            "PUT", f"/officers/{officer_id}/pdr", signed.token, body, if_match=version or None
        )
    except Refused as refused:
        if refused.status == 409 and refused.problem.get("current_version") is not None:
            current = (await postings.get(f"/officers/{officer_id}", signed.token)).body
            changes = [
                (words, long_date(seen[name]) or "Not recorded", long_date(current.get(name)))
                for name, words in SHOWN
                if (current.get(name) or "") != seen[name]
            ]
            return render(
                request,
                "pages/stale.html",
                {
                    "officer": current,
                    "changes": changes,
                    "again": f"/officers/{officer_id}/pdr",
                },
                status_code=409,
            )
        if refused.status not in (409, 422):
            raise
        officer = (await postings.get(f"/officers/{officer_id}", signed.token)).body
        return render(
            request,
            "pages/pdr.html",
            {
                "officer": officer,
                "version": version,
                "seen": seen,
                "values": parts,
                "errors": summarise(refused.problem, FIELDS),
            },
            status_code=refused.status,
        )
    signed.session.flash = "The PDR is recorded"
    return RedirectResponse(f"/officers/{officer_id}", status_code=303)
