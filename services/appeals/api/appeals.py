"""Appeals against posting decisions (L1800 3.10.1): lodged by the officer or a Command Team
member, assigned by the Head of Resourcing, decided finally by the person assigned."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.appeals.api.deps import App
from services.appeals.application import Saved
from services.appeals.projections.tables import appeal_items, appeals
from shared.api.commands import (
    CommandContext,
    CommandHeaders,
    CommandRequest,
    command_endpoint,
    etag,
)
from shared.api.pagination import Page, Paging, fetch_page
from shared.api.schemas import Code, Rationale, Text
from shared.api.security import Caller, RuntimeDep, guarded
from shared.clock import london_date
from shared.errors import NotFound, NotPermitted
from shared.identity import Principal
from shared.roles import HR_ROLES, Role
from shared.runtime import Runtime

router = APIRouter(prefix="/appeals", tags=["appeals"])

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
OVERSEERS = frozenset({*HR_ROLES, Role.AUDITOR})
ERRORS = (404, 409, 422)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LodgeIn(_In):
    posting_id: UUID
    grounds: Text


class LatePermissionIn(_In):
    posting_id: UUID
    appellant_id: Code
    rationale: Rationale


class AssignIn(_In):
    hearer_id: Code
    level: Text
    rationale: Rationale


class ItemIn(_In):
    content: Text


class OutcomeIn(_In):
    outcome: Literal["upheld", "dismissed"]
    rationale: Rationale


class ItemOut(BaseModel):
    kind: str
    content: str
    added_by: str
    added_at: datetime


class AppealOut(BaseModel):
    id: str
    posting_id: str
    posting_kind: str
    officer_id: str
    appellant_id: str
    appellant_role: str
    grounds: str
    lodged_at: datetime
    deadline: date | None
    late_exception: bool
    state: str
    hearer_id: str | None
    level: str | None
    outcome: str | None
    outcome_rationale: str | None
    decided_at: datetime | None
    age_days: int
    items: list[ItemOut] = []
    version: int


class LatePermissionOut(BaseModel):
    id: str
    posting_id: str
    appellant_id: str


class OutcomeCount(BaseModel):
    posting_kind: str
    outcome: str
    appeals: int


def _may_see(caller: Principal, row: dict[str, Any]) -> bool:
    return (
        caller.role in OVERSEERS
        or caller.subject in (row["appellant_id"], row["hearer_id"])
        or caller.is_officer(row["officer_id"])
    )


def _out(row: dict[str, Any], today: date, items: list[ItemOut] | None = None) -> AppealOut:
    values = dict(row)
    values.pop("lodged_seq", None)
    values.pop("assigned_at", None)
    values["age_days"] = (today - london_date(values["lodged_at"])).days
    values["items"] = items or []
    return AppealOut.model_validate(values)


def appeal_view(session: Session, appeal_id: str, caller: Principal, today: date) -> AppealOut:
    row = session.execute(select(appeals).where(appeals.c.id == appeal_id)).first()
    if row is None:
        raise NotFound(f"appeal {appeal_id} not found")
    values = row._asdict()
    if not _may_see(caller, values):
        raise NotPermitted("you may not see this appeal")
    items = [
        ItemOut.model_validate(r._asdict())
        for r in session.execute(
            select(
                appeal_items.c.kind,
                appeal_items.c.content,
                appeal_items.c.added_by,
                appeal_items.c.added_at,
            )
            .where(appeal_items.c.appeal_id == appeal_id)
            .order_by(appeal_items.c.id)
        )
    ]
    return _out(values, today, items)


def _respond(
    runtime: Runtime,
    caller: Principal,
    headers: CommandRequest,
    body: BaseModel | None,
    command: Callable[[CommandContext], Saved],
    *,
    created: bool = False,
) -> JSONResponse:
    today = london_date(runtime.clock.now())
    return command_endpoint(
        runtime,
        caller,
        headers,
        body,
        command,
        lambda session, saved: appeal_view(session, str(saved.id), caller, today),
        status_code=201 if created else 200,
        location=(lambda saved: f"/appeals/{saved.id}") if created else None,
    )


@router.post("", status_code=201, response_model=AppealOut, **guarded(*APPELLANTS, errors=ERRORS))
def lodge(
    body: LodgeIn, caller: Caller, runtime: RuntimeDep, app: App, headers: CommandHeaders
) -> JSONResponse:
    """Appeal a posting decision in writing, with grounds, within 14 days of its
    notification (Europe/London calendar days; day 14 is in time) (L1800 3.10.1). A
    decision appeals has not seen yet gets a retryable 409."""
    return _respond(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.lodge(
            principal=ctx.principal, posting_id=body.posting_id, grounds=body.grounds
        ),
        created=True,
    )


@router.post(
    "/late-permissions",
    status_code=201,
    response_model=LatePermissionOut,
    **guarded(Role.HR_POLICY_OWNER, errors=ERRORS),
)
def grant_late_permission(
    body: LatePermissionIn, caller: Caller, runtime: RuntimeDep, app: App, headers: CommandHeaders
) -> JSONResponse:
    """An HR policy owner allows one appellant's late appeal against one decision, with
    clear rationale (L1 2.4)."""
    return command_endpoint(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.grant_late_permission(
            principal=ctx.principal, correlation_id=ctx.correlation_id, **body.model_dump()
        ),
        lambda _, saved: LatePermissionOut(
            id=str(saved.id), posting_id=str(body.posting_id), appellant_id=body.appellant_id
        ),
        status_code=201,
    )


@router.post(
    "/{appeal_id}/assignment",
    response_model=AppealOut,
    **guarded(Role.HEAD_OF_RESOURCING, errors=ERRORS),
)
def assign(
    appeal_id: UUID,
    body: AssignIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """Arrange for the appeal to be heard at the appropriate level; never by the person who
    made the posting decision (L1800 3.10.1)."""
    return _respond(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.assign(
            principal=ctx.principal,
            correlation_id=ctx.correlation_id,
            appeal_id=appeal_id,
            expected_version=ctx.expected_version,
            **body.model_dump(),
        ),
    )


@router.post("/{appeal_id}/evidence", response_model=AppealOut, **guarded(*HEARERS, errors=ERRORS))
def add_evidence(
    appeal_id: UUID,
    body: ItemIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """Further evidence, from the Head of Resourcing or the person hearing the appeal."""
    return _respond(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.add(
            principal=ctx.principal, appeal_id=appeal_id, kind="evidence", content=body.content
        ),
    )


@router.post(
    "/{appeal_id}/submissions", response_model=AppealOut, **guarded(*APPELLANTS, errors=ERRORS)
)
def add_submission(
    appeal_id: UUID,
    body: ItemIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """The appellant's written submissions."""
    return _respond(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.add(
            principal=ctx.principal, appeal_id=appeal_id, kind="submission", content=body.content
        ),
    )


