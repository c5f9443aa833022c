"""The Director of HR's policy settings: the reasonable travel limit (L1800 3.2.1) and the
notice period of a compulsory posting (3.7.2, our interpretation: 28 days by default),
each changed by a recorded decision with its reason, against the version read."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from services.console.browser import SignedIn, SignedInDep, check_csrf
from services.console.clients.api import Refused
from services.console.commands import done, send_form, unless_stale
from services.console.pages import form_values as fv
from services.console.refusals import ErrorSummary, FormField, summarise
from services.console.rendering import render
from shared.roles import Role

router = APIRouter(dependencies=[Depends(check_csrf)])
#: Each setting: its API path, its value's field, and the form's fields.
SETTINGS = {
    "travel-limit": (
        "limit_km",
        [
            FormField("limit_km", "the travel limit"),
            FormField("rationale", "the reason", "rationale-travel-limit"),
        ],
    ),
    "notice-period": (
        "days",
        [
            FormField("days", "the notice period"),
            FormField("rationale", "the reason", "rationale-notice-period"),
        ],
    ),
}


@router.get("/policy", response_class=HTMLResponse)
async def policy(request: Request, signed: SignedInDep) -> Response:
    return await _page(request, signed, None, {}, None, 200)


@router.post("/policy/{setting}", response_class=HTMLResponse)
async def change(request: Request, setting: str, signed: SignedInDep) -> Response:
    if setting not in SETTINGS:
        return await _page(request, signed, None, {}, None, 404)
    value_field, fields = SETTINGS[setting]
    form = await request.form()
    values = {f.name: fv.text(form, f.name) for f in fields}
    body: dict[str, Any] = fv.without_blanks(
        {
            "rationale": values["rationale"],
            value_field: fv.number(values[value_field]) if values[value_field] else None,
        }
    )
    # Days are whole: "28" is sent as 28, not 28.0.
    if isinstance(body.get("days"), float) and float(body["days"]).is_integer():
        body["days"] = int(body["days"])
    # Version 0: the settings were never decided, and a command that creates its record
    # takes no If-Match (there is no version it could mean).
    version = fv.text(form, "version")
    postings = request.app.state.services.postings
    outcome = await send_form(
        postings,
        "PUT",
        f"/policy/{setting}",
        signed,
        body,
        if_match=version if version not in ("", "0") else None,
    )
    outcome = unless_stale(
        outcome,
        request.app.state.services.postings,
        signed,
        form,
        record="/policy",
        again="/policy",
    )
    if isinstance(outcome, Refused):
        return await _page(
            request, signed, setting, values, summarise(outcome.problem, fields), outcome.status
        )
    return done(signed, "The setting is changed", "/policy")


async def _page(
    request: Request,
    signed: SignedIn,
    setting: str | None,
    values: dict[str, str],
    errors: ErrorSummary | None,
    status: int,
) -> Response:
    answer = await request.app.state.services.postings.get("/policy", signed.token)
    return render(
        request,
        "pages/policy.html",
        {
            "policy": answer.body,
            "version": answer.version or answer.body["version"],
            "setting": setting,
            "values": values,
            "errors": errors,
            "may_change": signed.person.role is Role.DIRECTOR_OF_HR,
        },
        status_code=status,
    )
