"""Policy settings, each set by a recorded decision of the Director of HR or delegate."""

from __future__ import annotations

from services.postings.api.access import DELEGATES, DIRECTOR
from services.postings.api.schemas import NoticePeriodIn, PolicyOut, TravelLimitIn
from services.postings.api.views import policy_view
from services.postings.commands import SetNoticePeriod, SetTravelLimit
from services.postings.domain.policy import POLICY_ID
from shared.api.routes import CommandRoute, QueryRoute, Reading, build, build_router
from shared.handling import Saved
from shared.roles import Role


def _policy(ctx: Reading, saved: Saved) -> PolicyOut:
    return policy_view(ctx.session)


def get_policy(ctx: Reading) -> PolicyOut:
    return policy_view(ctx.session)


router = build_router(
    prefix="/policy",
    tags=["policy settings"],
    routes=[
        QueryRoute(
            "",
            doc="The reasonable travel limit (L1800 3.2.1) and default notice period (3.7.2).",
            roles=tuple(Role),
            read=get_policy,
            response_model=PolicyOut,
            tagged=True,
        ),
        CommandRoute(
            "PUT",
            "/travel-limit",
            name="set_travel_limit",
            doc="The Director of HR (or delegate) determines the reasonable travelling distance.",
            roles=DIRECTOR,
            delegated=DELEGATES,
            body=TravelLimitIn,
            make=build(SetTravelLimit),
            record=lambda _: POLICY_ID,
            answer=_policy,
            response_model=PolicyOut,
            errors=(409, 422),
        ),
        CommandRoute(
            "PUT",
            "/notice-period",
            name="set_notice_period",
            doc="The Director of HR (or delegate) sets the reasonable notice period (L1800 3.7.2).",
            roles=DIRECTOR,
            delegated=DELEGATES,
            body=NoticePeriodIn,
            make=build(SetNoticePeriod),
            record=lambda _: POLICY_ID,
            answer=_policy,
            response_model=PolicyOut,
            errors=(409, 422),
        ),
    ],
)
