"""How SuccessFactors records map onto postings' reference data: the current EmpJob row
of an officer's effective-dated history, their rank from the job code, and their PDR from
Performance Management's form headers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from services.postings.hr_system.odata import parse_date, parse_datetime
from shared import lengths

#: FormHeader.formDataStatus of a form in the "Completed" folder.
FORM_COMPLETED = "3"
#: EmpJob.managerId of someone with no manager (KBA 2203342): not a supervisor's id.
NO_MANAGER = "NO_MANAGER"


def current_job(history: list[dict[str, Any]], today: date) -> dict[str, Any] | None:
    """The row in force today: started on or before today and not yet ended; of several
    on one day, the highest ``seqNumber`` (Int64, sent as a string). A later segment (a
    promotion starting next year) is never mistaken for the current one."""
    in_force = [
        row
        for row in history
        if parse_date(row["startDate"]) <= today <= parse_date(row["endDate"])
    ]
    if not in_force:
        return None
    return max(in_force, key=lambda row: (parse_date(row["startDate"]), int(row["seqNumber"])))


@dataclass(frozen=True)
class OfficerRecord:
    """What SuccessFactors says of an officer, in postings' terms."""

    officer_id: str
    name: str
    rank: str
    division: str
    place_of_duty: str
    appointed_on: date
    supervisor_id: str | None


def officer_record(
    user: dict[str, Any], job: dict[str, Any], job_ranks: dict[str, str]
) -> OfficerRecord:
    code = job["jobCode"]
    if code not in job_ranks:
        raise ValueError(f"job code {code!r} has no rank in the mapping")
    record = OfficerRecord(
        officer_id=user["userId"],
        name=f"{user['firstName']} {user['lastName']}".strip(),
        rank=job_ranks[code],
        division=str(job["department"]).lower(),
        place_of_duty=str(job["location"]).lower(),
        appointed_on=parse_date(user["hireDate"]),
        supervisor_id=None if job.get("managerId") in (None, "", NO_MANAGER) else job["managerId"],
    )
    # What the API would refuse as too long, the sync refuses too: the columns are as long.
    for field, limit in _LENGTHS.items():
        value = getattr(record, field)
        if value is not None and len(value) > limit:
            raise ValueError(f"{field} is longer than {limit} characters")
    return record


_LENGTHS = {
    "officer_id": lengths.OFFICER_ID,
    "name": lengths.NAME,
    "division": lengths.CODE,
    "place_of_duty": lengths.CODE,
    "supervisor_id": lengths.OFFICER_ID,
}


def pdr_cycle(forms: list[dict[str, Any]]) -> tuple[date, date | None] | None:
    """The officer's current PDR: the review form due latest; completed when it reached
    the Completed folder (its last modification is when)."""
    reviews = [f for f in forms if f.get("formTemplateType") == "Review"]
    if not reviews:
        return None
    latest = max(reviews, key=lambda f: parse_date(f["formReviewDueDate"]))
    completed = (
        parse_datetime(latest["formLastModifiedDate"]).date()
        if str(latest["formDataStatus"]) == FORM_COMPLETED
        else None
    )
    return parse_date(latest["formReviewDueDate"]), completed
