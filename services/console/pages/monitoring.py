"""The monitoring figures of L1800 7.1 for the Head of Resourcing: postings by kind and
division (a chart and a table), compulsory postings, the time from selection to posting
date, appeals by outcome, and early releases from the ROI period, from the three services
at once."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.console.browser import SignedInDep
from services.console.charts.bars import bar_chart
from services.console.rendering import render, words

router = APIRouter()


@router.get("/monitoring", response_class=HTMLResponse)
async def monitoring(request: Request, signed: SignedInDep) -> Response:
    services = request.app.state.services
    postings, appeals, released = await asyncio.gather(
        services.postings.get("/monitoring", signed.token),
        services.appeals.get("/appeals/monitoring", signed.token),
        # No monitoring answer of roi's counts releases: they are counted from its
        # commitments, released ones only, as the API lists them to this role.
        services.roi.get("/commitments", signed.token, {"released": "true", "limit": 100}),
    )
    appeals_chart = bar_chart(
        "Appeals by kind of posting and outcome",
        "For each kind of posting, how many appeals were decided with each outcome. "
        "The table below gives the figures.",
        ["Appeals"],
        [
            (f"{words(r['posting_kind'])}, {words(r['outcome']).lower()}", [r["appeals"]], None)
            for r in appeals.body
        ],
    )
    releases = _releases_by_route(released.body["items"])
    releases_chart = bar_chart(
        "Early releases from the ROI period",
        "How many officers were released before their ROI period ended, by the way they "
        "were released. The table below gives the figures.",
        ["Releases"],
        [(label, [count], None) for label, count in releases],
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
        {
            "postings": postings.body,
            "appeals": appeals.body,
            "appeals_chart": appeals_chart,
            "chart": chart,
            "releases": releases,
            "releases_chart": releases_chart,
            "releases_listed_all": released.body.get("total", 0) <= 100,
        },
    )


#: The two ways out of an ROI period early (L1800 3.9.3), as the commitment records them.
ROUTES = {
    "force_resourcing_panel": "By the Force Resourcing Panel",
    "local": "A local move, signed off by the Head of Resourcing",
}


def _releases_by_route(items: list[dict[str, Any]]) -> list[tuple[str, int]]:
    counted = Counter(str(item.get("release_route") or "") for item in items)
    return [(ROUTES.get(route, words(route)), n) for route, n in sorted(counted.items())]
