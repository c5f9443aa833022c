"""Posting decisions of each kind, and what follows them: the date, notice, notification
to the officer and the move itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlalchemy import select

from services.postings.api.access import (
    DELEGATE_ROLES,
    DIVISIONAL_READERS,
    FORCE_WIDE_READERS,
    OFFICER_RECORD_READERS,
)
from services.postings.api.deps import App
from services.postings.api.schemas import (
    BestInterestsIn,
    CollegePostingIn,
    CompulsoryIn,
    DateOutsideSittingIn,
    DelayIn,
    DivisionalPostingIn,
    MoveIn,
    NoticeAgreementIn,
    NotificationIn,
    PostingOut,
    RedeploymentIn,
    SelectionIn,
    SeniorIn,
)
from services.postings.api.views import posting_out, posting_view
from services.postings.application import Saved
from services.postings.domain.kinds import PostingKind, PostingState
from services.postings.projections.tables import postings
from shared.api.commands import (
    CommandContext,
    CommandHeaders,
    CommandRequest,
    command_endpoint,
    etag,
)
from shared.api.pagination import Page, Paging, fetch_page
from shared.api.security import Caller, RuntimeDep, guarded
from shared.identity import Principal
from shared.roles import Role
from shared.runtime import Runtime

router = APIRouter(prefix="/postings", tags=["postings"])

HR_OPERATIONS = (Role.HR_RESOURCE_PLANNING, Role.HEAD_OF_RESOURCING)
NOTIFIERS = (*HR_OPERATIONS, Role.DIVISIONAL_COMMANDER, Role.HEAD_OF_DEPARTMENT, Role.LINE_MANAGER)
#: 503: the ROI service, asked before every decision and move, cannot answer (fail closed).
DECISION_ERRORS = (403, 404, 409, 422, 503)


def _posting_command(
    runtime: Runtime,
    caller: Principal,
    headers: CommandRequest,
    body: Any,
    command: Callable[[CommandContext], Saved],
    *,
    created: bool = False,
) -> JSONResponse:
    return command_endpoint(
        runtime,
        caller,
        headers,
        body,
        command,
        lambda session, saved: posting_view(session, str(saved.id), caller),
        status_code=201 if created else 200,
        location=(lambda saved: f"/postings/{saved.id}") if created else None,
    )


def _decision(ctx: CommandContext, body: Any) -> dict[str, Any]:
    return {"principal": ctx.principal, "correlation_id": ctx.correlation_id, **body.model_dump()}


@router.post(
    "/redeployments",
    status_code=201,
    response_model=PostingOut,
    **guarded(Role.DIVISIONAL_COMMANDER, Role.HEAD_OF_DEPARTMENT, errors=DECISION_ERRORS),
)
def decide_redeployment(
    body: RedeploymentIn, caller: Caller, runtime: RuntimeDep, app: App, headers: CommandHeaders
) -> JSONResponse:
    """Re-deploy an officer within the decider's own division/department; no panel
    (L1800 3.6.1)."""
    return _posting_command(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.decide_redeployment(**_decision(ctx, body)),
        created=True,
    )


@router.post(
    "/compulsory",
    status_code=201,
    response_model=PostingOut,
    **guarded(*DELEGATE_ROLES, errors=DECISION_ERRORS),
)
def decide_compulsory(
    body: CompulsoryIn, caller: Caller, runtime: RuntimeDep, app: App, headers: CommandHeaders
) -> JSONResponse:
    """A compulsory / organisational-need posting by the Director of HR or a delegate naming
    their delegation: rationale fully documented, preferences sought or why not, reasoning
    for the officer, and the notice period (L1800 3.7.1-3.7.2)."""
    return _posting_command(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.decide_compulsory(**_decision(ctx, body)),
        created=True,
    )


@router.post(
    "/best-interests",
    status_code=201,
    response_model=PostingOut,
    **guarded(Role.HEAD_OF_RESOURCING, errors=DECISION_ERRORS),
)
def decide_best_interests(
    body: BestInterestsIn, caller: Caller, runtime: RuntimeDep, app: App, headers: CommandHeaders
) -> JSONResponse:
    """A posting in the best interests of the individual or organisation, documented and
    approved by the Head of Resourcing (L1800 3.7.3)."""
    return _posting_command(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.decide_best_interests(**_decision(ctx, body)),
        created=True,
    )


@router.post(
    "/selections",
    status_code=201,
    response_model=PostingOut,
    **guarded(Role.LINE_MANAGER, Role.HR_RESOURCE_PLANNING, errors=DECISION_ERRORS),
)
def decide_selection(
    body: SelectionIn, caller: Caller, runtime: RuntimeDep, app: App, headers: CommandHeaders
) -> JSONResponse:
    """An appointment decision at selection, confirmed in writing to the officer and their
    local SLT; HR Resource Planning is notified to agree the date (L1800 3.4.1)."""
    return _posting_command(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.decide_selection(**_decision(ctx, body)),
        created=True,
    )


@router.post(
    "/senior",
    status_code=201,
    response_model=PostingOut,
    **guarded(*DELEGATE_ROLES, errors=DECISION_ERRORS),
)
def decide_senior(
    body: SeniorIn, caller: Caller, runtime: RuntimeDep, app: App, headers: CommandHeaders
) -> JSONResponse:
    """A senior leadership posting (chief inspector and above) through the Director of HR
    (L1800 3.8)."""
    return _posting_command(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.decide_senior(**_decision(ctx, body)),
        created=True,
    )


@router.post(
    "/appointments/college",
    status_code=201,
    response_model=PostingOut,
    **guarded(Role.HR_RESOURCE_PLANNING, errors=DECISION_ERRORS),
)
def post_to_college(
    body: CollegePostingIn, caller: Caller, runtime: RuntimeDep, app: App, headers: CommandHeaders
) -> JSONResponse:
    """On appointment, every officer is posted to the police college (L1800 3.3.1)."""
    return _posting_command(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.post_to_college(**_decision(ctx, body)),
        created=True,
    )


@router.post(
    "/appointments/divisional",
    status_code=201,
    response_model=PostingOut,
    **guarded(Role.HR_RESOURCE_PLANNING, errors=DECISION_ERRORS),
)
def decide_divisional_posting(
    body: DivisionalPostingIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """After initial training, the divisional posting: organisational need, welfare
    requests considered, not the home town during probation (L1800 3.3.1)."""
    return _posting_command(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.decide_divisional_posting(**_decision(ctx, body)),
        created=True,
    )


@router.post(
    "/{posting_id}/date",
    response_model=PostingOut,
    **guarded(Role.HEAD_OF_RESOURCING, errors=DECISION_ERRORS),
)
def set_date_outside_sitting(
    posting_id: UUID,
    body: DateOutsideSittingIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """The Head of Resourcing sets a posting date outside the panel, in exceptional
    circumstances (L1800 3.4.2)."""
    return _posting_command(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.set_date_outside_sitting(
            principal=ctx.principal,
            correlation_id=ctx.correlation_id,
            posting_id=posting_id,
            expected_version=ctx.expected_version,
            **body.model_dump(),
        ),
    )


@router.post(
    "/{posting_id}/delay",
    response_model=PostingOut,
    **guarded(*HR_OPERATIONS, errors=DECISION_ERRORS),
)
def delay(
    posting_id: UUID,
    body: DelayIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """Delay a posting to meet organisational need (L1800 3.4.3)."""
    return _posting_command(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.delay(
            principal=ctx.principal,
            correlation_id=ctx.correlation_id,
            posting_id=posting_id,
            expected_version=ctx.expected_version,
            **body.model_dump(),
        ),
    )


@router.post(
    "/{posting_id}/notice-agreement",
    response_model=PostingOut,
    **guarded(Role.OFFICER, errors=DECISION_ERRORS),
)
def agree_shorter_notice(
    posting_id: UUID,
    body: NoticeAgreementIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """The officer records their agreement to a shorter notice period (L1800 3.7.2)."""
    return _posting_command(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.agree_shorter_notice(
            principal=ctx.principal,
            posting_id=posting_id,
            expected_version=ctx.expected_version,
            agreed_days=body.agreed_days,
        ),
    )


@router.post(
    "/{posting_id}/notifications",
    response_model=PostingOut,
    **guarded(*NOTIFIERS, errors=DECISION_ERRORS),
)
def notify_officer(
    posting_id: UUID,
    body: NotificationIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """Record what the officer (and others) were told: the written confirmation (3.4.1) or
    the reasoning for a compulsory posting (3.7.2). The appeal window starts at the first."""
    return _posting_command(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.notify_officer(
            principal=ctx.principal,
            posting_id=posting_id,
            expected_version=ctx.expected_version,
            **body.model_dump(),
        ),
    )


@router.post(
    "/{posting_id}/move",
    response_model=PostingOut,
    **guarded(
        Role.HR_RESOURCE_PLANNING,
        Role.DIVISIONAL_COMMANDER,
        Role.HEAD_OF_DEPARTMENT,
        errors=DECISION_ERRORS,
    ),
)
def move(
    posting_id: UUID,
    body: MoveIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """Take the posting into effect. The checks before a move (PDRs 3.1.4, restrictions
    3.2.2, notice 3.7.2) must pass; otherwise every reason is given and nothing changes."""
    return _posting_command(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.move(
            principal=ctx.principal,
            correlation_id=ctx.correlation_id,
            posting_id=posting_id,
            expected_version=ctx.expected_version,
            rationale=body.rationale,
        ),
    )


@router.post(
    "/{posting_id}/withdrawal",
    response_model=PostingOut,
    **guarded(
        *HR_OPERATIONS,
        Role.DIRECTOR_OF_HR,
        Role.DIVISIONAL_COMMANDER,
        Role.HEAD_OF_DEPARTMENT,
        errors=DECISION_ERRORS,
    ),
)
def withdraw(
    posting_id: UUID,
    body: MoveIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """Withdraw a posting before it takes effect, with rationale (L1800 3.1.1). A commander
    or head withdraws only their own re-deployments."""
    return _posting_command(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.withdraw(
            principal=ctx.principal,
            correlation_id=ctx.correlation_id,
            posting_id=posting_id,
            expected_version=ctx.expected_version,
            rationale=body.rationale,
        ),
    )


@router.get(
    "/{posting_id}", response_model=PostingOut, **guarded(*OFFICER_RECORD_READERS, errors=(404,))
)
def get_posting(posting_id: UUID, caller: Caller, runtime: RuntimeDep) -> JSONResponse:
    """One posting: officers see their own, divisional roles their division's."""
    with runtime.db.unit_of_work(write=False) as session:
        out = posting_view(session, str(posting_id), caller)
    return JSONResponse(out.model_dump(mode="json"), headers={"ETag": etag(out.version)})


