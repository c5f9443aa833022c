"""An officer appeals a posting decision to the Head of Resourcing (L1800 3.10.1) and
follows it: the decisions they may appeal (as the appeals service knows them), lodging
with grounds, and the appeal with its deadline and outcome, times in London time."""

from __future__ import annotations

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
ASSIGN = [
    FormField("hearer_id", "who hears it"),
    FormField("level", "the level it is heard at"),
    FormField("rationale", "why them"),
]
OUTCOME = [
    FormField("outcome", "upheld or dismissed", chosen=True),
    FormField("rationale", "the reasons"),
]
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
    only_for(signed, Role.OFFICER, Role.COMMAND_TEAM)
    return await _form(request, signed, {}, None, 200)


@router.post("/appeals/new", response_class=HTMLResponse)
async def lodge(request: Request, signed: SignedInDep) -> Response:
    only_for(signed, Role.OFFICER, Role.COMMAND_TEAM)
    form = await request.form()
    values = {f.name: fv.text(form, f.name) for f in FIELDS}
    outcome = await send_form(
        request.app.state.services.appeals, "POST", "/appeals", signed, fv.without_blanks(values)
    )
    if isinstance(outcome, Refused):
        return await _form(request, signed, values, outcome.problem, outcome.status)
    lodged = "Your appeal is lodged with the Head of Resourcing"
    return done(signed, lodged, f"/appeals/{outcome.body['id']}")


@router.get("/appeals/{appeal_id}", response_class=HTMLResponse)
async def appeal(request: Request, appeal_id: str, signed: SignedInDep) -> Response:
    return await _appeal(request, signed, appeal_id, {}, None, 200)


@router.post("/appeals/{appeal_id}/assignment", response_class=HTMLResponse)
async def assign(request: Request, appeal_id: str, signed: SignedInDep) -> Response:
    """The Head of Resourcing arranges for the appeal to be heard at the appropriate level
    (L1800 3.10.1), by someone who did not make the decision."""
    return await _act(request, signed, appeal_id, "assignment", ASSIGN, "The hearer is assigned")


@router.post("/appeals/{appeal_id}/outcome", response_class=HTMLResponse)
async def decide(request: Request, appeal_id: str, signed: SignedInDep) -> Response:
    """The hearer decides, finally: upheld or dismissed, with the reasons."""
    return await _act(request, signed, appeal_id, "outcome", OUTCOME, "The outcome is recorded")


async def _act(
    request: Request,
    signed: SignedIn,
    appeal_id: str,
    command: str,
    fields: list[FormField],
    message: str,
) -> Response:
    form = await request.form()
    values = {f.name: fv.text(form, f.name) for f in fields}
    outcome = await send_on_record(
        request.app.state.services.appeals,
        f"/appeals/{appeal_id}/{command}",
        signed,
        form,
        fv.without_blanks(values),
        record=f"/appeals/{appeal_id}",
        again=f"/appeals/{appeal_id}",
    )
    if isinstance(outcome, Refused):
        errors = summarise(outcome.problem, fields)
        return await _appeal(request, signed, appeal_id, values, errors, outcome.status)
    return done(signed, message, f"/appeals/{appeal_id}")


async def _appeal(
    request: Request,
    signed: SignedIn,
    appeal_id: str,
    values: dict[str, str],
    errors: ErrorSummary | None,
    status: int,
) -> Response:
    answer = await request.app.state.services.appeals.get(f"/appeals/{appeal_id}", signed.token)
    item = answer.body
    person = signed.person
    return render(
        request,
        "pages/appeal.html",
        {
            "appeal": item,
            "version": answer.version,
            "values": values,
            "errors": errors,
            # Officers by officer id, staff by subject (ADR 0019), as the service decides.
            "own": person.role is Role.OFFICER and person.officer_id == item["officer_id"],
            "may_assign": person.role is Role.HEAD_OF_RESOURCING and item["state"] == "lodged",
            "may_decide": item["state"] == "assigned"
            and person.role is not Role.OFFICER
            and person.subject == item["hearer_id"],
        },
        status_code=status,
    )


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
