"""The monitoring figures of L1800 7.1 for the Head of Resourcing: postings by kind and
division (a chart and a table), compulsory postings, the time from selection to posting
date, and appeals by outcome, from postings and appeals at once."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.console.browser import SignedInDep
from services.console.charts.bars import bar_chart
from services.console.rendering import render, words

router = APIRouter()


@router.get("/monitoring", response_class=HTMLResponse)
async def monitoring(request: Request, signed: SignedInDep) -> Response:
    services = request.app.state.services
    postings, appeals = await asyncio.gather(
        services.postings.get("/monitoring", signed.token),
        services.appeals.get("/appeals/monitoring", signed.token),
    )
    by_kind = postings.body["postings_by_kind_and_division"]
    chart = bar_chart(
        "Postings by kind and division",
        "For each kind of posting and division, how many postings were decided. "
        "The table below gives the figures.",
        ["Postings"],
        [
            (f"{words(r['kind'])}, {words(r['division']).lower()}", [r["postings"]], None)
            for r in by_kind
        ],
    )
    return render(
        request,
        "pages/monitoring.html",
        {"postings": postings.body, "appeals": appeals.body, "chart": chart},
    )
