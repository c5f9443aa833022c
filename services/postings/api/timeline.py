"""An officer's complete decision timeline across postings, appeals and ROI, in one
answer, for auditors (issue 6): each entry with the decision, rationale, actor, role,
delegation, clause and the facts it relied on."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, wait
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from services.postings.clients.audit_peers import officer_decisions
from shared.api.audit_trail import AuditAct, DecisionFilter, decisions_page
from shared.api.pagination import PageParams
from shared.api.routes import Operating, OperationRoute, build_router
from shared.api.schemas import OfficerIdPath
from shared.roles import Role
from shared.settings import PostingsSettings


class Timeline(BaseModel):
    officer_id: str
    #: Oldest first across the three services; ties keep each service's log order.
    entries: list[AuditAct]
    counts: dict[str, int]


def _own(runtime: Any, officer_id: str, reader: Role) -> list[AuditAct]:
    cap = runtime.settings.page_size_max
    found: list[AuditAct] = []
    while True:
        page = decisions_page(
            runtime,
            DecisionFilter(officer_id=officer_id),
            PageParams(limit=cap, offset=len(found)),
            reader=reader,
        )
        found.extend(page.items)
        if not page.items or len(found) >= page.total:
            return found


#: The threads that ask appeals and ROI, kept for the process: two made and ended per
#: request cost more than the questions' own Python. Each request takes two; past eight
#: timelines at once, the questions queue here as they would at the peers.
_ASKING = ThreadPoolExecutor(max_workers=16, thread_name_prefix="timeline-peers")


def officer_timeline(ctx: Operating, officer_id: OfficerIdPath) -> Timeline:
    runtime = ctx.runtime
    settings = runtime.settings
    assert isinstance(settings, PostingsSettings)
    authorization = ctx.request.headers["authorization"]
    peers = (("appeals", settings.appeals_url), ("roi", settings.roi_url))
    # Appeals and ROI are asked at once, while postings reads its own part.
    asked = [
        _ASKING.submit(
            officer_decisions,
            service,
            url,
            officer_id,
            authorization,
            timeout=settings.roi_timeout_seconds,
        )
        for service, url in peers
    ]
    try:
        entries = _own(runtime, officer_id, ctx.caller.role)
    finally:
        # Whatever postings' part came to, the questions end before the answer (each is
        # bounded by its timeout): none outlives the request it was asked for.
        wait(asked)
    for answer in asked:
        entries += [AuditAct(**item) for item in answer.result()]
    entries.sort(key=lambda e: datetime.fromisoformat(e.occurred_at))
    counts: dict[str, int] = {"postings": 0, "appeals": 0, "roi": 0}
    for entry in entries:
        counts[entry.service] += 1
    return Timeline(officer_id=officer_id, entries=entries, counts=counts)


router = build_router(
    prefix="/audit",
    tags=["audit"],
    routes=[
        OperationRoute(
            "GET",
            "/officers/{officer_id}/timeline",
            doc="""Every decision about the officer in postings, appeals and ROI, in time
            order. If appeals or ROI cannot answer, the answer is a 503 rather than a partial
            timeline.""",
            roles=(Role.AUDITOR,),
            run=officer_timeline,
            response_model=Timeline,
            errors=(503,),
            expensive=True,
        )
    ],
)
