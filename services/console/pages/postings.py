"""Posting decisions: choosing the kind, deciding one with its rationale and the facts the
kind asks for, reading a posting, taking it into effect on its date (the checks before a
move run in the service, L1800 3.1.4 to 3.9) and, for the officer, agreeing to a shorter
notice than the policy's (3.7.2)."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from services.console.browser import SignedIn, SignedInDep, check_csrf, only_for
from services.console.clients.api import Refused
from services.console.commands import done, send_form, send_on_record
from services.console.pages import form_values as fv
from services.console.pages.posting_kinds import KINDS, PREFERENCES, Kind, kinds_for
from services.console.refusals import ErrorSummary, FormField, summarise
from services.console.rendering import render, words
from shared.forms import SUBJECT
from shared.roles import Role

router = APIRouter(dependencies=[Depends(check_csrf)])
MOVE = [FormField("rationale", "the reason for the move", "move-rationale")]
NOTICE = [FormField("agreed_days", "the notice you agree to")]
#: Who may take a posting into effect, as the API has it.
MOVERS = (Role.HR_RESOURCE_PLANNING, Role.DIVISIONAL_COMMANDER, Role.HEAD_OF_DEPARTMENT)


@router.get("/postings", response_class=HTMLResponse)
async def postings(request: Request, signed: SignedInDep) -> Response:
    params: dict[str, Any] = {"limit": 100}
    if signed.person.role is Role.OFFICER:
        params["officer_id"] = signed.person.officer_id
    listing = await request.app.state.services.postings.get("/postings", signed.token, params)
    return render(
        request,
        "pages/postings.html",
        {"postings": listing.body["items"], "may_decide": bool(kinds_for(signed.person.role))},
    )


@router.get("/postings/new", response_class=HTMLResponse)
async def choose_kind(request: Request, signed: SignedInDep) -> Response:
    return render(request, "pages/posting_kinds.html", {"kinds": kinds_for(signed.person.role)})


@router.get("/postings/new/{slug}", response_class=HTMLResponse)
async def decision_form(
    request: Request, slug: str, signed: SignedInDep, officer_id: str = ""
) -> Response:
    kind = KINDS.get(slug)
    if kind is None:
        return render(request, "problem.html", _not_found(), status_code=404)
    only_for(signed, *kind.roles)
    stated = await stated_preferences(request, signed, kind, officer_id)
    values: dict[str, Any] = {"officer_id": officer_id} if stated is not None else {}
    if stated is not None and stated["stated_at"]:
        # What the officer said is where the decider starts; they record what they weighed.
        values["preferences"] = ", ".join(stated["places"])
    return _decision_page(request, kind, values, stated, None, 200)


@router.post("/postings/new/{slug}", response_class=HTMLResponse)
async def decide(request: Request, slug: str, signed: SignedInDep) -> Response:
    kind = KINDS.get(slug)
    if kind is None:
        return render(request, "problem.html", _not_found(), status_code=404)
    only_for(signed, *kind.roles)
    values = kind.values(await request.form())
    outcome = await send_form(
        request.app.state.services.postings, "POST", kind.path, signed, kind.body(values)
    )
    if isinstance(outcome, Refused):
        stated = await stated_preferences(request, signed, kind, values.get("officer_id", ""))
        errors = summarise(outcome.problem, kind.fields)
        return _decision_page(request, kind, values, stated, errors, outcome.status)
    return done(signed, "The posting is decided", f"/postings/{outcome.body['id']}")


async def stated_preferences(
    request: Request, signed: SignedIn, kind: Kind, officer_id: str
) -> dict[str, Any] | None:
    """What the officer last said they would prefer, for a kind that considers it (L1800
    3.7.2); None when the kind does not, no officer is named yet, or the service will not
    say (a name it does not know, a role that may not read it)."""
    if PREFERENCES not in kind.questions or not officer_id or not re.fullmatch(SUBJECT, officer_id):
        return None
    try:
        answer = await request.app.state.services.postings.get(
            f"/officers/{officer_id}/preferences", signed.token
        )
    except Refused as refused:
        if refused.status in (403, 404, 422):
            return None
        raise
    stated: dict[str, Any] = answer.body
    return stated


def _decision_page(
    request: Request,
    kind: Kind,
    values: dict[str, Any],
    stated: dict[str, Any] | None,
    errors: ErrorSummary | None,
    status: int,
) -> Response:
    return render(
        request,
        "pages/posting_new.html",
        {"kind": kind, "values": values, "stated": stated, "errors": errors},
        status_code=status,
    )


@router.get("/postings/{posting_id}", response_class=HTMLResponse)
async def posting(request: Request, posting_id: str, signed: SignedInDep) -> Response:
    return await _page(request, signed, posting_id)


@router.post("/postings/{posting_id}/move", response_class=HTMLResponse)
async def move(request: Request, posting_id: str, signed: SignedInDep) -> Response:
    form = await request.form()
    values = {"rationale": fv.text(form, "rationale")}
    outcome = await send_on_record(
        request.app.state.services.postings,
        f"/postings/{posting_id}/move",
        signed,
        form,
        fv.without_blanks(values),
        record=f"/postings/{posting_id}",
        again=f"/postings/{posting_id}",
    )
    if isinstance(outcome, Refused):
        errors = summarise(outcome.problem, MOVE)
        return await _page(request, signed, posting_id, "move", values, errors, outcome.status)
    return done(signed, "The officer is moved", f"/postings/{posting_id}")


@router.post("/postings/{posting_id}/notice-agreement", response_class=HTMLResponse)
async def agree_notice(request: Request, posting_id: str, signed: SignedInDep) -> Response:
    form = await request.form()
    values = {"agreed_days": fv.text(form, "agreed_days")}
    days = values["agreed_days"]
    outcome = await send_on_record(
        request.app.state.services.postings,
        f"/postings/{posting_id}/notice-agreement",
        signed,
        form,
        # Whole days: "14" is sent as 14; anything else as typed, for the service to refuse.
        fv.without_blanks({"agreed_days": fv.whole(days)}),
        record=f"/postings/{posting_id}",
        again=f"/postings/{posting_id}",
    )
    if isinstance(outcome, Refused):
        errors = summarise(outcome.problem, NOTICE)
        return await _page(request, signed, posting_id, "notice", values, errors, outcome.status)
    return done(signed, f"You agreed to {days} days' notice", f"/postings/{posting_id}")


async def _page(
    request: Request,
    signed: SignedIn,
    posting_id: str,
    form: str | None = None,
    values: dict[str, str] | None = None,
    errors: ErrorSummary | None = None,
    status: int = 200,
) -> Response:
    answer = await request.app.state.services.postings.get(f"/postings/{posting_id}", signed.token)
    item = answer.body
    person = signed.person
    return render(
        request,
        "pages/posting.html",
        {
            "item": item,
            "details": [(words(k), _shown(v)) for k, v in sorted(item["details"].items())],
            "version": answer.version or item["version"],
            "form": form,
            "values": values or {},
            "errors": errors,
            "may_move": person.role in MOVERS and item["state"] == "date_confirmed",
            # The officer agrees, for themselves, to less notice than the policy gives a
            # compulsory posting (L1800 3.7.2, our interpretation).
            "may_agree_notice": person.role is Role.OFFICER
            and person.officer_id == item["officer_id"]
            and item["state"] in ("awaiting_date", "date_confirmed")
            and item["kind"] in ("compulsory", "senior_leadership"),
        },
        status_code=status,
    )


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _not_found() -> dict[str, Any]:
    return {"heading": "Page not found", "lines": ["There is no such kind of posting."]}
