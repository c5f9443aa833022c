"""Officers: the list (paged as the API pages it), one officer's record with their
notifications, and registering an officer."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from services.console.browser import SignedInDep, check_csrf, only_for
from services.console.clients.api import Refused
from services.console.commands import done, send_form
from services.console.pages import form_values as fv
from services.console.pages.posting_kinds import KINDS
from services.console.refusals import FormField, summarise
from services.console.rendering import render
from shared.roles import Role

router = APIRouter(dependencies=[Depends(check_csrf)])
PAGE = 20
RANKS = [
    ("constable", "Constable"),
    ("sergeant", "Sergeant"),
    ("inspector", "Inspector"),
    ("chief_inspector", "Chief inspector"),
    ("superintendent", "Superintendent"),
    ("chief_superintendent", "Chief superintendent"),
]
NEW_OFFICER = [
    FormField("officer_id", "the officer ID"),
    FormField("name", "the officer's name"),
    FormField("rank", "a rank", chosen=True),
    FormField("division", "the division"),
    FormField("place_of_duty", "the place of duty"),
    FormField("appointed_on", "the date of appointment", "appointed_on-day"),
    FormField("home_town", "the home town"),
]


@router.get("/officers", response_class=HTMLResponse)
async def officers(request: Request, signed: SignedInDep, page: int = 1) -> Response:
    page = max(page, 1)
    answer = await request.app.state.services.postings.get(
        "/officers", signed.token, {"limit": PAGE, "offset": (page - 1) * PAGE}
    )
    listing = answer.body
    pages = max(1, -(-listing["total"] // PAGE))
    return render(
        request,
        "pages/officers.html",
        {
            "officers": listing["items"],
            "total": listing["total"],
            "page": page,
            "pages": pages,
            "may_register": signed.person.role.value == "hr_resource_planning",
        },
    )


@router.get("/officers/new", response_class=HTMLResponse)
async def new_officer(request: Request, signed: SignedInDep) -> Response:
    only_for(signed, Role.HR_RESOURCE_PLANNING)
    return render(request, "pages/officer_new.html", {"values": {}, "ranks": RANKS})


@router.post("/officers/new", response_class=HTMLResponse)
async def register_officer(request: Request, signed: SignedInDep) -> Response:
    only_for(signed, Role.HR_RESOURCE_PLANNING)
    form = await request.form()
    values = {f.name: fv.text(form, f.name) for f in NEW_OFFICER if f.name != "appointed_on"}
    appointed = fv.date_parts(form, "appointed_on")
    body = fv.without_blanks({**values, "appointed_on": fv.date_value(appointed)})
    outcome = await send_form(
        request.app.state.services.postings, "POST", "/officers", signed, body
    )
    if isinstance(outcome, Refused):
        return render(
            request,
            "pages/officer_new.html",
            {
                "values": {**values, "appointed_on": appointed},
                "ranks": RANKS,
                "errors": summarise(outcome.problem, NEW_OFFICER),
            },
            status_code=outcome.status,
        )
    return done(
        signed,
        f"{values['name']} ({values['officer_id']}) is registered",
        f"/officers/{values['officer_id']}",
    )


@router.get("/officers/{officer_id}", response_class=HTMLResponse)
async def officer(request: Request, officer_id: str, signed: SignedInDep) -> Response:
    postings = request.app.state.services.postings
    record = await postings.get(f"/officers/{officer_id}", signed.token)
    notifications = await postings.get(f"/officers/{officer_id}/notifications", signed.token)
    try:
        restrictions = (
            await postings.get(f"/officers/{officer_id}/restrictions", signed.token)
        ).body
    except Refused as refused:
        # A role that may see the record but not its restrictions sees the record alone.
        if refused.status != 403:
            raise
        restrictions = None
    try:
        stated = (await postings.get(f"/officers/{officer_id}/preferences", signed.token)).body
    except Refused as refused:
        # Only the officer, HR and auditors read what the officer would prefer (3.7.2).
        if refused.status != 403:
            raise
        stated = None
    try:
        division = record.body["division"]
        found_strength = await postings.get("/strength", signed.token, {"division": division})
        strength = next(
            (
                row
                for row in found_strength.body["items"]
                if row["category"] == "rank" and row["key"] == record.body["rank"]
            ),
            None,
        )
    except Refused as refused:
        # Strength against establishment is for those who plan postings (L1800 3.1.2).
        if refused.status != 403:
            raise
        strength = None
    try:
        found = await postings.get("/postings", signed.token, {"officer_id": officer_id})
        officer_postings = found.body["items"]
    except Refused as refused:
        if refused.status != 403:
            raise
        officer_postings = None
    return render(
        request,
        "pages/officer.html",
        {
            "officer": record.body,
            "notifications": notifications.body,
            "restrictions": restrictions,
            "preferences": stated,
            "strength": strength,
            "may_decide_compulsory": signed.person.role in KINDS["compulsory"].roles,
            "postings": officer_postings,
            # Both must support an exception to a restriction (L1800 3.2.2).
            "may_support_exception": signed.person.role.value in ("psd", "head_of_resourcing"),
            "own": signed.person.role is Role.OFFICER and signed.person.officer_id == officer_id,
            "may_record_pdr": signed.person.role.value == "hr_resource_planning",
            # Professional Standards marks a place for anyone; an officer asks for themselves.
            "may_restrict": signed.person.role.value == "psd"
            or (signed.person.role.value == "officer" and signed.person.officer_id == officer_id),
        },
    )
