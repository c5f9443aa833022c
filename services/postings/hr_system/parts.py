"""The parts of an inbound sync run (issue 16): officers (``User``), jobs (``EmpJob``),
PDRs (``FormHeader``) and learning. Each has its own outcome on the run record and its own
delta window, which advances only when the part succeeded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.postings.hr_system.odata import any_of

#: Every User.status: a User query returns active users only unless its filter names
#: status (KBA 2736579), and an officer who has left must still be read.
ALL_STATUSES = any_of("status", ("t", "f", "T", "F", "e", "d"))
#: Each OData part: the entity it reads, the property its delta window filters on, the key
#: that names the officer, and the properties it relies on (checked against $metadata).
PARTS: dict[str, tuple[str, str, str, frozenset[str]]] = {
    "officers": (
        "User",
        "lastModifiedDateTime",
        "userId",
        frozenset({"userId", "status", "firstName", "lastName", "hireDate"}),
    ),
    "jobs": (
        "EmpJob",
        "lastModifiedDateTime",
        "userId",
        frozenset(
            {"userId", "startDate", "endDate", "seqNumber", "jobCode"}
            | {"department", "location", "managerId"}
        ),
    ),
    # FormHeader has no lastModifiedDateTime; formLastModifiedDate is its change date.
    "pdrs": (
        "FormHeader",
        "formLastModifiedDate",
        "formSubjectId",
        frozenset({"formSubjectId", "formTemplateType", "formDataStatus", "formReviewDueDate"}),
    ),
}
LEARNING = "learning"


@dataclass
class PartOutcome:
    """One part of a run: succeeded, failed (with why) or skipped (not configured)."""

    outcome: str = "succeeded"
    since: datetime | None = None
    changed: int = 0
    problem: str | None = None

    def fail(self, problem: str) -> None:
        if self.outcome != "failed":
            self.outcome, self.problem = "failed", problem

    def as_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "since": self.since.isoformat() if self.since else None,
            "changed": self.changed,
            "problem": self.problem,
        }
