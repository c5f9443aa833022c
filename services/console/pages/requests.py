"""Form 1068 (L1800 3.5): an officer asks for a posting for development or welfare; the
local SLT supports or declines it with reasons, told to the officer."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from services.console.browser import SignedIn, SignedInDep, check_csrf, only_for
from services.console.clients.api import Refused
from services.console.commands import done, send_form, send_on_record
from services.console.pages import form_values as fv
from services.console.pages.posting_kinds import REQUEST_POSTING
from services.console.refusals import FormField, summarise
from services.console.rendering import render
from shared.roles import Role

router = APIRouter(dependencies=[Depends(check_csrf)])
NEW = [
    FormField("grounds", "whether it is for development or welfare", chosen=True),
    FormField("reasons", "your reasons"),
    FormField("locations_sought", "the places you seek"),
    FormField("roles_sought", "the roles you seek"),
]
DECISION = [
    FormField("decision", "support or decline", chosen=True),
    FormField("rationale", "the reasons"),
]


@router.get("/requests", response_class=HTMLResponse)
async def requests(request: Request, signed: SignedInDep) -> Response:
    listing = await request.app.state.services.postings.get(
        "/requests", signed.token, {"limit": 100}
    )
    return render(request, "pages/requests.html", {"requests": listing.body["items"]})


@router.get("/requests/new", response_class=HTMLResponse)
async def new_request(request: Request, signed: SignedInDep) -> Response:
    only_for(signed, Role.OFFICER, Role.SLT)
    return render(request, "pages/request_new.html", {"values": {}})


@router.post("/requests/new", response_class=HTMLResponse)
async def submit(request: Request, signed: SignedInDep) -> Response:
    only_for(signed, Role.OFFICER, Role.SLT)
    form = await request.form()
    values = {f.name: fv.text(form, f.name) for f in NEW}
    body: dict[str, Any] = fv.without_blanks(
        {
            "officer_id": signed.person.officer_id,
            "grounds": values["grounds"],
            "reasons": values["reasons"],
        }
    )
    # One place's code per comma, one role per line, as the hints say.
    body["locations_sought"] = [
        p.strip() for p in values["locations_sought"].split(",") if p.strip()
    ]
    body["roles_sought"] = [r.strip() for r in values["roles_sought"].splitlines() if r.strip()]
    outcome = await send_form(
        request.app.state.services.postings, "POST", "/requests", signed, body
    )
    if isinstance(outcome, Refused):
        return render(
            request,
            "pages/request_new.html",
            {"values": values, "errors": summarise(outcome.problem, NEW)},
            status_code=outcome.status,
        )
    sent = "Your 1068 is sent to your local senior leadership team"
    return done(signed, sent, f"/requests/{outcome.body['id']}")


@router.get("/requests/{request_id}", response_class=HTMLResponse)
async def one(request: Request, request_id: str, signed: SignedInDep) -> Response:
    return await _page(request, signed, request_id, {}, None, 200)


@router.post("/requests/{request_id}", response_class=HTMLResponse)
async def decide(request: Request, request_id: str, signed: SignedInDep) -> Response:
    form = await request.form()
    values = {f.name: fv.text(form, f.name) for f in DECISION}
    action = {"support": "support", "decline": "decline"}.get(values["decision"])
    if action is None:
        problem = {"errors": [{"field": "decision", "type": "missing", "message": ""}]}
        return await _page(request, signed, request_id, values, problem, 422)
    outcome = await send_on_record(
        request.app.state.services.postings,
        f"/requests/{request_id}/{action}",
        signed,
        form,
        fv.without_blanks({"rationale": values["rationale"]}),
        record=f"/requests/{request_id}",
        again=f"/requests/{request_id}",
    )
    if isinstance(outcome, Refused):
        return await _page(request, signed, request_id, values, outcome.problem, outcome.status)
    message = (
        "Supported: it goes into the posting plan"
        if action == "support"
        else "Declined: the reasons are told to the officer and kept on their personal file"
    )
    return done(signed, message, f"/requests/{request_id}")


@router.get("/requests/{request_id}/posting", response_class=HTMLResponse)
async def posting_form(request: Request, request_id: str, signed: SignedInDep) -> Response:
    only_for(signed, Role.HR_RESOURCE_PLANNING)
    return await _posting_form(request, request_id, {}, None, 200)


@router.post("/requests/{request_id}/posting", response_class=HTMLResponse)
async def decide_posting(request: Request, request_id: str, signed: SignedInDep) -> Response:
    only_for(signed, Role.HR_RESOURCE_PLANNING)
    values = REQUEST_POSTING.values(await request.form())
    outcome = await send_form(
        request.app.state.services.postings,
        "POST",
        REQUEST_POSTING.path.format(request_id=request_id),
        signed,
        REQUEST_POSTING.body(values),
    )
    if isinstance(outcome, Refused):
        return await _posting_form(request, request_id, values, outcome.problem, outcome.status)
    return done(signed, "The posting is decided", f"/postings/{outcome.body['id']}")


async def _posting_form(
    request: Request,
    request_id: str,
    values: dict[str, Any],
    problem: dict[str, Any] | None,
    status: int,
) -> Response:
    return render(
        request,
        "pages/posting_new.html",
        {
            "kind": REQUEST_POSTING,
            "action": f"/requests/{request_id}/posting",
            "values": values,
            "errors": summarise(problem, REQUEST_POSTING.fields) if problem else None,
        },
        status_code=status,
    )


async def _page(
    request: Request,
    signed: SignedIn,
    request_id: str,
    values: dict[str, str],
    problem: dict[str, Any] | None,
    status: int,
) -> Response:
    answer = await request.app.state.services.postings.get(f"/requests/{request_id}", signed.token)
    return render(
        request,
        "pages/request.html",
        {
            "item": answer.body,
            "version": answer.version,
            "values": values,
            "may_decide": signed.person.role is Role.SLT and answer.body["state"] == "submitted",
            # A supported request goes into the posting plan, where HR decides the posting.
            "may_post": signed.person.role is Role.HR_RESOURCE_PLANNING
            and answer.body["state"] == "supported",
            "errors": summarise(problem, DECISION) if problem is not None else None,
        },
        status_code=status,
    )
