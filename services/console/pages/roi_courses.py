"""Courses designated for the return-on-investment period (L1800 3.9.2): each quarter's
designations, with the form for those who designate, and the "I am Eligible" list that
the HR system's document is refreshed from."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from services.console.browser import SignedIn, SignedInDep, check_csrf
from services.console.clients.api import Refused
from services.console.commands import done, send_form
from services.console.pages import form_values as fv
from services.console.refusals import ErrorSummary, FormField, summarise
from services.console.rendering import render
from shared.roles import Role

router = APIRouter(dependencies=[Depends(check_csrf)])
#: Who designates in the quarterly process, as the roi service admits them.
DESIGNATORS = (Role.HEAD_OF_L_AND_D, Role.HEAD_OF_PROFESSION, Role.HEAD_OF_RESOURCING)
REASONS = (
    ("high_demand", "High demand"),
    ("high_cost", "High cost"),
    ("scarce_skill", "A scarce skill"),
)
PROPOSERS = (
    ("head_of_l_and_d", "Head of Learning and Development"),
    ("head_of_profession", "A Head of Profession"),
    ("head_of_resourcing", "Head of Resourcing"),
)
FIELDS = [
    FormField("course_code", "the course code"),
    FormField("title", "the course's title"),
    FormField("quarter", "the quarter"),
    FormField("reasons", "why it is designated", chosen=True),
    FormField("proposed_by", "who proposed it", chosen=True),
    FormField("period_months", "the ROI period"),
    FormField("rationale", "the rationale"),
]


def this_quarter(today: date) -> str:
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


@router.get("/roi/designations", response_class=HTMLResponse)
async def designations(
    request: Request, signed: SignedInDep, quarter: str | None = Query(None)
) -> Response:
    return await _page(request, signed, quarter or this_quarter(date.today()))


@router.post("/roi/designations", response_class=HTMLResponse)
async def designate(request: Request, signed: SignedInDep) -> Response:
    form = await request.form()
    values: dict[str, Any] = {
        **{f.name: fv.text(form, f.name) for f in FIELDS if not f.chosen},
        "reasons": [r for r in form.getlist("reasons") if isinstance(r, str)],
        "proposed_by": [p for p in form.getlist("proposed_by") if isinstance(p, str)],
    }
    months = values["period_months"]
    body = fv.without_blanks({**values, "period_months": fv.whole(months) if months else None})
    outcome = await send_form(request.app.state.services.roi, "POST", "/designations", signed, body)
    quarter = values["quarter"] or this_quarter(date.today())
    if isinstance(outcome, Refused):
        errors = summarise(outcome.problem, FIELDS)
        return await _page(request, signed, quarter, values, errors, outcome.status)
    message = f"{values['title']} is designated for {quarter}"
    return done(signed, message, f"/roi/designations?quarter={quarter}")


@router.get("/roi/eligible", response_class=HTMLResponse)
async def eligible(request: Request, signed: SignedInDep) -> Response:
    answer = await request.app.state.services.roi.get("/eligible-list", signed.token)
    return render(request, "pages/roi_eligible.html", {"courses": answer.body})


@router.get("/roi/eligible.csv")
async def eligible_csv(request: Request, signed: SignedInDep) -> Response:
    """The list as the HR system's document is refreshed from it: roi's CSV, passed
    through with the person's own token."""
    stream = await request.app.state.services.roi.stream(
        "/eligible-list", signed.token, {"format": "csv"}
    )
    return StreamingResponse(
        stream.chunks(),
        media_type=stream.media_type,
        headers={"Content-Disposition": 'attachment; filename="i-am-eligible.csv"'},
    )


async def _page(
    request: Request,
    signed: SignedIn,
    quarter: str,
    values: dict[str, Any] | None = None,
    errors: ErrorSummary | None = None,
    status: int = 200,
) -> Response:
    try:
        listing = await request.app.state.services.roi.get(
            "/designations", signed.token, {"quarter": quarter, "limit": 100}
        )
        items = listing.body["items"]
    except Refused as refused:
        # A quarter typed wrongly in the address: the page says so, and lists nothing.
        if refused.status != 422:
            raise
        items = []
        errors = errors or summarise(refused.problem, [FormField("quarter", "the quarter")])
        status = 422
    return render(
        request,
        "pages/roi_designations.html",
        {
            "quarter": quarter,
            "designations": items,
            "values": values or {"quarter": quarter, "period_months": "18"},
            "errors": errors,
            "reasons": REASONS,
            "reason_names": dict(REASONS),
            "proposers": PROPOSERS,
            "may_designate": signed.person.role in DESIGNATORS,
        },
        status_code=status,
    )
