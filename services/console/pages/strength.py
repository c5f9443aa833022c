"""Strength against establishment by division and rank, now and projected after the
postings already decided (L1800 3.1.2-3.1.3): a chart and the same figures as a table."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.console.browser import SignedInDep
from services.console.charts.bars import bar_chart
from services.console.rendering import render, words

router = APIRouter()


@router.get("/strength", response_class=HTMLResponse)
async def strength(request: Request, signed: SignedInDep) -> Response:
    answer = await request.app.state.services.postings.get("/strength", signed.token)
    rows = [r for r in answer.body["items"] if r["category"] == "rank"]
    chart = bar_chart(
        "Strength against establishment by division and rank",
        "For each division and rank, officers now and projected after planned postings, "
        "with the establishment marked where one is set. The table below gives the figures.",
        ["Now", "Projected"],
        [
            (
                f"{words(r['division'])}, {words(r['key']).lower()}",
                [r["now"], r["projected"]],
                r["target"],
            )
            for r in rows
        ],
    )
    return render(request, "pages/strength.html", {"rows": rows, "chart": chart})


def _label(row: dict[str, Any]) -> str:
    return f"{words(row['division'])}, {words(row['key']).lower()}"
