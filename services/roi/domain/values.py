"""Value objects and enums that ROI's events hold."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum

_QUARTER = re.compile(r"^([1-9]\d{3})-Q([1-4])$")


class DesignationReason(Enum):
    """Why a course carries an ROI requirement (L1800 3.9.1)."""

    HIGH_DEMAND = "high_demand"
    HIGH_COST = "high_cost"
    SCARCE_SKILL = "scarce_skill"


@dataclass(frozen=True, order=True)
class Quarter:
    """A quarter of the resourcing priorities process (L1800 3.9.1), e.g. 2027-Q1."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = _QUARTER.match(text)
        if not match:
            raise ValueError(f"{text!r} is not a quarter like 2027-Q1")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def starts_on(self) -> date:
        return date(self.year, 3 * (self.number - 1) + 1, 1)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"
