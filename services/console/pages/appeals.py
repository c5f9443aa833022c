"""An officer appeals a posting decision to the Head of Resourcing (L1800 3.10.1) and
follows it: the decisions they may appeal (as the appeals service knows them), lodging
with grounds, and the appeal with its deadline and outcome, times in London time."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.console.browser import SignedInDep, check_csrf
from services.console.clients.api import Refused
from services.console.pages import form_values as fv
from services.console.refusals import FormField, summarise
from services.console.rendering import render

router = APIRouter(dependencies=[Depends(check_csrf)])
FIELDS = [
    FormField("posting_id", "the decision you appeal", chosen=True),
    FormField("grounds", "your grounds"),
]


@router.get("/appeals", response_class=HTMLResponse)
async def appeals(request: Request, signed: SignedInDep) -> Response:
    listing = await request.app.state.services.appeals.get("/appeals", signed.token, {"limit": 100})
    return render(request, "pages/appeals.html", {"appeals": listing.body["items"]})


@router.get("/appeals/new", response_class=HTMLResponse)
async def new_appeal(request: Request, signed: SignedInDep) -> Response:
    return await _form(request, signed, {}, None, 200)


@router.post("/appeals/new", response_class=HTMLResponse)
async def lodge(request: Request, signed: SignedInDep) -> Response:
    form = await request.form()
    values = {f.name: fv.text(form, f.name) for f in FIELDS}
    try:
        answer = await request.app.state.services.appeals.send(
            "POST", "/appeals", signed.token, fv.without_blanks(values)
        )
    except Refused as refused:
        if refused.status not in (403, 409, 422):
            raise
        return await _form(request, signed, values, refused.problem, refused.status)
    signed.session.flash = "Your appeal is lodged with the Head of Resourcing"
    return RedirectResponse(f"/appeals/{answer.body['id']}", status_code=303)


@router.get("/appeals/{appeal_id}", response_class=HTMLResponse)
async def appeal(request: Request, appeal_id: str, signed: SignedInDep) -> Response:
    answer = await request.app.state.services.appeals.get(f"/appeals/{appeal_id}", signed.token)
    return render(request, "pages/appeal.html", {"appeal": answer.body})


async def _form(
    request: Request,
    signed: SignedInDep,
    values: dict[str, str],
    problem: dict[str, object] | None,
    status: int,
) -> Response:
    decisions = await request.app.state.services.appeals.get(
        "/posting-decisions", signed.token, {"limit": 100}
    )
    return render(
        request,
        "pages/appeal_new.html",
        {
            "decisions": decisions.body["items"],
            "values": values,
            "errors": summarise(problem, FIELDS) if problem is not None else None,
        },
        status_code=status,
    )
