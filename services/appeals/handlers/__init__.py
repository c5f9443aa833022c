"""Appeals' handlers, one per command, as the composition root wires them."""

from __future__ import annotations

from services.appeals.application import AppealsApplication
from services.appeals.handlers.hearing import (
    AddToAppealHandler,
    AssignHearerHandler,
    DecideAppealHandler,
)
from services.appeals.handlers.lodging import GrantLatePermissionHandler, LodgeAppealHandler
from services.appeals.handlers.withdrawal import EndAppealableDecisionHandler, WithdrawAppealHandler
from shared.disposal import DisposalHandler
from shared.handling import Handlers


def build_handlers(app: AppealsApplication) -> Handlers:
    return Handlers(
        [
            LodgeAppealHandler(app),
            GrantLatePermissionHandler(app),
            AssignHearerHandler(app),
            AddToAppealHandler(app),
            DecideAppealHandler(app),
            WithdrawAppealHandler(app),
            EndAppealableDecisionHandler(app),
            DisposalHandler(app),
        ]
    )
