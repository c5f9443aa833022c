"""Officers' commitments after designated courses, early releases, and the question
postings asks before a move: is this officer bound by an ROI on that day, and why
(L1800 3.9)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.roi.api.deps import App
from services.roi.api.schemas import (
    CommitmentOut,
    CompletionIn,
    EndingIn,
    EnrolmentIn,
    NoticeIn,
    ReleaseIn,
    RoiAnswer,
    SignOffIn,
)
from services.roi.api.views import commitment_out, commitment_row, commitments_of, roi_answer
from services.roi.application import Saved
from services.roi.domain.rules import add_months
from services.roi.projections.tables import commitments
from shared.api.commands import (
    CommandContext,
    CommandHeaders,
    CommandRequest,
    SavedRecord,
    command_endpoint,
    etag,
)
from shared.api.pagination import Page, Paging, fetch_page
from shared.api.security import Caller, RuntimeDep, guarded
from shared.clock import london_date
from shared.errors import NotPermitted
from shared.identity import Principal
from shared.roles import HR_ROLES, Role
from shared.runtime import Runtime

router = APIRouter(tags=["commitments"])

RECORDERS = (Role.HR_RESOURCE_PLANNING, Role.HEAD_OF_L_AND_D, Role.INTEGRATION)
#: The HR-system integration reads which commitments await a course completion.
READERS = (
    *HR_ROLES,
    Role.HEAD_OF_L_AND_D,
    Role.FORCE_RESOURCING_PANEL,
    Role.AUDITOR,
    Role.INTEGRATION,
)
ERRORS = (404, 409, 422)


def _view(session: Session, saved: SavedRecord) -> CommitmentOut:
    return commitment_out(commitment_row(session, str(saved.id)))


def _command(
    runtime: Runtime,
    caller: Principal,
    headers: CommandRequest,
    body: object,
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
        _view,
        status_code=201 if created else 200,
        location=(lambda saved: f"/commitments/{saved.id}") if created else None,
    )


@router.post(
    "/commitments",
    status_code=201,
    response_model=CommitmentOut,
    **guarded(*RECORDERS, errors=ERRORS),
)
def enrol(
    body: EnrolmentIn, caller: Caller, runtime: RuntimeDep, app: App, headers: CommandHeaders
) -> JSONResponse:
    """Enrol an officer on a designated course (the designation's period applies)."""
    return _command(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.enrol(principal=ctx.principal, **body.model_dump()),
        created=True,
    )


@router.post(
    "/commitments/{commitment_id}/notice",
    response_model=CommitmentOut,
    **guarded(*RECORDERS, errors=ERRORS),
)
def record_notice(
    commitment_id: UUID,
    body: NoticeIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """Record when the officer was told of the ROI requirement; told on or after the first
    day, the commitment is kept, flagged and does not bind (L1800 3.9.2)."""
    return _command(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.record_notice(
            principal=ctx.principal,
            commitment_id=commitment_id,
            expected_version=ctx.expected_version,
            notified_on=body.notified_on,
        ),
    )


@router.post(
    "/commitments/{commitment_id}/completion",
    response_model=CommitmentOut,
    **guarded(*RECORDERS, errors=ERRORS),
)
def complete(
    commitment_id: UUID,
    body: CompletionIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """The course was completed: the ROI period runs from its end date (L1800 3.9.2)."""
    return _command(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.complete(
            principal=ctx.principal,
            commitment_id=commitment_id,
            expected_version=ctx.expected_version,
            completed_on=body.completed_on,
        ),
    )


@router.post(
    "/commitments/{commitment_id}/ending",
    response_model=CommitmentOut,
    **guarded(*RECORDERS, errors=ERRORS),
)
def end(
    commitment_id: UUID,
    body: EndingIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """Withdrawn or not completed, with rationale: no ROI period follows."""
    return _command(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.end(
            principal=ctx.principal,
            correlation_id=ctx.correlation_id,
            commitment_id=commitment_id,
            expected_version=ctx.expected_version,
            reason=body.reason,
            rationale=body.rationale,
        ),
    )


@router.post(
    "/commitments/{commitment_id}/release",
    response_model=CommitmentOut,
    **guarded(Role.FORCE_RESOURCING_PANEL, errors=ERRORS),
)
def release_by_panel(
    commitment_id: UUID,
    body: ReleaseIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """The Force Resourcing Panel releases the officer early for one move, in exceptional
    operational circumstances (L1800 3.9.3)."""
    return _command(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.release_by_panel(
            principal=ctx.principal,
            correlation_id=ctx.correlation_id,
            commitment_id=commitment_id,
            **body.model_dump(),
        ),
    )


@router.post(
    "/commitments/{commitment_id}/local-case",
    response_model=CommitmentOut,
    **guarded(Role.HEAD_OF_DEPARTMENT, errors=ERRORS),
)
def make_local_case(
    commitment_id: UUID,
    body: ReleaseIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """The Head of Department makes the case for a local move before the period ends."""
    return _command(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.make_local_case(
            principal=ctx.principal,
            correlation_id=ctx.correlation_id,
            commitment_id=commitment_id,
            **body.model_dump(),
        ),
    )


@router.post(
    "/commitments/{commitment_id}/local-release",
    response_model=CommitmentOut,
    **guarded(Role.HEAD_OF_RESOURCING, errors=ERRORS),
)
def sign_off_local_release(
    commitment_id: UUID,
    body: SignOffIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """The Head of Resourcing signs off the Head of Department's case (L1800 3.9.3)."""
    return _command(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.sign_off_local_release(
            principal=ctx.principal,
            correlation_id=ctx.correlation_id,
            commitment_id=commitment_id,
            rationale=body.rationale,
        ),
    )


@router.get(
    "/commitments/{commitment_id}",
    response_model=CommitmentOut,
    **guarded(*READERS, Role.OFFICER, errors=(404,)),
)
def get_commitment(commitment_id: UUID, caller: Caller, runtime: RuntimeDep) -> JSONResponse:
    """One commitment (officers: their own)."""
    with runtime.db.unit_of_work(write=False) as session:
        out = commitment_out(commitment_row(session, str(commitment_id)))
    if caller.role is Role.OFFICER and not caller.is_officer(out.officer_id):
        raise NotPermitted("officers see only their own commitments")
    return JSONResponse(out.model_dump(mode="json"), headers={"ETag": etag(out.version)})


@router.get("/commitments", response_model=Page[CommitmentOut], **guarded(*READERS, errors=(422,)))
def list_commitments(
    runtime: RuntimeDep,
    paging: Paging,
    ending_within_months: Annotated[int | None, Query(ge=0, le=60)] = None,
    released: bool | None = None,
    state: Literal["enrolled", "completed", "withdrawn", "not_completed"] | None = None,
) -> Page[CommitmentOut]:
    """Commitments by the end of their period; ``ending_within_months`` for those ending
    soon, ``released=true`` for the early releases granted (monitoring), ``state=enrolled``
    for those awaiting the course's completion (the HR-system integration)."""
    query = select(commitments)
    if state is not None:
        query = query.where(commitments.c.state == state)
    if ending_within_months is not None:
        today = london_date(runtime.clock.now())
        query = query.where(
            commitments.c.period_ends_on >= today,
            commitments.c.period_ends_on <= add_months(today, ending_within_months),
        )
    if released is not None:
        query = query.where(
            commitments.c.released_for.is_not(None)
            if released
            else commitments.c.released_for.is_(None)
        )
    with runtime.db.unit_of_work(write=False) as session:
        return fetch_page(
            session,
            query,
            order_by=[commitments.c.period_ends_on, commitments.c.id],
            paging=paging,
            convert=commitment_out,
        )


@router.get(
    "/officers/{officer_id}/commitments",
    response_model=list[CommitmentOut],
    **guarded(*READERS, Role.OFFICER),
)
def officer_commitments(
    officer_id: str, caller: Caller, runtime: RuntimeDep
) -> list[CommitmentOut]:
    """An officer's commitments (officers: their own)."""
    if caller.role is Role.OFFICER and not caller.is_officer(officer_id):
        raise NotPermitted("officers see only their own commitments")
    with runtime.db.unit_of_work(write=False) as session:
        return commitments_of(session, officer_id)


@router.get(
    "/officers/{officer_id}/roi-status",
    response_model=RoiAnswer,
    **guarded(Role.SERVICE, *READERS, Role.OFFICER, errors=(422,)),
)
def roi_status(
    officer_id: str,
    caller: Caller,
    runtime: RuntimeDep,
    on: date,
    to_location: Annotated[str | None, Query(max_length=80)] = None,
) -> RoiAnswer:
    """Is the officer bound by an ROI on ``on`` for a move to ``to_location``, and why: the
    commitments, their periods and any release. Postings asks this before a move."""
    if caller.role is Role.OFFICER and not caller.is_officer(officer_id):
        raise NotPermitted("officers see only their own ROI status")
    with runtime.db.unit_of_work(write=False) as session:
        return roi_answer(session, officer_id, on, to_location)
