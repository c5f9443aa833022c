"""Delivering postings that took effect to Employee Central as new effective-dated EmpJob
rows through ``POST /odata/v2/upsert`` (issues 7 and 16). Every delivery ends delivered or
failed, never stuck:

- the upsert answers 200 even when a record fails, so each record's own status decides:
  OK is delivered; any ERROR, whatever its ``httpCode``, is a refusal (a business rule;
  KBA 2942505, 2481513) and the record is ``failed`` with SAP's message shown to HR;
- a request-level 400 (``BadRequestException``, KBA 3145174) means the request could not
  be read at all: the batch is split in halves until the record at fault is alone, so it
  fails and the rest are delivered;
- only what may pass by itself is retried with backoff: the tenant not reached, 429, and
  request-level 5xx (``Unavailable`` from the client, which already retried them).

A new slice carries every field the tenant requires: it is the officer's slice in force
on the day of the move, as read from the tenant just before sending, with the move's
location, department, event reason and position in the tenant's own spelling. Its key is
officer, start date and a ``seqNumber`` one past that day's existing rows (so HR's own row
that day is never overwritten), chosen once and kept: a repeat after a lost answer
overwrites our own row and never adds a second."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from services.postings.hr_system.empjob import empjob_record, next_sequence, spelling
from services.postings.hr_system.odata import ODataClient, ODataError, any_of
from services.postings.projections.tables import hr_outbox
from shared.db import Database
from shared.errors import Unavailable

log = logging.getLogger(__name__)

BATCH = 100
#: A record the tenant refused is tried again, but not often: someone must look.
REFUSED_RETRY = timedelta(hours=6)
HISTORY_FROM, HISTORY_TO = date(1900, 1, 1), date(9999, 12, 31)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


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


class _Outcomes:
    """What became of each row of a batch: (state, message)."""

    def __init__(self) -> None:
        self.by_posting: dict[str, tuple[str, str | None]] = {}

    def set(self, posting_id: str, state: str, message: str | None = None) -> None:
        self.by_posting[posting_id] = (state, message)


def _send(
    client: ODataClient, rows: list[Any], records: dict[str, dict[str, Any]], out: _Outcomes
) -> None:
    """Upsert these rows' records; a request-level 400 splits the batch until the record
    at fault is alone (KBA 3145174)."""
    try:
        results = client.upsert([records[row.posting_id] for row in rows])
    except Unavailable as exc:
        for row in rows:
            out.set(row.posting_id, "retrying", str(exc))
        return
    except ODataError as exc:
        # A 400 from the token endpoint is about who we are, not about any record:
        # halving the batch would only ask it again for each half.
        if exc.status == 400 and exc.code != "TOKEN_REFUSED" and len(rows) > 1:
            half = len(rows) // 2
            _send(client, rows[:half], records, out)
            _send(client, rows[half:], records, out)
            return
        # A request refused as it stands (a 400 for this record alone, or 401 after a
        # fresh token, 403): sending it again unchanged cannot succeed; HR must look.
        for row in rows:
            out.set(row.posting_id, "failed", f"{exc.status} {exc.code or ''} {exc.message}")
        return
    by_index = {int(r["index"]): r for r in results}
    for index, row in enumerate(rows):
        result = by_index.get(index)
        if result is None:
            out.set(row.posting_id, "retrying", "the tenant gave no result for this record")
        elif result.get("status") == "OK":
            out.set(row.posting_id, "delivered")
        else:
            # Any per-record ERROR is a refusal, whatever its httpCode (KBA 2942505).
            out.set(row.posting_id, "failed", str(result.get("message")))


def deliver_due(
    db: Database,
    client: ODataClient,
    event_reasons: dict[str, str],
    *,
    now: datetime,
    positions: dict[str, str] | None = None,
    codes: dict[str, str] | None = None,
) -> DeliveryReport:
    """Send every delivery that is due, a batch at a time; the HTTP calls are made outside
    any database transaction, and each record's outcome is written after."""
    report = DeliveryReport()
    seen: set[str] = set()
    while True:
        with db.unit_of_work(write=False) as session:
            due = [
                row
                for row in session.execute(
                    select(hr_outbox)
                    .where(
                        hr_outbox.c.state.in_(("pending", "retrying", "failed")),
                        hr_outbox.c.next_attempt_at <= now,
                    )
                    .order_by(hr_outbox.c.created_at, hr_outbox.c.posting_id)
                    .limit(BATCH)
                ).all()
                if row.posting_id not in seen
            ]
        if not due:
            log.info("HR delivery: %s", report.as_dict())
            return report
        seen.update(row.posting_id for row in due)
        report.attempted += len(due)
        _deliver_batch(db, client, due, event_reasons, positions, codes or {}, now, report)