@router.post(
    "/{appeal_id}/outcome", response_model=AppealOut, **guarded(*HEARERS, errors=(403, *ERRORS))
)
def decide(
    appeal_id: UUID,
    body: OutcomeIn,
    caller: Caller,
    runtime: RuntimeDep,
    app: App,
    headers: CommandHeaders,
) -> JSONResponse:
    """Uphold or dismiss, with rationale: only the person assigned; final (L1800 3.10.1)."""
    return _respond(
        runtime,
        caller,
        headers,
        body,
        lambda ctx: app.decide(
            principal=ctx.principal,
            correlation_id=ctx.correlation_id,
            appeal_id=appeal_id,
            expected_version=ctx.expected_version,
            **body.model_dump(),
        ),
    )


@router.post(
    "/{appeal_id}/withdrawal",
    response_model=AppealOut,
    **guarded(*APPELLANTS, errors=(403, *ERRORS)),
)
def withdraw(
    appeal_id: UUID, caller: Caller, runtime: RuntimeDep, app: App, headers: CommandHeaders
) -> JSONResponse:
    """The appellant withdraws the appeal before its outcome."""
    return _respond(
        runtime,
        caller,
        headers,
        None,
        lambda ctx: app.withdraw(
            principal=ctx.principal, appeal_id=appeal_id, expected_version=ctx.expected_version
        ),
    )


@router.get(
    "/monitoring",
    response_model=list[OutcomeCount],
    **guarded(Role.HEAD_OF_RESOURCING, Role.DIRECTOR_OF_HR, Role.AUDITOR, expensive=True),
)
def outcomes_by_kind(runtime: RuntimeDep) -> list[OutcomeCount]:
    """Appeal outcomes by kind of posting, for monitoring (L1800 7.1)."""
    with runtime.db.unit_of_work(write=False) as session:
        rows = session.execute(
            select(appeals.c.posting_kind, appeals.c.outcome, func.count())
            .where(appeals.c.state == "decided")
            .group_by(appeals.c.posting_kind, appeals.c.outcome)
            .order_by(appeals.c.posting_kind, appeals.c.outcome)
        ).all()
    return [OutcomeCount(posting_kind=k, outcome=o, appeals=n) for k, o, n in rows]


@router.get(
    "/{appeal_id}",
    response_model=AppealOut,
    **guarded(*APPELLANTS, *HEARERS, *OVERSEERS, errors=(404,)),
)
def get_appeal(appeal_id: UUID, caller: Caller, runtime: RuntimeDep) -> JSONResponse:
    """One appeal: the appellant, the officer concerned, the hearer, HR roles and auditors."""
    with runtime.db.unit_of_work(write=False) as session:
        out = appeal_view(session, str(appeal_id), caller, london_date(runtime.clock.now()))
    return JSONResponse(out.model_dump(mode="json"), headers={"ETag": etag(out.version)})


@router.get(
    "", response_model=Page[AppealOut], **guarded(*APPELLANTS, *HEARERS, *OVERSEERS, errors=(422,))
)
def list_appeals(
    caller: Caller,
    runtime: RuntimeDep,
    paging: Paging,
    awaiting: Annotated[Literal["assignment", "outcome"] | None, Query()] = None,
) -> Page[AppealOut]:
    """Appeals in the order lodged: awaiting assignment or outcome (with their age) for the
    Head of Resourcing; appellants see their own, hearers those assigned to them."""
    query = select(appeals)
    if caller.role not in OVERSEERS:
        query = query.where(
            (appeals.c.appellant_id == caller.subject)
            | (appeals.c.hearer_id == caller.subject)
            | (appeals.c.officer_id == (caller.officer_id or ""))
        )
    if awaiting == "assignment":
        query = query.where(appeals.c.state == "lodged")
    elif awaiting == "outcome":
        query = query.where(appeals.c.state == "assigned")
    today = london_date(runtime.clock.now())
    with runtime.db.unit_of_work(write=False) as session:
        return fetch_page(
            session,
            query,
            order_by=[appeals.c.lodged_seq],
            paging=paging,
            convert=lambda row: _out(row, today),
        )
