"""L1800 3.2, general postings: the reasonable travelling distance (3.2.1), and locations
unsuitable for the officer, by Professional Standards or at the officer's own request,
unless both Professional Standards and the Head of Resourcing support an exception
(3.2.2)."""

from __future__ import annotations

from dataclasses import dataclass

from services.postings.domain.kinds import RestrictionSource
from shared.errors import Violation
from shared.rules.base import Rule


@dataclass(frozen=True)
class Restriction:
    location: str
    source: RestrictionSource
    supported_by_psd: bool = False
    supported_by_head_of_resourcing: bool = False

    @property
    def excepted(self) -> bool:
        """Both Professional Standards and the Head of Resourcing support an exception."""
        return self.supported_by_psd and self.supported_by_head_of_resourcing


class TravelBeyondTheLimitMustBeJustified(Rule):
    """Beyond the reasonable travelling distance the Director of HR set, the decision says
    why organisational need outweighs it (L1800 3.2.1). Not a refusal of the posting."""

    clause = "L1800 3.2.1"

    @classmethod
    def check(
        cls, *, distance_km: float | None, limit_km: float | None, justification: str | None
    ) -> list[Violation]:
        if distance_km is None or limit_km is None or distance_km <= limit_km:
            return []
        if not (justification and justification.strip()):
            return cls.broken(
                f"{distance_km:.1f} km from home exceeds the reasonable travel limit of "
                f"{limit_km:g} km: say why organisational need outweighs it",
                field="travel_justification",
            )
        return []


class LocationMustNotBeUnsuitable(Rule):
    """No posting to a location Professional Standards deems unsuitable for the officer, or
    one they asked not to be posted to, unless an exception is supported by both
    Professional Standards and the Head of Resourcing (L1800 3.2.2). The message never says
    why: the reason is confidential."""

    clause = "L1800 3.2.2"

    @classmethod
    def check(cls, *, location: str, restrictions: list[Restriction]) -> list[Violation]:
        for restriction in restrictions:
            if restriction.location == location and not restriction.excepted:
                return cls.broken(f"{location} is restricted for this officer", field="to_location")
        return []


class LocationIsRestrictedOnceBySource(Rule):
    """Professional Standards' marking and the officer's own request at one location are
    each recorded once, and kept apart (L1800 3.2.2)."""

    clause = "L1800 3.2.2"
    conflict = True


class OfficersRecordTheirOwnRequestsOnly(Rule):
    """Where the individual specifically requests not to be posted (L1800 3.2.2): an
    officer records, and lifts, requests about their own postings only."""

    clause = "L1800 3.2.2"
