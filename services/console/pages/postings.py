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
#: Dating a posting away from the panel: the Head of Resourcing sets it in exceptional
#: circumstances (L1800 3.4.2); HR delays a confirmed date for organisational need (3.4.3).
#: Each as (the API's command, its reason's field, the form's fields, what is said after).
DATING = {
    "date": (
        "date",
        "exceptional_circumstances",
        [
            FormField("posting_date", "the posting date", "posting_date-day"),
            FormField("exceptional_circumstances", "the exceptional circumstances"),
        ],
        "The posting date is set",
    ),
    "delay": (
        "delay",
        "rationale",
        [
            FormField("posting_date", "the new posting date", "posting_date-day"),
            FormField("rationale", "the organisational need", "delay-rationale"),
        ],
        "The posting is delayed",
    ),
}
#: Who delays a confirmed date, as the API has it (L1800 3.4.3).
DELAYERS = (Role.HR_RESOURCE_PLANNING, Role.HEAD_OF_RESOURCING)
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
    body = kind.body(values)
    stated = await stated_preferences(request, signed, kind, values.get("officer_id", ""))
    if (
        stated is not None
        and stated["stated_at"]
        and not stated["places"]
        and "preferences" not in body
        and "preferences_not_sought_because" not in body
    ):
        # The officer said anywhere suits them: their preferences were sought, and are none.
        body["preferences"] = []
    outcome = await send_form(request.app.state.services.postings, "POST", kind.path, signed, body)
    if isinstance(outcome, Refused):
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
    only_for(signed, *MOVERS)
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
    only_for(signed, Role.OFFICER)
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


@router.post("/postings/{posting_id}/{how}", response_class=HTMLResponse)
async def date_away_from_the_panel(
    request: Request, posting_id: str, how: str, signed: SignedInDep
) -> Response:
    if how not in DATING:
        return render(request, "problem.html", _not_found(), status_code=404)
    only_for(signed, *((Role.HEAD_OF_RESOURCING,) if how == "date" else DELAYERS))
    command, reason, fields, message = DATING[how]
    form = await request.form()
    when = fv.date_parts(form, "posting_date")
    values: dict[str, Any] = {"posting_date": when, reason: fv.text(form, reason)}
    outcome = await send_on_record(
        request.app.state.services.postings,
        f"/postings/{posting_id}/{command}",
        signed,
        form,
        fv.without_blanks({"posting_date": fv.date_value(when), reason: values[reason]}),
        record=f"/postings/{posting_id}",
        again=f"/postings/{posting_id}",
    )
    if isinstance(outcome, Refused):
        errors = summarise(outcome.problem, fields)
        return await _page(request, signed, posting_id, how, values, errors, outcome.status)
    return done(signed, message, f"/postings/{posting_id}")


async def _page(
    request: Request,
    signed: SignedIn,
    posting_id: str,
    form: str | None = None,
    values: dict[str, Any] | None = None,
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
            "may_set_date": person.role is Role.HEAD_OF_RESOURCING
            and item["state"] == "awaiting_date",
            "may_delay": person.role in DELAYERS and item["state"] == "date_confirmed",
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
