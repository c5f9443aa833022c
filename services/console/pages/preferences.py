"""An officer's preferences, sought before a compulsory posting where possible (L1800
3.7.2): up to three places of duty, first choice first, and why. Only the officer states
them; a new statement replaces the last, sent against the version it was read at."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from services.console.browser import SignedIn, SignedInDep, check_csrf, only_for
from services.console.clients.api import Refused, ServiceApi
from services.console.commands import done, send_on_record
from services.console.pages import form_values as fv
from services.console.refusals import ErrorSummary, FormField, summarise
from services.console.rendering import render
from shared.roles import Role

router = APIRouter(dependencies=[Depends(check_csrf)])
#: The choices the form can hold: as many as the service takes. It offers three, or as
#: many as the officer has already stated, so that saving the form keeps every one.
CHOICES = (
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
)
OFFERED = 3
FIELDS = [
    FormField("places", "the places you would prefer", "choice-first"),
    FormField("rationale", "why you prefer them"),
]
#: Places are offered as the service lists them, a page at a time, up to this many.
MOST_PLACES = 1000


async def place_options(api: ServiceApi, token: str) -> list[tuple[str, str]]:
    """Every registered place of duty as (code, name and town), as the service pages them."""
    options: list[tuple[str, str]] = []
    while len(options) < MOST_PLACES:
        page = (await api.get("/locations", token, {"limit": 100, "offset": len(options)})).body
        options += [(p["code"], f"{p['name']} ({p['town']})") for p in page["items"]]
        if not page["items"] or len(options) >= page["total"]:
            break
    return options


@router.get("/officers/{officer_id}/preferences", response_class=HTMLResponse)
async def preferences_form(request: Request, officer_id: str, signed: SignedInDep) -> Response:
    only_for(signed, Role.OFFICER, own=officer_id)
    stated = await _stated(request, signed, officer_id)
    chosen = {c: p for c, p in zip(CHOICES, stated.body["places"], strict=False)}
    values = {**chosen, "rationale": stated.body["said"] or ""}
    return await _page(request, signed, stated.body, stated.version, values, None, 200)


@router.post("/officers/{officer_id}/preferences", response_class=HTMLResponse)
async def state_preferences(request: Request, officer_id: str, signed: SignedInDep) -> Response:
    only_for(signed, Role.OFFICER, own=officer_id)
    form = await request.form()
    values = {name: fv.text(form, f"choice-{name}") for name in CHOICES}
    values["rationale"] = fv.text(form, "rationale")
    body: dict[str, Any] = {
        "places": [values[c] for c in CHOICES if values[c]],
        "rationale": values["rationale"],
    }
    path = f"/officers/{officer_id}/preferences"
    outcome = await send_on_record(
        request.app.state.services.postings,
        path,
        signed,
        form,
        fv.without_blanks(body),
        method="PUT",
        record=path,
        again=path,
    )
    if isinstance(outcome, Refused):
        stated = await _stated(request, signed, officer_id)
        errors = summarise(outcome.problem, FIELDS)
        return await _page(
            request, signed, stated.body, stated.version, values, errors, outcome.status
        )
    return done(signed, "Your preferences are recorded", f"/officers/{officer_id}")


def _last_given(values: dict[str, str]) -> int:
    """How many choices the form sent, counting to the last one given."""
    given = [n for n, choice in enumerate(CHOICES, start=1) if values.get(choice)]
    return given[-1] if given else 0


async def _stated(request: Request, signed: SignedIn, officer_id: str) -> Any:
    return await request.app.state.services.postings.get(
        f"/officers/{officer_id}/preferences", signed.token
    )


async def _page(
    request: Request,
    signed: SignedIn,
    stated: dict[str, Any],
    version: int | None,
    values: dict[str, str],
    errors: ErrorSummary | None,
    status: int,
) -> Response:
    places = await place_options(request.app.state.services.postings, signed.token)
    return render(
        request,
        "pages/preferences.html",
        {
            "stated": stated,
            "version": version or stated["version"],
            "choices": CHOICES[: max(OFFERED, len(stated["places"]), _last_given(values))],
            "places": places,
            "values": values,
            "errors": errors,
        },
        status_code=status,
    )
