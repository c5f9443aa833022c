"""The monthly Resourcing Deployment Panel (L1800 3.4.2): its sittings, a sitting's agenda,
and confirming or deferring each posting's date there."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from services.console.browser import SignedIn, SignedInDep, check_csrf
from services.console.clients.api import Refused
from services.console.commands import done, send_form
from services.console.pages import form_values as fv
from services.console.refusals import FormField, summarise
from services.console.rendering import render

router = APIRouter(dependencies=[Depends(check_csrf)])
SITTING = [FormField("sits_on", "the day the panel sits", "sits_on-day")]
OUTCOME = [
    FormField("outcome", "what the panel decided", chosen=True),
    FormField("posting_date", "the posting date", "posting_date-day"),
    FormField("rationale", "the reason"),
]


@router.get("/panel", response_class=HTMLResponse)
async def sittings(request: Request, signed: SignedInDep) -> Response:
    return await _sittings(request, signed, {}, None, 200)


@router.post("/panel", response_class=HTMLResponse)
async def add_sitting(request: Request, signed: SignedInDep) -> Response:
    form = await request.form()
    parts = fv.date_parts(form, "sits_on")
    body = fv.without_blanks({"sits_on": fv.date_value(parts)})
    outcome = await send_form(
        request.app.state.services.postings, "POST", "/panel-sittings", signed, body
    )
    if isinstance(outcome, Refused):
        return await _sittings(request, signed, parts, outcome.problem, outcome.status)
    return done(signed, "The sitting is arranged", f"/panel/{outcome.body['id']}")


@router.get("/panel/{sitting_id}", response_class=HTMLResponse)
async def agenda(request: Request, sitting_id: str, signed: SignedInDep) -> Response:
    postings = request.app.state.services.postings
    sitting = (await postings.get(f"/panel-sittings/{sitting_id}", signed.token)).body
    items = (
        await postings.get(f"/panel-sittings/{sitting_id}/agenda", signed.token, {"limit": 100})
    ).body
    return render(request, "pages/panel_agenda.html", {"sitting": sitting, "agenda": items})


@router.get("/panel/{sitting_id}/postings/{posting_id}", response_class=HTMLResponse)
async def outcome_form(
    request: Request, sitting_id: str, posting_id: str, signed: SignedInDep
) -> Response:
    return await _outcome(request, signed, sitting_id, posting_id, None, None, 200)


@router.post("/panel/{sitting_id}/postings/{posting_id}", response_class=HTMLResponse)
async def decide(
    request: Request, sitting_id: str, posting_id: str, signed: SignedInDep
) -> Response:
    form = await request.form()
    parts = fv.date_parts(form, "posting_date")
    values: dict[str, Any] = {
        "outcome": fv.text(form, "outcome"),
        "rationale": fv.text(form, "rationale"),
        "posting_date": parts,
    }
    body = fv.without_blanks(
        {
            "posting_id": posting_id,
            "outcome": values["outcome"],
            "rationale": values["rationale"],
            "posting_date": fv.date_value(parts),
        }
    )
    outcome = await send_form(
        request.app.state.services.postings,
        "POST",
        f"/panel-sittings/{sitting_id}/outcomes",
        signed,
        body,
    )
    if isinstance(outcome, Refused):
        return await _outcome(
            request, signed, sitting_id, posting_id, values, outcome.problem, outcome.status
        )
    return done(signed, "The panel's decision is recorded", f"/panel/{sitting_id}")


async def _sittings(
    request: Request,
    signed: SignedIn,
    parts: dict[str, str],
    problem: dict[str, Any] | None,
    status: int,
) -> Response:
    listing = await request.app.state.services.postings.get(
        "/panel-sittings", signed.token, {"limit": 100}
    )
    return render(
        request,
        "pages/panel.html",
        {
            "sittings": listing.body["items"],
            "values": {"sits_on": parts},
            "errors": summarise(problem, SITTING) if problem is not None else None,
        },
        status_code=status,
    )


async def _outcome(
    request: Request,
    signed: SignedIn,
    sitting_id: str,
    posting_id: str,
    values: dict[str, Any] | None,
    problem: dict[str, Any] | None,
    status: int,
) -> Response:
    posting = (
        await request.app.state.services.postings.get(f"/postings/{posting_id}", signed.token)
    ).body
    if values is None:
        values = {"posting_date": fv.parts_of(posting.get("likely_posting_date"))}
    return render(
        request,
        "pages/panel_outcome.html",
        {
            "sitting_id": sitting_id,
            "posting": posting,
            "values": values,
            "errors": summarise(problem, OUTCOME) if problem is not None else None,
        },
        status_code=status,
    )
