"""A case as it stood at a chosen moment, for the auditor: its state rebuilt by the service
from the events recorded by then (``/audit/cases/{id}/state?at=``), and its whole history
(``/audit/cases/{id}``) drawn as a timeline and given as a table.

One GET page holds the form and the answer, so a case at a moment can be linked to (the
officer's timeline links each act's case as it stood just after it) and the moment changed
where the answer is read."""

from __future__ import annotations

import json
import re
from datetime import datetime, time
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.console.browser import SignedInDep
from services.console.charts.timeline import timeline
from services.console.clients.api import Refused
from services.console.pages.audit_services import SERVICES, service_api
from services.console.pages.london_moments import (
    clock_time,
    form_parts,
    iso,
    london_day,
    london_instant,
)
from services.console.refusals import ErrorSummary, FormField, summarise
from services.console.rendering import london_time, render, words

router = APIRouter()

SERVICE = FormField("service", "a service", chosen=True)
CASE = FormField("case_id", "the case ID")
DAY = FormField("at", "the date", "at-day")
TIME = FormField("at-time", "the time")
FIELDS = [SERVICE, CASE, DAY, TIME]
#: A clock time left blank with a date means the end of that day.
END_OF_DAY = time(23, 59, 59)


@router.get("/audit/cases", response_class=HTMLResponse)
async def case_at(request: Request, signed: SignedInDep) -> Response:
    """A GET form: reading changes nothing, so what was asked may sit in the address."""
    query = request.query_params
    values: dict[str, Any] = {
        "service": query.get("service", "postings"),
        "case_id": query.get("case_id", "").strip(),
        "at": {part: query.get(f"at-{part}", "").strip() for part in ("day", "month", "year")},
        "at-time": query.get("at-time", "").strip(),
    }
    context: dict[str, Any] = {"values": values, "services": list(SERVICES.items())}
    if "case_id" not in query:
        return render(request, "pages/audit_case.html", context)
    errors, moment = _read(values, query.get("at", ""))
    if errors:
        return render(
            request, "pages/audit_case.html", {**context, "errors": errors}, status_code=422
        )
    api = service_api(request, values["service"])
    case_path = f"/audit/cases/{values['case_id']}"
    try:
        history: list[dict[str, Any]] = (await api.get(case_path, signed.token)).body
    except Refused as refused:
        if refused.status not in (404, 422):
            raise
        errors = ErrorSummary()
        errors.add(f"There is no case with this ID in {SERVICES[api.name]}", CASE)
        return render(
            request, "pages/audit_case.html", {**context, "errors": errors}, status_code=404
        )
    state, not_yet = None, None
    try:
        params = {"at": iso(moment)} if moment else None
        state = (await api.get(f"{case_path}/state", signed.token, params)).body
    except Refused as refused:
        if refused.status == 422:
            return render(
                request,
                "pages/audit_case.html",
                {**context, "errors": summarise(refused.problem, FIELDS)},
                status_code=422,
            )
        if refused.status != 404:
            raise
        # The case is there (its history says so) but began after the chosen moment.
        not_yet = str(refused.problem.get("detail") or "")
    if moment and not any(values["at"].values()):
        values["at"], values["at-time"] = form_parts(moment)
    return render(
        request,
        "pages/audit_case.html",
        {
            **context,
            "service_name": SERVICES[api.name],
            "history": history,
            "state": state,
            "state_rows": _state_rows(state["state"]) if state else [],
            "not_yet": not_yet,
            "moment": moment,
            "chart": _drawn(history, state, moment),
        },
    )


def _read(values: dict[str, Any], at: str) -> tuple[ErrorSummary, datetime | None]:
    """What the form asked, checked as far as the console must: the moment is made here,
    from London time, so a date or time that is none is named here too."""
    errors = ErrorSummary()
    if values["service"] not in SERVICES:
        errors.add("Select a service", SERVICE)
    if not values["case_id"]:
        errors.add("Enter the case ID", CASE)
    elif not _is_uuid(values["case_id"]):
        errors.add("Enter the case ID as shown on the timeline, like 6f0c1a52-1111-…", CASE)
    moment = None
    try:
        day = london_day(values["at"])
    except ValueError:
        errors.add("The date must be a real date", DAY)
        day = None
    try:
        clock = clock_time(values["at-time"])
    except ValueError:
        errors.add("Enter the time like 14:30 or 2:30pm", TIME)
        clock = None
    if day is not None:
        moment = london_instant(day, clock or END_OF_DAY)
    elif clock is not None:
        errors.add("Enter the date the time is on", DAY)
    elif at:
        # A link names the moment exactly, to the microsecond an act was recorded at.
        try:
            moment = datetime.fromisoformat(at)
            # Shown again on the form in London time: a moment at the calendar's very
            # edge that London's clocks cannot show is no date anyone can mean.
            form_parts(moment)
        except (ValueError, OverflowError):
            moment = None
        if moment is None or moment.tzinfo is None:
            errors.add("The date must be a real date", DAY)
            moment = None
    return errors, moment


def _is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return bool(re.fullmatch(r"[0-9a-fA-F-]{32,36}", text))


def _state_rows(state: dict[str, Any]) -> list[tuple[str, str | None]]:
    """The state's fields as rows: a plain value as it is, anything nested as JSON, and
    nothing as nothing (the summary list says "Not recorded")."""
    return [(words(key), _shown(value)) for key, value in state.items()]


def _shown(value: Any) -> str | None:
    if value is None or value in ([], {}):
        return None
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _drawn(
    history: list[dict[str, Any]], state: dict[str, Any] | None, moment: datetime | None
) -> Any:
    applied = state["version"] if state else 0
    if moment is None:
        applied = len(history) + 1
    events = [
        (
            f"{e['originator_version']}. {e['type']}",
            london_time(e["occurred_at"]),
            e["originator_version"] > applied,
        )
        for e in history
    ]
    # Before the case began there is no state to name it; its first event's type does.
    kind = state["case_type"] if state else history[0]["type"].split(".")[0]
    if moment is None:
        said = "all of them make the case as it is now"
    else:
        said = f"the first {applied} made the case as it stood at {london_time(iso(moment))}"
    return timeline(
        f"History of the {kind} case, {len(history)} events",
        f"The case's events in the order they were recorded; {said}. "
        "The table below gives the same events.",
        events,
        f"As at {london_time(iso(moment))}" if moment else "",
    )
