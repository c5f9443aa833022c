"""Officers' commitments on designated courses, and early release from the ROI period
(L1800 3.9.3): the Force Resourcing Panel releases an officer in exceptional operational
circumstances, or a Head of Department makes the case for a local move and the Head of
Resourcing signs it off. Each against the version of the commitment read."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from services.console.browser import SignedIn, SignedInDep, check_csrf, names_an_id, only_for
from services.console.clients.api import Answer, Refused
from services.console.commands import done, send_on_record
from services.console.pages import form_values as fv
from services.console.refusals import ErrorSummary, FormField, summarise
from services.console.rendering import render
from shared.roles import Role

router = APIRouter(dependencies=[Depends(check_csrf)])
#: Each way of releasing: the API's command, who may use it, and its form's fields.
RELEASES: dict[str, tuple[Role, list[FormField]]] = {
    "release": (
        Role.FORCE_RESOURCING_PANEL,
        [
            FormField("to_location", "the place they are released to", "release-to"),
            FormField("rationale", "the exceptional circumstances", "release-rationale"),
        ],
    ),
    "local-case": (
        Role.HEAD_OF_DEPARTMENT,
        [
            FormField("to_location", "the place of the local move", "case-to"),
            FormField("rationale", "the case for the move", "case-rationale"),
        ],
    ),
    "local-release": (
        Role.HEAD_OF_RESOURCING,
        [FormField("rationale", "why you sign it off", "sign-off-rationale")],
    ),
}
COMMITMENT = FormField("commitment_id", "the commitment's id")
MESSAGES = {
    "release": "The officer is released from the ROI period",
    "local-case": "The case for a local move is made; the Head of Resourcing signs it off",
    "local-release": "The local move is signed off: the officer is released for it",
}


@router.get("/roi/commitments", response_class=HTMLResponse)
async def commitments(request: Request, signed: SignedInDep) -> Response:
    roi = request.app.state.services.roi
    if signed.person.role is Role.OFFICER:
        answer = await roi.get(f"/officers/{signed.person.officer_id}/commitments", signed.token)
        items = answer.body if isinstance(answer.body, list) else answer.body["items"]
    else:
        items = (await roi.get("/commitments", signed.token, {"limit": 100})).body["items"]
    return render(request, "pages/roi_commitments.html", {"commitments": items})


@router.get("/roi/commitments/{commitment_id}", response_class=HTMLResponse)
async def commitment(request: Request, commitment_id: str, signed: SignedInDep) -> Response:
    return await _page(request, signed, commitment_id)


@router.get("/roi/local-case", response_class=HTMLResponse)
async def local_case_form(request: Request, signed: SignedInDep) -> Response:
    """A Head of Department reads no commitments: they name the one HR gave them."""
    only_for(signed, Role.HEAD_OF_DEPARTMENT)
    return render(request, "pages/roi_local_case.html", {"values": {}})


@router.post("/roi/local-case", response_class=HTMLResponse)
async def make_local_case(request: Request, signed: SignedInDep) -> Response:
    only_for(signed, Role.HEAD_OF_DEPARTMENT)
    _, fields = RELEASES["local-case"]
    form = await request.form()
    values = {f.name: fv.text(form, f.name) for f in fields}
    commitment_id = fv.text(form, "commitment_id")
    if not commitment_id or not names_an_id(commitment_id):
        # Nothing to address the command to (or text that would address another resource):
        # said as the service would say the field is missing or malformed.
        kind = "missing" if not commitment_id else "string_pattern_mismatch"
        missing = {"errors": [{"field": "commitment_id", "type": kind, "message": ""}]}
        outcome: Answer | Refused = Refused("roi", 422, missing)
    else:
        outcome = await send_on_record(
            request.app.state.services.roi,
            f"/commitments/{quote(commitment_id, safe='')}/local-case",
            signed,
            form,
            fv.without_blanks(values),
            record=f"/commitments/{quote(commitment_id, safe='')}",
            again="/roi/local-case",
        )
    if isinstance(outcome, Refused):
        return render(
            request,
            "pages/roi_local_case.html",
            {
                "values": {**values, "commitment_id": commitment_id},
                "errors": summarise(outcome.problem, [COMMITMENT, *fields]),
            },
            status_code=outcome.status,
        )
    return done(signed, MESSAGES["local-case"], "/")


@router.post("/roi/commitments/{commitment_id}/{how}", response_class=HTMLResponse)
async def release(request: Request, commitment_id: str, how: str, signed: SignedInDep) -> Response:
    if how not in ("release", "local-release"):
        return render(
            request,
            "problem.html",
            {"heading": "Page not found", "lines": ["There is no such release."]},
            status_code=404,
        )
    _, fields = RELEASES[how]
    form = await request.form()
    values = {f.name: fv.text(form, f.name) for f in fields}
    outcome = await send_on_record(
        request.app.state.services.roi,
        f"/commitments/{quote(commitment_id, safe='')}/{how}",
        signed,
        form,
        fv.without_blanks(values),
        record=f"/commitments/{quote(commitment_id, safe='')}",
        again=f"/roi/commitments/{commitment_id}",
    )
    if isinstance(outcome, Refused):
        errors = summarise(outcome.problem, fields)
        return await _page(request, signed, commitment_id, how, values, errors, outcome.status)
    return done(signed, MESSAGES[how], f"/roi/commitments/{commitment_id}")


async def _page(
    request: Request,
    signed: SignedIn,
    commitment_id: str,
    form: str | None = None,
    values: dict[str, Any] | None = None,
    errors: ErrorSummary | None = None,
    status: int = 200,
) -> Response:
    answer = await request.app.state.services.roi.get(f"/commitments/{commitment_id}", signed.token)
    item = answer.body
    role = signed.person.role
    live = item["state"] in ("enrolled", "completed") and not item.get("released_for")
    return render(
        request,
        "pages/roi_commitment.html",
        {
            "item": item,
            "version": answer.version or item["version"],
            "form": form,
            "values": values or {},
            "errors": errors,
            "may_release": live and role is Role.FORCE_RESOURCING_PANEL,
            "may_sign_off": live and role is Role.HEAD_OF_RESOURCING and item["local_case_for"],
        },
        status_code=status,
    )
