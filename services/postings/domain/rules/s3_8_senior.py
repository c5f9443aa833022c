"""L1800 3.8, senior leadership postings: every officer of chief inspector rank or above
(3.8.1), posted through the Director of HR (3.8.2)."""

from __future__ import annotations

from services.postings.domain.kinds import SENIOR_RANKS, PostingKind, Rank
from shared.errors import Violation
from shared.rules.base import Rule


class SeniorOfficersArePostedThroughTheSeniorFlow(Rule):
    """Senior leadership postings are those of every officer of chief inspector rank or
    above (L1800 3.8.1); they go through the Director of HR (3.8.2)."""

    clause = "L1800 3.8.1"

    @classmethod
    def check(cls, *, rank: Rank, kind: PostingKind) -> list[Violation]:
        if rank in SENIOR_RANKS and kind is not PostingKind.SENIOR_LEADERSHIP:
            return cls.broken(f"a {rank.value} is posted as a senior leadership posting")
        return []


class SeniorLeadershipPostingsAreForChiefInspectorsAndAbove(Rule):
    """Senior leadership postings are of chief inspectors and above (L1800 3.8.1); an
    officer below is posted by another kind."""

    clause = "L1800 3.8.1"

    @classmethod
    def check(cls, *, rank: Rank, kind: PostingKind) -> list[Violation]:
        if rank not in SENIOR_RANKS and kind is PostingKind.SENIOR_LEADERSHIP:
            return cls.broken(f"a {rank.value} is below chief inspector")
        return []
