"""The monthly Resourcing Deployment Panel: its sittings, its agenda of postings awaiting a
date, and its outcome for each (L1800 3.4.2)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select

from services.postings.api.schemas import OutcomeIn, PostingOut, SittingIn, SittingOut
from services.postings.api.views import posting_out, posting_view, sitting_view
from services.postings.commands import CloseSitting, RecordSittingOutcome, ScheduleSitting
from services.postings.projections.tables import panel_sittings, postings
from shared.api.pagination import Page, Paging, fetch_page
from shared.api.routes import CommandRoute, QueryRoute, Reading, build, build_router
from shared.handling import Saved
from shared.roles import HR_ROLES, Role

PANEL = (Role.DEPLOYMENT_PANEL,)
ORGANISERS = (Role.DEPLOYMENT_PANEL, Role.HR_RESOURCE_PLANNING)
READERS = (Role.DEPLOYMENT_PANEL, *HR_ROLES, Role.AUDITOR)
SITTING_ID = {"sitting_id": UUID}


def _sitting(ctx: Reading, saved: Saved) -> SittingOut:
    return sitting_view(ctx.session, str(saved.id))


def _posting(ctx: Reading, saved: Saved) -> PostingOut:
    # The outcome's answer is the posting it decided (saved first, with the sitting).
    return posting_view(ctx.session, str(saved.id), ctx.caller)


def list_sittings(ctx: Reading, paging: Paging) -> Page[SittingOut]:
    return fetch_page(
        ctx.session,
        select(panel_sittings),
        order_by=[panel_sittings.c.sits_on.desc(), panel_sittings.c.id],
        paging=paging,
        convert=SittingOut.model_validate,
    )


def get_sitting(ctx: Reading, sitting_id: UUID) -> SittingOut:
    return sitting_view(ctx.session, str(sitting_id))


def agenda(ctx: Reading, sitting_id: UUID, paging: Paging) -> Page[PostingOut]:
    sitting_view(ctx.session, str(sitting_id))
    caller = ctx.caller
    return fetch_page(
        ctx.session,
        select(postings).where(postings.c.state == "awaiting_date"),
        order_by=[postings.c.decided_seq, postings.c.id],
        paging=paging,
        convert=lambda row: posting_out(row, caller),
    )


router = build_router(
    prefix="/panel-sittings",
    tags=["panel sittings"],
    routes=[
        CommandRoute(
            "POST",
            "",
            name="schedule_sitting",
            doc="Schedule a sitting of the panel.",
            roles=ORGANISERS,
            body=SittingIn,
            make=build(ScheduleSitting),
            answer=_sitting,
            response_model=SittingOut,
            created=True,
            location=lambda saved, _: f"/panel-sittings/{saved.id}",
            errors=(422,),
        ),
        QueryRoute(
            "",
            doc="Sittings, latest first.",
            roles=READERS,
            read=list_sittings,
            response_model=Page[SittingOut],
            errors=(422,),
        ),
        QueryRoute(
            "/{sitting_id}",
            doc="One sitting.",
            roles=READERS,
            read=get_sitting,
            response_model=SittingOut,
            errors=(404,),
            tagged=True,
        ),
        QueryRoute(
            "/{sitting_id}/agenda",
            doc="The postings awaiting a date, oldest decision first.",
            roles=READERS,
            read=agenda,
            response_model=Page[PostingOut],
            errors=(404, 422),
        ),
        CommandRoute(
            "POST",
            "/{sitting_id}/outcomes",
            name="record_outcome",
            doc="""The panel's outcome for one posting: its date confirmed, or deferred with
            rationale. One outcome per posting at a sitting.""",
            roles=PANEL,
            body=OutcomeIn,
            path_params=SITTING_ID,
            make=build(RecordSittingOutcome),
            record=lambda command: command.sitting_id,
            answer=_posting,
            response_model=PostingOut,
        ),
        CommandRoute(
            "POST",
            "/{sitting_id}/closure",
            name="close_sitting",
            doc="Close the sitting: no further outcomes are recorded at it.",
            roles=PANEL,
            path_params=SITTING_ID,
            make=build(CloseSitting),
            record=lambda command: command.sitting_id,
            answer=_sitting,
            response_model=SittingOut,
            errors=(404, 409),
        ),
    ],
)
