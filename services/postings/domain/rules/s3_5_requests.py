"""L1800 3.5, development and officer requests: a 1068 to the local SLT, copied to HR
Resource Planning (3.5.2); declined with the reasons told to the officer and placed on
their personal file (3.5.3), or supported into the posting plan (3.5.4)."""

from __future__ import annotations

from shared.errors import Violation
from shared.rules.base import Rule


class OnlyTheOfficersSltActsOnTheirRequest(Rule):
    """The officer submits a 1068 to the local SLT (L1800 3.5.2), who support or decline it
    (3.5.3-3.5.4); an officer submits their own; an SLT raises or acts on requests of their
    own division only."""

    clause = "L1800 3.5.2"


class DecliningMustGiveReasons(Rule):
    """If a 1068 is not supported the SLT tells the officer why, and it is documented (L1800
    3.5.3)."""

    clause = "L1800 3.5.3"

    @classmethod
    def check(cls, *, reasons: str | None) -> list[Violation]:
        if not (reasons and reasons.strip()):
            return cls.broken(
                "say why the request is not supported; the officer is told", field="rationale"
            )
        return []


class RequestIsDecidedOnce(Rule):
    """A 1068 is supported (3.5.4) or declined (3.5.3) once, and a supported one goes into
    the posting plan once. Owned by the request aggregate: two decisions sent at once meet
    at its version."""

    clause = "L1800 3.5.3"
    conflict = True


class RequestMustBeSupportedByTheSlt(Rule):
    """A 1068 reaches the posting plan only once the SLT endorses it (L1800 3.5.4)."""

    clause = "L1800 3.5.4"

    @classmethod
    def check(cls, *, state: str) -> list[Violation]:
        if state != "supported":
            return cls.broken(
                f"the request is {state}; only a supported request goes into the plan",
                field="request_id",
            )
        return []
