"""The auditor's view of an officer's whole timeline across the three services, as
postings' audit API assembles it (each read is logged there as a consultation), and each
service's log verified, with a checkpoint signed on request."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.console.browser import SignedInDep, check_csrf
from services.console.clients.api import Refused, ServiceApi, Unreachable
from services.console.commands import done, send_form
from services.console.pages.audit_services import SERVICES, service_api
from services.console.refusals import ErrorSummary, FormField, summarise
from services.console.rendering import render
from shared import forms

router = APIRouter(dependencies=[Depends(check_csrf)])
OFFICER = FormField("officer_id", "the officer ID")


@router.get("/audit/timeline", response_class=HTMLResponse)
async def choose_officer(request: Request, signed: SignedInDep, officer_id: str = "") -> Response:
    """A GET form: nothing changes, so the officer's id may sit in the address."""
    officer_id = officer_id.strip()
    if officer_id and re.fullmatch(forms.IDENTIFIER, officer_id):
        return RedirectResponse(f"/audit/officers/{officer_id}/timeline", status_code=303)
    errors = None
    if "officer_id" in request.query_params:
        errors = ErrorSummary()
        errors.add(
            "Enter an officer ID" if not officer_id else "Enter an officer ID like K200", OFFICER
        )
    return render(
        request,
        "pages/audit_choose.html",
        {"officer_id": officer_id, "errors": errors},
        status_code=422 if errors else 200,
    )


@router.get("/audit/officers/{officer_id}/timeline", response_class=HTMLResponse)
async def timeline(request: Request, officer_id: str, signed: SignedInDep) -> Response:
    answer = await request.app.state.services.postings.get(
        f"/audit/officers/{officer_id}/timeline", signed.token
    )
    return render(request, "pages/timeline.html", {"timeline": answer.body})


@router.get("/audit/chains", response_class=HTMLResponse)
async def chains(request: Request, signed: SignedInDep) -> Response:
    """Each service's log re-hashed against its chain and its signed checkpoints, asked of
    the three at once; one that cannot answer is reported as such beside the others."""
    return render(request, "pages/chains.html", {"reports": await _reports(request, signed.token)})


@router.post("/audit/chains/{service}/checkpoints", response_class=HTMLResponse)
async def sign_checkpoint(request: Request, service: str, signed: SignedInDep) -> Response:
    """Ask a service to sign its log as it stands now: an attestation, not a change, so
    that a later verification can show the log has not moved since."""
    if service not in SERVICES:
        raise HTTPException(404)
    answer = await send_form(
        service_api(request, service), "POST", "/audit/checkpoints", signed, {}
    )
    name = "ROI" if service == "roi" else service
    if isinstance(answer, Refused):
        # Only a refusal of the auditor's role can come back here: shown as the page says.
        summary = summarise(answer.problem, [])
        reports = await _reports(request, signed.token)
        return render(
            request,
            "pages/chains.html",
            {"reports": reports, "errors": summary},
            status_code=answer.status,
        )
    if answer.body and "size" in answer.body:
        message = f"The {name} log was signed as it stands, at {answer.body['size']} events"
    else:
        message = f"The {name} log is empty: there is nothing to sign yet"
    return done(signed, message, "/audit/chains")


async def _reports(request: Request, token: str) -> list[dict[str, Any]]:
    services = request.app.state.services
    apis: list[ServiceApi] = [services.postings, services.appeals, services.roi]
    return list(await asyncio.gather(*(_verify(api, token) for api in apis)))


async def _verify(api: ServiceApi, token: str) -> dict[str, Any]:
    try:
        report: dict[str, Any] = (await api.get("/audit/verify", token)).body
    except Unreachable:
        return {"service": api.name, "answered": False, "why": "did not answer"}
    except Refused as refused:
        why = str(refused.problem.get("detail") or f"refused ({refused.status})")
        return {"service": api.name, "answered": False, "why": why}
    return {**report, "answered": True}
