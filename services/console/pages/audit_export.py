"""Each service's log to download, for the auditor: the service's own export
(``/audit/export``, JSON Lines with every event's hashes, personal data sealed) streamed
through with the auditor's token as it arrives, so the console never holds a whole log.
A filter form (an officer, a range of days in London) shapes the links."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from services.console.browser import SignedInDep
from services.console.pages.audit_services import SERVICES, service_api
from services.console.pages.london_moments import iso, london_day, london_instant
from services.console.refusals import ErrorSummary, FormField
from services.console.rendering import long_date, render

router = APIRouter()
FROM = FormField("from", "the first day", "from-day")
TO = FormField("to", "the last day", "to-day")


@router.get("/audit/export", response_class=HTMLResponse)
async def choose(request: Request, signed: SignedInDep) -> Response:
    """A GET form: the filters go into each service's download link."""
    query = request.query_params
    values: dict[str, Any] = {
        "officer_id": query.get("officer_id", "").strip(),
        **{name: _parts(query, name) for name in ("from", "to")},
    }
    errors = ErrorSummary()
    days: dict[str, date | None] = {}
    for field in (FROM, TO):
        try:
            days[field.name] = london_day(values[field.name])
        except ValueError:
            errors.add(f"{field.label[:1].upper()}{field.label[1:]} must be a real date", field)
            days[field.name] = None
    first, last = days["from"], days["to"]
    if first and last and last < first:
        errors.add("The last day must be the same as or after the first day", TO)
    filters: dict[str, str] = {}
    if values["officer_id"]:
        filters["officer_id"] = values["officer_id"]
    if first:
        filters["since"] = iso(london_instant(first, time.min))
    if last:
        filters["until"] = iso(london_instant(last, time.max))
    return render(
        request,
        "pages/audit_export.html",
        {
            "values": values,
            "errors": errors or None,
            "services": list(SERVICES.items()),
            "filters": filters if not errors else {},
            "described": _described(values["officer_id"], first, last) if not errors else "",
        },
        status_code=422 if errors else 200,
    )


def _described(officer_id: str, first: date | None, last: date | None) -> str:
    """The filters in words, for the sentence above the links."""
    said = [f"officer {officer_id}'s cases"] if officer_id else []
    if first:
        said.append(f"events recorded from {long_date(first.isoformat())}")
    if last:
        said.append(
            f"{'up to' if first else 'events recorded up to'} {long_date(last.isoformat())}"
        )
    return ", ".join(said)


def _parts(query: Any, name: str) -> dict[str, str]:
    return {part: query.get(f"{name}-{part}", "").strip() for part in ("day", "month", "year")}


@router.get("/audit/export/{service}")
async def download(
    request: Request,
    service: str,
    signed: SignedInDep,
    officer_id: str = "",
    since: str = "",
    until: str = "",
) -> Response:
    """The service's export as it streams in, as an attachment. The filters go on as the
    page's link wrote them: the service judges them, and a refusal is the error page."""
    if service not in SERVICES:
        raise HTTPException(404)
    params = {
        k: v for k, v in (("officer_id", officer_id), ("since", since), ("until", until)) if v
    }
    stream = await service_api(request, service).stream("/audit/export", signed.token, params)
    stamp = datetime.now(tz=UTC).strftime("%Y%m%dT%H%M%SZ")
    return StreamingResponse(
        stream.chunks(),
        media_type=stream.media_type,
        headers={"Content-Disposition": f'attachment; filename="{service}-export-{stamp}.jsonl"'},
    )
