"""Posting decisions of each kind, and what follows them: the date, notice, notification
to the officer and the move itself."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import select

from services.postings.api.access import (
    DELEGATES,
    DIRECTOR,
    DIVISIONAL_READERS,
    FORCE_WIDE_READERS,
    OFFICER_RECORD_READERS,
)
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
from services.postings.commands import (
    AgreeShorterNotice,
    CompulsoryTerms,
    DecideBestInterests,
    DecideCompulsory,
    DecideDivisionalPosting,
    DecideRedeployment,
    DecideSelection,
    DecideSenior,
    DelayPosting,
    MoveOfficer,
    NotifyOfficer,
    Placement,
    PostToCollege,
    SelectionTerms,
    SetDateOutsideSitting,
    WithdrawPosting,
)
from services.postings.domain.kinds import PostingKind, PostingState
from services.postings.projections.tables import postings
from shared import lengths
from shared.api.pagination import Page, Paging, fetch_page
from shared.api.routes import CommandRoute, QueryRoute, Reading, build, build_router
from shared.errors import NotFound
from shared.handling import Command, Saved
from shared.roles import Role

HR_OPERATIONS = (Role.HR_RESOURCE_PLANNING, Role.HEAD_OF_RESOURCING)
NOTIFIERS = (*HR_OPERATIONS, Role.DIVISIONAL_COMMANDER, Role.HEAD_OF_DEPARTMENT, Role.LINE_MANAGER)
#: 503: the ROI service, asked before every decision and move, cannot answer (fail closed).
DECISION_ERRORS = (403, 404, 409, 422, 503)
POSTING_ID = {"posting_id": UUID}


def _placement(body: Any, *, date_field: str = "likely_posting_date") -> Placement:
    return Placement(
        officer_id=body.officer_id,
        to_location=body.to_location,
        likely_posting_date=getattr(body, date_field),
        rationale=body.rationale,
        travel_justification=getattr(body, "travel_justification", None),
        welfare_consideration=getattr(body, "welfare_consideration", None),
    )


def _compulsory_terms(body: CompulsoryIn | SeniorIn) -> CompulsoryTerms:
    return CompulsoryTerms(
        reasoning_for_officer=body.reasoning_for_officer,
        preferences=body.preferences,
        preferences_not_sought_because=body.preferences_not_sought_because,
    )


def _selection_terms(body: SelectionIn | SeniorIn) -> SelectionTerms:
    return SelectionTerms(
        selection_process=body.selection_process, slt_recipients=body.slt_recipients
    )


def _redeployment(body: RedeploymentIn) -> Command:
    return DecideRedeployment(placement=_placement(body, date_field="posting_date"))


def _compulsory(body: CompulsoryIn) -> Command:
    return DecideCompulsory(
        placement=_placement(body),
        terms=_compulsory_terms(body),
        delegation_id=body.delegation_id,
    )


def _best_interests(body: BestInterestsIn) -> Command:
    return DecideBestInterests(placement=_placement(body), in_interests_of=body.in_interests_of)


def _selection(body: SelectionIn) -> Command:
    return DecideSelection(placement=_placement(body), terms=_selection_terms(body))


def _senior(body: SeniorIn) -> Command:
    terms = _compulsory_terms(body) if body.flow == "compulsory" else _selection_terms(body)
    return DecideSenior(placement=_placement(body), terms=terms, delegation_id=body.delegation_id)


def _college(body: CollegePostingIn) -> Command:
    return PostToCollege(
        placement=Placement(
            officer_id=body.officer_id,
            to_location=body.to_location,
            likely_posting_date=body.posting_date,
            rationale=body.rationale,
            # Initial training at the college is the same for every officer.
            welfare_consideration="Initial training at the college is the same for all",
        )
    )


def _divisional(body: DivisionalPostingIn) -> Command:
    return DecideDivisionalPosting(placement=_placement(body), welfare_request=body.welfare_request)


def _posting(ctx: Reading, saved: Saved) -> PostingOut:
    return posting_view(ctx.session, str(saved.id), ctx.caller)


def _decision(
    path: str,
    name: str,
    doc: str,
    roles: tuple[Role, ...] | frozenset[Role],
    body: type[BaseModel],
    make: Callable[..., Command],
    *,
    delegated: tuple[Role, ...] = (),
) -> CommandRoute:
    """A posting decision: 201 with the posting as stored, found again at its Location."""
    return CommandRoute(
        "POST",
        path,
        name=name,
        doc=doc,
        roles=tuple(roles),
        delegated=delegated,
        body=body,
        make=make,
        answer=_posting,
        response_model=PostingOut,
        created=True,
        location=lambda saved, _: f"/postings/{saved.id}",
        errors=DECISION_ERRORS,
    )


def _on_posting(
    path: str,
    name: str,
    doc: str,
    roles: tuple[Role, ...],
    body: type[BaseModel],
    make: Callable[..., Command],
) -> CommandRoute:
    """A command on one posting, answered with the posting as stored."""
    return CommandRoute(
        "POST",
        path,
        name=name,
        doc=doc,
        roles=roles,
        body=body,
        path_params=POSTING_ID,
        make=make,
        answer=_posting,
        response_model=PostingOut,
        errors=DECISION_ERRORS,
        record=lambda command: command.posting_id,
    )


def get_posting(ctx: Reading, posting_id: UUID) -> PostingOut:
    return posting_view(ctx.session, str(posting_id), ctx.caller)


class AppealWindowOut(BaseModel):
    """When the officer's 14 days to appeal started (L1800 3.10.1): the first notification
    that reached them, as decided when it was recorded; null until then."""

    posting_id: str
    officer_id: str
    window_started_at: datetime | None


def get_appeal_window(ctx: Reading, posting_id: UUID) -> AppealWindowOut:
    row = ctx.session.execute(
        select(postings.c.officer_id, postings.c.notified_at).where(
            postings.c.id == str(posting_id)
        )
    ).first()
    if row is None:
        raise NotFound(f"posting {posting_id} not found")
    return AppealWindowOut(
        posting_id=str(posting_id), officer_id=row.officer_id, window_started_at=row.notified_at
    )


def list_postings(
    ctx: Reading,
    paging: Paging,
    officer_id: Annotated[str | None, Query(max_length=lengths.OFFICER_ID)] = None,
    division: Annotated[str | None, Query(max_length=lengths.CODE)] = None,
    kind: PostingKind | None = None,
    state: PostingState | None = None,
) -> Page[PostingOut]:
    caller = ctx.caller
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
    return fetch_page(
        ctx.session,
        query,
        order_by=[postings.c.decided_seq.desc(), postings.c.id.desc()],
        paging=paging,
        convert=lambda row: posting_out(row, caller),
    )


router = build_router(
    prefix="/postings",
    tags=["postings"],
    routes=[
        _decision(
            "/redeployments",
            "decide_redeployment",
            """Re-deploy an officer within the decider's own division/department; no panel
            (L1800 3.6.1).""",
            (Role.DIVISIONAL_COMMANDER, Role.HEAD_OF_DEPARTMENT),
            RedeploymentIn,
            _redeployment,
        ),
        _decision(
            "/compulsory",
            "decide_compulsory",
            """A compulsory / organisational-need posting by the Director of HR or a delegate
            naming their delegation: rationale fully documented, preferences sought or why
            not, reasoning for the officer, and the notice period (L1800 3.7.1-3.7.2).""",
            DIRECTOR,
            CompulsoryIn,
            _compulsory,
            delegated=DELEGATES,
        ),
        _decision(
            "/best-interests",
            "decide_best_interests",
            """A posting in the best interests of the individual or organisation, documented
            and approved by the Head of Resourcing (L1800 3.7.3).""",
            (Role.HEAD_OF_RESOURCING,),
            BestInterestsIn,
            _best_interests,
        ),
        _decision(
            "/selections",
            "decide_selection",
            """An appointment decision at selection, confirmed in writing to the officer and
            their local SLT; HR Resource Planning is notified to agree the date (L1800
            3.4.1).""",
            (Role.LINE_MANAGER, Role.HR_RESOURCE_PLANNING),
            SelectionIn,
            _selection,
        ),
        _decision(
            "/senior",
            "decide_senior",
            """A senior leadership posting (chief inspector and above) through the Director
            of HR (L1800 3.8).""",
            DIRECTOR,
            SeniorIn,
            _senior,
            delegated=DELEGATES,
        ),
        _decision(
            "/appointments/college",
            "post_to_college",
            "On appointment, every officer is posted to the police college (L1800 3.3.1).",
            (Role.HR_RESOURCE_PLANNING,),
            CollegePostingIn,
            _college,
        ),
        _decision(
            "/appointments/divisional",
            "decide_divisional_posting",
            """After initial training, the divisional posting: organisational need, welfare
            requests considered, not the home town during probation (L1800 3.3.1).""",
            (Role.HR_RESOURCE_PLANNING,),
            DivisionalPostingIn,
            _divisional,
        ),
        _on_posting(
            "/{posting_id}/date",
            "set_date_outside_sitting",
            """The Head of Resourcing sets a posting date outside the panel, in exceptional
            circumstances (L1800 3.4.2).""",
            (Role.HEAD_OF_RESOURCING,),
            DateOutsideSittingIn,
            build(SetDateOutsideSitting),
        ),
        _on_posting(
            "/{posting_id}/delay",
            "delay",
            "Delay a posting to meet organisational need (L1800 3.4.3).",
            HR_OPERATIONS,
            DelayIn,
            build(DelayPosting),
        ),
        _on_posting(
            "/{posting_id}/notice-agreement",
            "agree_shorter_notice",
            "The officer records their agreement to a shorter notice period (L1800 3.7.2).",
            (Role.OFFICER,),
            NoticeAgreementIn,
            build(AgreeShorterNotice),
        ),
        _on_posting(
            "/{posting_id}/notifications",
            "notify_officer",
            """Record what the officer (and others) were told: the written confirmation
            (3.4.1) or the reasoning for a compulsory posting (3.7.2). The appeal window
            starts at the first that reaches the officer.""",
            NOTIFIERS,
            NotificationIn,
            build(NotifyOfficer),
        ),
        _on_posting(
            "/{posting_id}/move",
            "move",
            """Take the posting into effect. The checks before a move (PDRs 3.1.4,
            restrictions 3.2.2, notice 3.7.2, ROI 3.9) must pass; otherwise every reason is
            given and nothing changes.""",
            (Role.HR_RESOURCE_PLANNING, Role.DIVISIONAL_COMMANDER, Role.HEAD_OF_DEPARTMENT),
            MoveIn,
            build(MoveOfficer),
        ),
        _on_posting(
            "/{posting_id}/withdrawal",
            "withdraw",
            """Withdraw a posting before it takes effect, with rationale (L1800 3.1.1). A
            commander or head withdraws only their own re-deployments.""",
            (
                *HR_OPERATIONS,
                Role.DIRECTOR_OF_HR,
                Role.DIVISIONAL_COMMANDER,
                Role.HEAD_OF_DEPARTMENT,
            ),
            MoveIn,
            build(WithdrawPosting),
        ),
        QueryRoute(
            "/{posting_id}/appeal-window",
            doc="""When the officer's 14 days to appeal the decision started, as postings
            recorded it (L1800 3.10.1): what appeals asks when its own view of the decision
            has no notification yet, so no late appeal passes for want of news.""",
            roles=(Role.SERVICE, Role.AUDITOR, *HR_OPERATIONS),
            read=get_appeal_window,
            response_model=AppealWindowOut,
            errors=(404,),
        ),
        QueryRoute(
            "/{posting_id}",
            doc="One posting: officers see their own, divisional roles their division's.",
            roles=tuple(OFFICER_RECORD_READERS),
            read=get_posting,
            response_model=PostingOut,
            errors=(404,),
            tagged=True,
        ),
        QueryRoute(
            "",
            doc="""Postings, newest first (the posting plan with state=awaiting_date);
            officers get their own only, divisional roles their division's.""",
            roles=tuple(OFFICER_RECORD_READERS),
            read=list_postings,
            response_model=Page[PostingOut],
            errors=(422,),
        ),
    ],
)
