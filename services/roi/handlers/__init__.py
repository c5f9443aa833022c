"""ROI's handlers, one per command, as the composition root wires them."""

from __future__ import annotations

from services.roi.application import RoiApplication
from services.roi.clients.postings import PostingsQuestions
from services.roi.handlers.commitments import (
    CompleteHandler,
    EndCommitmentHandler,
    EnrolHandler,
    RecordNoticeHandler,
)
from services.roi.handlers.designations import DesignateCourseHandler
from services.roi.handlers.releases import (
    MakeLocalCaseHandler,
    ReleaseByPanelHandler,
    SignOffLocalReleaseHandler,
)
from shared.disposal import DisposalHandler
from shared.handling import Handlers


def build_handlers(app: RoiApplication, postings: PostingsQuestions | None) -> Handlers:
    return Handlers(
        [
            DesignateCourseHandler(app, postings),
            EnrolHandler(app),
            RecordNoticeHandler(app),
            CompleteHandler(app),
            EndCommitmentHandler(app),
            ReleaseByPanelHandler(app),
            MakeLocalCaseHandler(app, postings),
            SignOffLocalReleaseHandler(app),
            DisposalHandler(app),
        ]
    )
