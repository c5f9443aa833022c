"""L1800 3.6.1: 'The divisional commander or head of department may re-deploy within their
division/department to meet a policing requirement.'"""

from __future__ import annotations

from shared.errors import Violation
from shared.rules.base import Rule


class RedeploymentMustStayWithinTheDecidersUnit(Rule):
    """The divisional commander or head of department re-deploys within their own
    division/department only (L1800 3.6.1): the officer serves there, and the destination
    is there. An authority: a commander acting outside it is refused as such."""

    clause = "L1800 3.6.1"

    @classmethod
    def check(
        cls, *, officer_division: str, destination_division: str, decider_division: str | None
    ) -> list[Violation]:
        if decider_division is None:
            return cls.broken("the decider's division/department is not known from their identity")
        found = []
        if officer_division != decider_division:
            found.append(
                cls.violation(
                    f"the officer serves outside the decider's {decider_division}",
                    field="officer_id",
                )
            )
        if destination_division != decider_division:
            found.append(
                cls.violation(
                    f"the destination is outside the decider's {decider_division}",
                    field="to_location",
                )
            )
        return found


class RedeploymentIsForTheUnitsCommanderOrHead(Rule):
    """Within a division/department it is its commander or head who re-deploys (L1800
    3.6.1); where the unit's head is on record, it must be them."""

    clause = "L1800 3.6.1"

    @classmethod
    def check(cls, *, head_id: str | None, decider_id: str) -> list[Violation]:
        if head_id is not None and head_id != decider_id:
            return cls.broken(
                "only the commander or head on record for this unit re-deploys within it"
            )
        return []


class CommandersCarryForwardTheirOwnRedeployments(Rule):
    """A divisional commander or head of department notifies, moves or withdraws only
    re-deployments within their own division (L1800 3.6.1): every other kind goes through
    HR and the panel (3.4.2)."""

    clause = "L1800 3.6.1"
