"""L1800 3.9, return on investment, as postings holds to it: ROI's answer, asked before
every decision and move, is a fact of the decision; a bound officer does not move."""

from __future__ import annotations

from shared.errors import Violation
from shared.rules.base import Rule


class MoveMustRespectTheRoiPeriod(Rule):
    """An officer inside an ROI period cannot move before it ends unless released early for
    this move (L1800 3.9.1-3.9.3)."""

    clause = "L1800 3.9.3"

    @classmethod
    def check(cls, *, bound: bool, reason: str) -> list[Violation]:
        if bound:
            return cls.broken(reason)
        return []