@router.get("", response_model=Page[PostingOut], **guarded(*OFFICER_RECORD_READERS, errors=(422,)))
def list_postings(
    caller: Caller,
    runtime: RuntimeDep,
    paging: Paging,
    officer_id: Annotated[str | None, Query(max_length=80)] = None,
    division: Annotated[str | None, Query(max_length=80)] = None,
    kind: PostingKind | None = None,
    state: PostingState | None = None,
) -> Page[PostingOut]:
    """Postings, newest first (the posting plan with state=awaiting_date); officers get
    their own only, divisional roles their division's."""
    query = select(postings)
    if caller.role is Role.OFFICER:
        query = query.where(postings.c.officer_id == caller.officer_id)
    elif caller.role in DIVISIONAL_READERS and caller.role not in FORCE_WIDE_READERS:
        query = query.where(
            (postings.c.division == caller.division) | (postings.c.from_division == caller.division)
        )
    for column, value in (
        (postings.c.officer_id, officer_id),
        (postings.c.division, division),
        (postings.c.kind, kind.value if kind else None),
        (postings.c.state, state.value if state else None),
    ):
        if value:
            query = query.where(column == value)
    with runtime.db.unit_of_work(write=False) as session:
        return fetch_page(
            session,
            query,
            order_by=[postings.c.decided_seq.desc()],
            paging=paging,
            convert=lambda row: posting_out(row, caller),
        )
