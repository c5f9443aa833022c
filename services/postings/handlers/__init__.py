"""Postings' handlers, one per command, as the composition root wires them."""

from __future__ import annotations

from services.postings.application import PostingsApplication
from services.postings.clients.roi import RoiQuestion
from services.postings.handlers.appointments import (
    DecideDivisionalPostingHandler,
    GrantHomeTownExceptionHandler,
    PostToCollegeHandler,
    ReviewProbationHandler,
)
from services.postings.handlers.batches import DecideBatchHandler
from services.postings.handlers.carrying_forward import (
    AgreeShorterNoticeHandler,
    DelayPostingHandler,
    MoveOfficerHandler,
    NotifyOfficerHandler,
    SetAsideAfterAppealHandler,
    SetDateOutsideSittingHandler,
    WithdrawPostingHandler,
)
from services.postings.handlers.decisions import (
    DecideBestInterestsHandler,
    DecideCompulsoryHandler,
    DecideRedeploymentHandler,
    DecideSelectionHandler,
    DecideSeniorHandler,
)
from services.postings.handlers.exceptions import GrantPolicyExceptionHandler
from services.postings.handlers.panel import (
    CloseSittingHandler,
    RecordSittingOutcomeHandler,
    ScheduleSittingHandler,
)
from services.postings.handlers.policy import (
    GrantDelegationHandler,
    RelyOnDelegationHandler,
    RevokeDelegationHandler,
    SetNoticePeriodHandler,
    SetTravelLimitHandler,
)
from services.postings.handlers.reference import (
    ChangeOfficerHandler,
    ChangeUnitHeadHandler,
    LiftRestrictionHandler,
    RecordPdrHandler,
    RegisterLocationHandler,
    RegisterOfficerHandler,
    RegisterUnitHandler,
    RestrictLocationHandler,
    SetEstablishmentTargetHandler,
    StatePreferencesHandler,
    SupportRestrictionExceptionHandler,
)
from services.postings.handlers.requests import (
    DecideRequestPostingHandler,
    DeclineRequestHandler,
    SubmitRequestHandler,
    SupportRequestHandler,
)
from shared.disposal import DisposalHandler
from shared.handling import Handlers


def build_handlers(app: PostingsApplication, roi: RoiQuestion) -> Handlers:
    """Every command's handler; those that decide a posting or a move ask ``roi`` first."""
    return Handlers(
        [
            RegisterOfficerHandler(app),
            ChangeOfficerHandler(app),
            RecordPdrHandler(app),
            RegisterLocationHandler(app),
            RegisterUnitHandler(app),
            ChangeUnitHeadHandler(app),
            SetEstablishmentTargetHandler(app),
            RestrictLocationHandler(app),
            LiftRestrictionHandler(app),
            SupportRestrictionExceptionHandler(app),
            StatePreferencesHandler(app),
            GrantHomeTownExceptionHandler(app),
            GrantPolicyExceptionHandler(app),
            ReviewProbationHandler(app),
            GrantDelegationHandler(app),
            RevokeDelegationHandler(app),
            RelyOnDelegationHandler(app),
            SetTravelLimitHandler(app),
            SetNoticePeriodHandler(app),
            DecideRedeploymentHandler(app, roi),
            DecideCompulsoryHandler(app, roi),
            DecideBestInterestsHandler(app, roi),
            DecideSelectionHandler(app, roi),
            DecideSeniorHandler(app, roi),
            PostToCollegeHandler(app, roi),
            DecideDivisionalPostingHandler(app, roi),
            DecideBatchHandler(app, roi),
            SetDateOutsideSittingHandler(app),
            DelayPostingHandler(app),
            AgreeShorterNoticeHandler(app),
            NotifyOfficerHandler(app),
            MoveOfficerHandler(app, roi),
            WithdrawPostingHandler(app),
            SetAsideAfterAppealHandler(app),
            ScheduleSittingHandler(app),
            RecordSittingOutcomeHandler(app),
            CloseSittingHandler(app),
            SubmitRequestHandler(app),
            SupportRequestHandler(app),
            DeclineRequestHandler(app),
            DecideRequestPostingHandler(app, roi),
            DisposalHandler(app),
        ]
    )
