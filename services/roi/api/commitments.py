"""Officers' commitments after designated courses, early releases, and the question
postings asks before a move: is this officer bound by an ROI on that day, and why
(L1800 3.9)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal
from uuid import UUID

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import select

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
from services.roi.commands import (
    Complete,
    EndCommitment,
    Enrol,
    MakeLocalCase,
    RecordNotice,
    ReleaseByPanel,
    SignOffLocalRelease,
)
from services.roi.domain.rules.s3_9_roi import add_months
from services.roi.projections.tables import commitments
from shared import lengths
from shared.api.pagination import Page, Paging, fetch_page
from shared.api.routes import CommandRoute, QueryRoute, Reading, build, build_router
from shared.api.schemas import Day, OfficerIdPath
from shared.errors import NotPermitted
from shared.handling import Command, Saved
from shared.roles import HR_ROLES, Role

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
COMMITMENT_ID = {"commitment_id": UUID}


def _commitment(ctx: Reading, saved: Saved) -> CommitmentOut:
    return commitment_out(commitment_row(ctx.session, str(saved.id)))


def get_commitment(ctx: Reading, commitment_id: UUID) -> CommitmentOut:
    out = commitment_out(commitment_row(ctx.session, str(commitment_id)))
    if ctx.caller.role is Role.OFFICER and not ctx.caller.is_officer(out.officer_id):
        raise NotPermitted("officers see only their own commitments")
    return out


def list_commitments(
    ctx: Reading,
    paging: Paging,
    ending_within_months: Annotated[int | None, Query(ge=0, le=60)] = None,
    released: bool | None = None,
    state: Literal["enrolled", "completed", "withdrawn", "not_completed"] | None = None,
) -> Page[CommitmentOut]:
    query = select(commitments)
    if state is not None:
        query = query.where(commitments.c.state == state)
    if ending_within_months is not None:
        today = ctx.today
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
    return fetch_page(
        ctx.session,
        query,
        order_by=[commitments.c.period_ends_on, commitments.c.id],
        paging=paging,
        convert=commitment_out,
    )


def officer_commitments(ctx: Reading, officer_id: OfficerIdPath) -> list[CommitmentOut]:
    if ctx.caller.role is Role.OFFICER and not ctx.caller.is_officer(officer_id):
        raise NotPermitted("officers see only their own commitments")
    return commitments_of(ctx.session, officer_id)


def roi_status(
    ctx: Reading,
    officer_id: OfficerIdPath,
    on: Day,
    to_location: Annotated[str | None, Query(max_length=lengths.CODE)] = None,
) -> RoiAnswer:
    if ctx.caller.role is Role.OFFICER and not ctx.caller.is_officer(officer_id):
        raise NotPermitted("officers see only their own ROI status")
    return roi_answer(ctx.session, officer_id, on, to_location)


def _on_commitment(
    path: str,
    name: str,
    doc: str,
    roles: tuple[Role, ...],
    body: type[BaseModel],
    make: Callable[..., Command],
) -> CommandRoute:
    """A command on one commitment, answered with the commitment as stored."""
    return CommandRoute(
        "POST",
        path,
        name=name,
        doc=doc,
        roles=roles,
        body=body,
        path_params=COMMITMENT_ID,
        record=lambda command: command.commitment_id,
        make=make,
        answer=_commitment,
        response_model=CommitmentOut,
        errors=ERRORS,
    )


router = build_router(
    tags=["commitments"],
    routes=[
        CommandRoute(
            "POST",
            "/commitments",
            name="enrol",
            doc="""Enrol an officer on a designated course (the designation's period applies);
            one live commitment per officer and course.""",
            roles=RECORDERS,
            body=EnrolmentIn,
            make=build(Enrol),
            answer=_commitment,
            response_model=CommitmentOut,
            created=True,
            location=lambda saved, _: f"/commitments/{saved.id}",
            errors=ERRORS,
        ),
        _on_commitment(
            "/commitments/{commitment_id}/notice",
            "record_notice",
            """Record when the officer was told of the ROI requirement; told on or after the
            first day, the commitment is kept, flagged and does not bind (L1800 3.9.2).""",
            RECORDERS,
            NoticeIn,
            build(RecordNotice),
        ),
        _on_commitment(
            "/commitments/{commitment_id}/completion",
            "complete",
            "The course was completed: the ROI period runs from its end date (L1800 3.9.2).",
            RECORDERS,
            CompletionIn,
            build(Complete),
        ),
        _on_commitment(
            "/commitments/{commitment_id}/ending",
            "end",
            "Withdrawn or not completed, with rationale: no ROI period follows.",
            RECORDERS,
            EndingIn,
            build(EndCommitment),
        ),
        _on_commitment(
            "/commitments/{commitment_id}/release",
            "release_by_panel",
            """The Force Resourcing Panel releases the officer early for one move, in
            exceptional operational circumstances (L1800 3.9.3).""",
            (Role.FORCE_RESOURCING_PANEL,),
            ReleaseIn,
            build(ReleaseByPanel),
        ),
        _on_commitment(
            "/commitments/{commitment_id}/local-case",
            "make_local_case",
            "The Head of Department makes the case for a local move before the period ends.",
            (Role.HEAD_OF_DEPARTMENT,),
            ReleaseIn,
            build(MakeLocalCase),
        ),
        _on_commitment(
            "/commitments/{commitment_id}/local-release",
            "sign_off_local_release",
            "The Head of Resourcing signs off the Head of Department's case (L1800 3.9.3).",
            (Role.HEAD_OF_RESOURCING,),
            SignOffIn,
            build(SignOffLocalRelease),
        ),
        QueryRoute(
            "/commitments/{commitment_id}",
            doc="One commitment (officers: their own).",
            roles=(*READERS, Role.OFFICER),
            read=get_commitment,
            response_model=CommitmentOut,
            errors=(404,),
            tagged=True,
        ),
        QueryRoute(
            "/commitments",
            doc="""Commitments by the end of their period; ``ending_within_months`` for those
            ending soon, ``released=true`` for the early releases granted (monitoring),
            ``state=enrolled`` for those awaiting the course's completion (the HR-system
            integration).""",
            roles=READERS,
            read=list_commitments,
            response_model=Page[CommitmentOut],
            errors=(422,),
        ),
        QueryRoute(
            "/officers/{officer_id}/commitments",
            doc="An officer's commitments (officers: their own).",
            roles=(*READERS, Role.OFFICER),
            read=officer_commitments,
            response_model=list[CommitmentOut],
        ),
        QueryRoute(
            "/officers/{officer_id}/roi-status",
            doc="""Is the officer bound by an ROI on ``on`` for a move to ``to_location``, and
            why: the commitments, their periods and any release. Postings asks this before
            a move.""",
            roles=(Role.SERVICE, *READERS, Role.OFFICER),
            read=roi_status,
            response_model=RoiAnswer,
            # Asked before every decision: one indexed read (ADR 0037).
            inline=True,
            errors=(422,),
        ),
    ],
)
