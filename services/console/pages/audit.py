"""The auditor's view of an officer's whole timeline across the three services, as
postings' audit API assembles it (each read is logged there as a consultation)."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.console.browser import SignedInDep
from services.console.clients.api import Refused, ServiceApi, Unreachable
from services.console.refusals import ErrorSummary, FormField
from services.console.rendering import render
from shared import forms

router = APIRouter()
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
    services = request.app.state.services
    apis: list[ServiceApi] = [services.postings, services.appeals, services.roi]
    reports = await asyncio.gather(*(_verify(api, signed.token) for api in apis))
    return render(request, "pages/chains.html", {"reports": reports})


async def _verify(api: ServiceApi, token: str) -> dict[str, Any]:
    try:
        report: dict[str, Any] = (await api.get("/audit/verify", token)).body
    except Unreachable:
        return {"service": api.name, "answered": False, "why": "did not answer"}
    except Refused as refused:
        why = str(refused.problem.get("detail") or f"refused ({refused.status})")
        return {"service": api.name, "answered": False, "why": why}
    return {**report, "answered": True}
