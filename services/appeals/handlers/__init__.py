"""Appeals' handlers, one per command, as the composition root wires them."""

from __future__ import annotations

from services.appeals.application import AppealsApplication
from services.appeals.clients.postings import AppealWindowNotConfigured, AppealWindowQuestion
from services.appeals.handlers.hearing import (
    AddToAppealHandler,
    AssignHearerHandler,
    DecideAppealHandler,
)
from services.appeals.handlers.lodging import GrantLatePermissionHandler, LodgeAppealHandler
from services.appeals.handlers.withdrawal import EndAppealableDecisionHandler, WithdrawAppealHandler
from shared.disposal import DisposalHandler
from shared.handling import Handlers


def build_handlers(
    app: AppealsApplication, *, window: AppealWindowQuestion | None = None
) -> Handlers:
    """``window``: postings, asked when an appeal window started (fails closed if None)."""
    return Handlers(
        [
            LodgeAppealHandler(app, window or AppealWindowNotConfigured()),
            GrantLatePermissionHandler(app),
            AssignHearerHandler(app),
            AddToAppealHandler(app),
            DecideAppealHandler(app),
            WithdrawAppealHandler(app),
            EndAppealableDecisionHandler(app),
            DisposalHandler(app),
        ]
    )
