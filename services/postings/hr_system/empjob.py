"""The EmpJob time slice a posting becomes (issue 16): complete, as the tenant requires a
new slice to be (KBA 2942505, 2701624), in the tenant's own spelling of codes, and keyed
by a ``seqNumber`` that never overwrites a row already there that day."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.postings.hr_system.mapping import current_job
from services.postings.hr_system.odata import format_date, parse_date

#: What a read returns that a new slice must not carry: the end date (the tenant sets it)
#: and audit fields.
NOT_WRITTEN = frozenset(
    {"__metadata", "endDate", "lastModifiedDateTime", "lastModifiedOn", "lastModifiedBy"}
    | {"createdDateTime", "createdOn", "createdBy"}
)


def spelling(histories: list[dict[str, Any]]) -> dict[str, str]:
    """The tenant's own spelling of each code postings holds lower-cased (location and
    department codes as the tenant wrote them)."""
    return {
        str(row[name]).lower(): str(row[name])
        for row in histories
        for name in ("location", "department")
        if row.get(name)
    }


def next_sequence(history: list[dict[str, Any]], day: date) -> int:
    """One past the highest seqNumber on that day, so no existing row is overwritten."""
    same_day = [int(r["seqNumber"]) for r in history if parse_date(r["startDate"]) == day]
    return max(same_day, default=0) + 1


def empjob_record(
    row: Any,
    history: list[dict[str, Any]],
    seq_number: int,
    event_reasons: dict[str, str],
    positions: dict[str, str] | None = None,
    codes: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The EmpJob slice a posting becomes: the slice in force on the day of the move (the
    day's last row, HR's own included), moved to its place and division, with the event
    reason configured for its kind and the position configured for the place. Raises
    ValueError when the tenant holds no slice to start from (nothing complete to write)."""
    before = current_job(history, row.moved_on)
    if before is None:
        raise ValueError(f"the tenant holds no job information for {row.officer_id} to move")
    codes = codes or {}
    record = {k: v for k, v in before.items() if k not in NOT_WRITTEN}
    record.update(
        {
            "__metadata": {"uri": "EmpJob", "type": "SFOData.EmpJob"},
            "userId": row.officer_id,
            "startDate": format_date(row.moved_on),
            "seqNumber": str(seq_number),
            "eventReason": event_reasons.get(row.kind, "DATACHG"),
            "location": codes.get(row.to_location, row.to_location),
            "department": codes.get(row.division, row.division),
        }
    )
    position = (positions or {}).get(row.to_location)
    if position:
        record["position"] = position
    return record
