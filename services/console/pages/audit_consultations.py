"""The consultation log, for the auditor: who read officers' personal data through each
service, when, which officer and where (``/audit/consultations``, paged as the API pages
it), one service at a time and, if asked, one officer's."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.console.browser import SignedInDep
from services.console.clients.api import Refused
from services.console.pages.audit_services import SERVICES, service_api
from services.console.refusals import FormField, summarise
from services.console.rendering import render

router = APIRouter()
PAGE = 20
OFFICER = FormField("officer_id", "the officer ID")


@router.get("/audit/consultations", response_class=HTMLResponse)
async def consultations(
    request: Request,
    signed: SignedInDep,
    service: str = "postings",
    officer_id: str = "",
    page: int = 1,
) -> Response:
    service = service if service in SERVICES else "postings"
    officer_id, page = officer_id.strip(), max(page, 1)
    params: dict[str, Any] = {"limit": PAGE, "offset": (page - 1) * PAGE}
    if officer_id:
        params["officer_id"] = officer_id
    context: dict[str, Any] = {
        "services": list(SERVICES.items()),
        "service": service,
        "service_name": SERVICES[service],
        "officer_id": officer_id,
        "page": page,
    }
    try:
        listing = (
            await service_api(request, service).get("/audit/consultations", signed.token, params)
        ).body
    except Refused as refused:
        if refused.status != 422:
            raise
        # An officer ID the service cannot take (too long, say): named on the filter.
        errors = summarise(refused.problem, [OFFICER])
        return render(
            request,
            "pages/audit_consultations.html",
            {**context, "errors": errors, "items": [], "total": 0, "pages": [1]},
            status_code=422,
        )
    return render(
        request,
        "pages/audit_consultations.html",
        {
            **context,
            "items": listing["items"],
            "total": listing["total"],
            "pages": window(page, max(1, -(-listing["total"] // PAGE))),
        },
    )


def window(page: int, last: int) -> list[int | None]:
    """The page numbers a pagination shows: the first, the last and two either side of
    this one, None where others are left out (a log of consultations runs to thousands)."""
    numbers: list[int | None] = []
    previous = 0
    for n in (n for n in range(1, last + 1) if n in (1, last) or abs(n - page) <= 2):
        if n - previous > 1:
            numbers.append(None)
        numbers.append(n)
        previous = n
    return numbers
