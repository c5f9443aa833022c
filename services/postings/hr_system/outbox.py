"""Delivering postings that took effect to Employee Central as new effective-dated EmpJob
rows through ``POST /odata/v2/upsert`` (issue 7). The upsert answers 200 even when a record
fails, so each record's own status decides: delivered, retried later (a retryable
failure), or failed and shown to HR Resource Planning (and still retried, less often).
Each record is keyed by officer, start date and sequence number, so a repeat after a lost
answer overwrites the same row and never adds a second."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update

from services.postings.hr_system.odata import ODataClient, format_date
from services.postings.projections.tables import hr_outbox
from shared.db import Database
from shared.errors import Unavailable

log = logging.getLogger(__name__)

#: One posting takes effect on one day: its row is the first of that day.
SEQUENCE = "1"
BATCH = 100
#: A record the tenant refused outright is tried again, but not often: someone must look.
REFUSED_RETRY = timedelta(hours=6)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def empjob_record(
    row: Any, event_reasons: dict[str, str], positions: dict[str, str] | None = None
) -> dict[str, Any]:
    """The EmpJob row a posting becomes: from its date, at its place and division, in the
    position configured for that place, with the event reason configured for its kind."""
    record = {
        "__metadata": {"uri": "EmpJob", "type": "SFOData.EmpJob"},
        "userId": row.officer_id,
        "startDate": format_date(row.moved_on),
        "seqNumber": SEQUENCE,
        "eventReason": event_reasons.get(row.kind, "DATACHG"),
        "location": row.to_location,
        "department": row.division,
    }
    position = (positions or {}).get(row.to_location)
    if position:
        record["position"] = position
    return record


@dataclass
class DeliveryReport:
    attempted: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    problems: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "attempted": self.attempted,
            "delivered": self.delivered,
            "retrying": self.retrying,
            "failed": self.failed,
            "problems": self.problems,
        }


def deliver_due(
    db: Database,
    client: ODataClient,
    event_reasons: dict[str, str],
    *,
    now: datetime,
    positions: dict[str, str] | None = None,
) -> DeliveryReport:
    """Send every delivery that is due, a batch at a time; the HTTP call is made outside
    any database transaction, and each record's outcome is written after."""
    report = DeliveryReport()
    while True:
        with db.unit_of_work(write=False) as session:
            due = session.execute(
                select(hr_outbox)
                .where(
                    or_(hr_outbox.c.state.in_(("pending", "retrying", "failed"))),
                    hr_outbox.c.next_attempt_at <= now,
                )
                .order_by(hr_outbox.c.created_at, hr_outbox.c.posting_id)
                .limit(BATCH)
            ).all()
        if not due:
            return report
        report.attempted += len(due)
        try:
            results = client.upsert([empjob_record(row, event_reasons, positions) for row in due])
            by_index = {int(r["index"]): r for r in results}
        except Unavailable as exc:
            by_index = {}
            error = str(exc)
        else:
            error = "no result for this record"
        with db.unit_of_work(write=True) as session:
            for index, row in enumerate(due):
                result = by_index.get(index)
                attempts = row.attempts + 1
                where = hr_outbox.c.posting_id == row.posting_id
                if result is not None and result.get("status") == "OK":
                    values: dict[str, Any] = {
                        "state": "delivered",
                        "delivered_at": now,
                        "last_error": None,
                    }
                    report.delivered += 1
                elif result is None or int(result.get("httpCode") or 500) >= 500:
                    message = str(result.get("message")) if result else error
                    values = {
                        "state": "retrying",
                        "last_error": message,
                        "next_attempt_at": now + backoff(attempts),
                    }
                    report.retrying += 1
                    report.problems.append({"posting_id": row.posting_id, "problem": message})
                else:
                    values = {
                        "state": "failed",
                        "last_error": result.get("message"),
                        "next_attempt_at": now + REFUSED_RETRY,
                    }
                    report.failed += 1
                    report.problems.append(
                        {"posting_id": row.posting_id, "problem": str(result.get("message"))}
                    )
                session.execute(update(hr_outbox).where(where).values(attempts=attempts, **values))
        if len(due) < BATCH:
            log.info("HR delivery: %s", report.as_dict())
            return report