def _deliver_batch(
    db: Database,
    client: ODataClient,
    due: list[Any],
    event_reasons: dict[str, str],
    positions: dict[str, str] | None,
    configured: dict[str, str],
    now: datetime,
    report: DeliveryReport,
) -> None:
    out = _Outcomes()
    try:
        _attempt(db, client, due, event_reasons, positions, configured, out)
    except Exception as exc:  # what we cannot read is tried again later: never a 500
        log.warning("HR delivery: an attempt failed unexpectedly", exc_info=True)
        for row in due:
            if row.posting_id not in out.by_posting:
                out.set(row.posting_id, "retrying", f"the attempt failed: {exc}")
    with db.unit_of_work(write=True) as session:
        for row in due:
            state, message = out.by_posting[row.posting_id]
            attempts = row.attempts + 1
            values: dict[str, Any] = {"state": state, "attempts": attempts, "last_error": message}
            if state == "delivered":
                values["delivered_at"] = now
                report.delivered += 1
            elif state == "retrying":
                values["next_attempt_at"] = now + backoff(attempts)
                report.retrying += 1
            else:
                values["next_attempt_at"] = now + REFUSED_RETRY
                report.failed += 1
            if message is not None:
                report.problems.append({"posting_id": row.posting_id, "problem": message})
            outcome = update(hr_outbox).where(hr_outbox.c.posting_id == row.posting_id)
            if state != "delivered":
                # Another run may have delivered it while this one was sending (nothing
                # locks a row across HTTP calls): a later failure must not undo that.
                outcome = outcome.where(hr_outbox.c.state != "delivered")
            session.execute(outcome.values(**values))


def _attempt(
    db: Database,
    client: ODataClient,
    due: list[Any],
    event_reasons: dict[str, str],
    positions: dict[str, str] | None,
    configured: dict[str, str],
    out: _Outcomes,
) -> None:
    """Read the officers' histories, build each slice and send them; each row's outcome
    in ``out``."""
    try:
        history = list(
            client.read(
                "EmpJob",
                filter=any_of("userId", {row.officer_id for row in due}),
                from_date=HISTORY_FROM,
                to_date=HISTORY_TO,
            )
        )
    except Unavailable as exc:
        for row in due:
            out.set(row.posting_id, "retrying", str(exc))
        return
    except ODataError as exc:
        for row in due:
            out.set(row.posting_id, "failed", f"reading EmpJob: {exc}")
        return
    codes = spelling(history) | configured
    sequences = _choose_sequences(db, due, history)
    records: dict[str, dict[str, Any]] = {}
    ready = []
    for row in due:
        own = [h for h in history if h["userId"] == row.officer_id]
        try:
            records[row.posting_id] = empjob_record(
                row, own, sequences[row.posting_id], event_reasons, positions, codes
            )
        except ValueError as exc:
            out.set(row.posting_id, "failed", str(exc))
        else:
            ready.append(row)
    if ready:
        _send(client, ready, records, out)


def _choose_sequences(
    db: Database, due: list[Any], history: list[dict[str, Any]]
) -> dict[str, int]:
    """Each row's seqNumber: kept from its first attempt, else chosen now and kept before
    anything is sent, so a repeat writes the same row. What is stored is what is used: of
    two runs choosing at once, the first to store wins and the other uses its choice."""
    new = {
        row.posting_id: next_sequence(
            [h for h in history if h["userId"] == row.officer_id], row.moved_on
        )
        for row in due
        if row.seq_number is None
    }
    with db.unit_of_work(write=bool(new)) as session:
        for posting_id, seq in new.items():
            session.execute(
                update(hr_outbox)
                .where(hr_outbox.c.posting_id == posting_id, hr_outbox.c.seq_number.is_(None))
                .values(seq_number=seq)
            )
        stored = session.execute(
            select(hr_outbox.c.posting_id, hr_outbox.c.seq_number).where(
                hr_outbox.c.posting_id.in_([row.posting_id for row in due])
            )
        ).all()
    return {posting_id: int(seq) for posting_id, seq in stored}
