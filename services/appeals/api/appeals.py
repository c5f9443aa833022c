"""Appeals against posting decisions (L1800 3.10.1): lodged by the officer or a Command Team
member, assigned by the Head of Resourcing, decided finally by the person assigned."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal
from uuid import UUID

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import func, select

from services.appeals.api.schemas import (
    AppealOut,
    AssignIn,
    ItemIn,
    LatePermissionIn,
    LatePermissionOut,
    LodgeIn,
    OutcomeCount,
    OutcomeIn,
)
from services.appeals.api.views import OVERSEERS, appeal_out, appeal_view
from services.appeals.commands import (
    AddToAppeal,
    AssignHearer,
    DecideAppeal,
    GrantLatePermission,
    LodgeAppeal,
    WithdrawAppeal,
)
from services.appeals.domain.late_permission import LatePermission
from services.appeals.projections.tables import appeals
from shared.api.pagination import Page, Paging, fetch_page
from shared.api.routes import CommandRoute, QueryRoute, Reading, build, build_router
from shared.handling import Command, Saved
from shared.roles import Role

APPELLANTS = (Role.OFFICER, Role.COMMAND_TEAM)
#: Who may be assigned to hear an appeal 'at the appropriate level'.
HEARERS = (
    Role.DIRECTOR_OF_HR,
    Role.HEAD_OF_RESOURCING,
    Role.HR_POLICY_OWNER,
    Role.DIVISIONAL_COMMANDER,
    Role.HEAD_OF_DEPARTMENT,
    Role.COMMAND_TEAM,
)
READERS = (*APPELLANTS, *HEARERS, *OVERSEERS)
APPEAL_ID = {"appeal_id": UUID}


def _appeal(ctx: Reading, saved: Saved) -> AppealOut:
    return appeal_view(ctx.session, str(saved.id), ctx.caller, ctx.today)


def _late_permission(ctx: Reading, saved: Saved) -> LatePermissionOut:
    permission = ctx.runtime.application.load(saved.id, LatePermission, what="late permission")
    return LatePermissionOut(
        id=str(saved.id),
        posting_id=str(permission.posting_id),
        appellant_id=permission.appellant_id,
    )


def outcomes_by_kind(ctx: Reading) -> list[OutcomeCount]:
    rows = ctx.session.execute(
        select(appeals.c.posting_kind, appeals.c.outcome, func.count())
        .where(appeals.c.state == "decided")
        .group_by(appeals.c.posting_kind, appeals.c.outcome)
        .order_by(appeals.c.posting_kind, appeals.c.outcome)
    ).all()
    return [OutcomeCount(posting_kind=k, outcome=o, appeals=n) for k, o, n in rows]


def get_appeal(ctx: Reading, appeal_id: UUID) -> AppealOut:
    return appeal_view(ctx.session, str(appeal_id), ctx.caller, ctx.today)


def list_appeals(
    ctx: Reading,
    paging: Paging,
    awaiting: Annotated[Literal["assignment", "outcome"] | None, Query()] = None,
) -> Page[AppealOut]:
    caller = ctx.caller
    query = select(appeals)
    if caller.role not in OVERSEERS:
        # As may_see has it: officers by officer id, staff by subject, never across.
        if caller.role is Role.OFFICER:
            query = query.where(
                (appeals.c.officer_id == caller.person_id)
                | (
                    (appeals.c.appellant_id == caller.person_id)
                    & (appeals.c.appellant_role == Role.OFFICER.value)
                )
            )
        else:
            query = query.where(
                (
                    (appeals.c.appellant_id == caller.person_id)
                    & (appeals.c.appellant_role != Role.OFFICER.value)
                )
                | (appeals.c.hearer_id == caller.person_id)
            )
    if awaiting == "assignment":
        query = query.where(appeals.c.state == "lodged")
    elif awaiting == "outcome":
        query = query.where(appeals.c.state == "assigned")
    today = ctx.today
    return fetch_page(
        ctx.session,
        query,
        order_by=[appeals.c.lodged_seq, appeals.c.id],
        paging=paging,
        convert=lambda row: appeal_out(row, today),
    )


def _on_appeal(
    path: str,
    name: str,
    doc: str,
    roles: tuple[Role, ...],
    make: Callable[..., Command],
    *,
    body: type[BaseModel] | None = None,
    errors: tuple[int, ...] = (404, 409, 422),
) -> CommandRoute:
    """A command on one appeal, answered with the appeal as stored."""
    return CommandRoute(
        "POST",
        path,
        name=name,
        doc=doc,
        roles=roles,
        body=body,
        path_params=APPEAL_ID,
        make=make,
        answer=_appeal,
        response_model=AppealOut,
        errors=errors,
        record=lambda command: command.appeal_id,
    )


router = build_router(
    prefix="/appeals",
    tags=["appeals"],
    routes=[
        CommandRoute(
            "POST",
            "",
            name="lodge",
            doc="""Appeal a posting decision in writing, with grounds, within 14 days of its
            notification (Europe/London calendar days; day 14 is in time) (L1800 3.10.1). A
            decision appeals has not seen yet gets a retryable 409.""",
            roles=APPELLANTS,
            body=LodgeIn,
            make=build(LodgeAppeal),
            answer=_appeal,
            response_model=AppealOut,
            created=True,
            location=lambda saved, _: f"/appeals/{saved.id}",
            errors=(404, 409, 422),
        ),
        CommandRoute(
            "POST",
            "/late-permissions",
            name="grant_late_permission",
            doc="""An HR policy owner allows one appellant's late appeal against one
            decision, with clear rationale (L1 2.4).""",
            roles=(Role.HR_POLICY_OWNER,),
            body=LatePermissionIn,
            make=build(GrantLatePermission),
            answer=_late_permission,
            response_model=LatePermissionOut,
            created=True,
        ),
        _on_appeal(
            "/{appeal_id}/assignment",
            "assign",
            """Arrange for the appeal to be heard at the appropriate level; never by the
            person who made the posting decision (L1800 3.10.1).""",
            (Role.HEAD_OF_RESOURCING,),
            build(AssignHearer),
            body=AssignIn,
        ),
        _on_appeal(
            "/{appeal_id}/evidence",
            "add_evidence",
            "Further evidence, from the Head of Resourcing or the person hearing the appeal.",
            HEARERS,
            build(AddToAppeal, kind="evidence"),
            body=ItemIn,
            errors=(403, 404, 409, 422),
        ),
        _on_appeal(
            "/{appeal_id}/submissions",
            "add_submission",
            "The appellant's written submissions.",
            APPELLANTS,
            build(AddToAppeal, kind="submission"),
            body=ItemIn,
            errors=(403, 404, 409, 422),
        ),
        _on_appeal(
            "/{appeal_id}/outcome",
            "decide",
            "Uphold or dismiss, with rationale: only the person assigned; final (L1800 3.10.1).",
            HEARERS,
            build(DecideAppeal),
            body=OutcomeIn,
            errors=(403, 404, 409, 422),
        ),
        _on_appeal(
            "/{appeal_id}/withdrawal",
            "withdraw",
            "The appellant withdraws the appeal before its outcome.",
            APPELLANTS,
            build(WithdrawAppeal),
            errors=(403, 404, 409, 422),
        ),
        QueryRoute(
            "/monitoring",
            doc="Appeal outcomes by kind of posting, for monitoring (L1800 7.1).",
            roles=(Role.HEAD_OF_RESOURCING, Role.DIRECTOR_OF_HR, Role.AUDITOR),
            read=outcomes_by_kind,
            response_model=list[OutcomeCount],
            expensive=True,
        ),
        QueryRoute(
            "/{appeal_id}",
            doc="One appeal: the appellant, the officer concerned, the hearer, HR roles and "
            "auditors.",
            roles=READERS,
            read=get_appeal,
            response_model=AppealOut,
            errors=(404,),
            tagged=True,
        ),
        QueryRoute(
            "",
            doc="""Appeals in the order lodged: awaiting assignment or outcome (with their
            age) for the Head of Resourcing; appellants see their own, hearers those
            assigned to them.""",
            roles=READERS,
            read=list_appeals,
            response_model=Page[AppealOut],
            errors=(422,),
        ),
    ],
)
