"""Inbound sync from SuccessFactors into postings' reference data (issue 7): officers from
``User`` and ``EmpJob``, PDR due and completion dates from ``FormHeader``. Each change is an
event with the integration as actor; an officer whose records say what postings already
holds writes nothing, so a second run with no changes writes nothing.

A delta run asks which officers changed since the last run, then re-reads the full
effective-dated history of each, so a later segment (a promotion starting next year) is
never mistaken for the current one."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import insert, select, update

from services.postings.application import PostingsApplication
from services.postings.commands import ChangeOfficer, RecordPdr, RegisterOfficer
from services.postings.domain.kinds import Rank
from services.postings.domain.officer import OfficerChanges, officer_aggregate_id
from services.postings.domain.values import PdrCycle
from services.postings.hr_system.learning import RoiCommitments, sync_completions
from services.postings.hr_system.mapping import OfficerRecord, current_job, officer_record
from services.postings.hr_system.mapping import pdr_cycle as pdr_of
from services.postings.hr_system.odata import ODataClient, format_filter_datetime
from services.postings.projections.tables import hr_sync_runs
from shared.errors import DomainError, Unavailable
from shared.handling import Actor, Command, Handlers
from shared.identity import Principal
from shared.roles import Role

log = logging.getLogger(__name__)

#: The integration acts as itself: every event it writes names it.
INTEGRATION = Principal(subject="hr-system-sync", role=Role.INTEGRATION)
#: Re-read a little before the last run started: a change saved while it ran is not lost,
#: and reading one twice writes nothing.
OVERLAP = timedelta(minutes=5)
HISTORY_FROM, HISTORY_TO = date(1900, 1, 1), date(9999, 12, 31)


@dataclass
class SyncReport:
    since: datetime | None
    officers_read: int = 0
    events_written: int = 0
    #: Course completions recorded in ROI from Learning.
    completions_recorded: int = 0
    problems: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat() if self.since else None,
            "officers_read": self.officers_read,
            "events_written": self.events_written,
            "completions_recorded": self.completions_recorded,
            "problems": self.problems,
        }


class HrSync:
    def __init__(
        self,
        app: PostingsApplication,
        handlers: Handlers,
        client: ODataClient,
        *,
        job_ranks: dict[str, str],
        page_size: int,
        roi: RoiCommitments | None = None,
    ) -> None:
        self._app = app
        self._handlers = handlers
        self._client = client
        self._roi = roi
        self._job_ranks = job_ranks
        self._page_size = page_size

    # -- which officers to read ----------------------------------------------------------

    def _changed_since(self, since: datetime | None) -> set[str]:
        read = self._client.read
        if since is None:
            return {u["userId"] for u in read("User", select=["userId"], page_size=self._page_size)}
        after = f"lastModifiedDateTime gt {format_filter_datetime(since)}"
        changed = {
            u["userId"]
            for u in read("User", filter=after, select=["userId"], page_size=self._page_size)
        }
        changed |= {
            j["userId"]
            for j in read(
                "EmpJob",
                filter=after,
                select=["userId"],
                from_date=HISTORY_FROM,
                to_date=HISTORY_TO,
                page_size=self._page_size,
            )
        }
        changed |= {
            f["formSubjectId"]
            for f in read(
                "FormHeader", filter=after, select=["formSubjectId"], page_size=self._page_size
            )
        }
        return changed

    # -- one officer ---------------------------------------------------------------------

    def _read_officer(self, user_id: str, today: date) -> tuple[OfficerRecord | None, Any]:
        quoted = user_id.replace("'", "''")
        users = list(self._client.read("User", filter=f"userId eq '{quoted}'"))
        history = list(
            self._client.read(
                "EmpJob",
                filter=f"userId eq '{quoted}'",
                from_date=HISTORY_FROM,
                to_date=HISTORY_TO,
            )
        )
        forms = list(self._client.read("FormHeader", filter=f"formSubjectId eq '{quoted}'"))
        job = current_job(history, today)
        if not users or job is None:
            return None, pdr_of(forms)
        return officer_record(users[0], job, self._job_ranks), pdr_of(forms)

    def _apply(self, record: OfficerRecord, pdr: tuple[date, date | None] | None) -> int:
        """Bring postings' officer to what the HR system says, through the same commands
        HR staff send; returns events written."""
        app, written = self._app, 0
        actor = Actor(INTEGRATION, correlation_id=f"hr-sync:{record.officer_id}")

        def send(command: Command) -> None:
            self._handlers[type(command)].handle(command, actor, None)

        if officer_aggregate_id(record.officer_id) not in app.repository:
            send(
                RegisterOfficer(
                    officer_id=record.officer_id,
                    name=record.name,
                    rank=Rank(record.rank),
                    division=record.division,
                    place_of_duty=app.location(record.place_of_duty).code,
                    appointed_on=record.appointed_on,
                    initial_training_complete=True,
                    supervisor_id=record.supervisor_id,
                )
            )
            written += 1
        officer = app.officer(record.officer_id)
        # Place of duty and division are postings' own once registered: postings writes them
        # out to Employee Central, never the other way round.
        wanted = {
            "name": record.name,
            "rank": Rank(record.rank),
            "supervisor_id": record.supervisor_id,
        }
        changes = {k: v for k, v in wanted.items() if getattr(officer, k) != v}
        if changes:
            send(ChangeOfficer(officer_id=record.officer_id, changes=cast(OfficerChanges, changes)))
            written += 1
        if pdr is not None and app.officer(record.officer_id).pdr != PdrCycle(*pdr):
            send(RecordPdr(officer_id=record.officer_id, due_on=pdr[0], completed_on=pdr[1]))
            written += 1
        return written

    # -- a run ---------------------------------------------------------------------------

    def _sync_officers(self, user_ids: set[str], report: SyncReport, now: datetime) -> None:
        for user_id in sorted(user_ids):
            report.officers_read += 1
            try:
                record, pdr = self._read_officer(user_id, now.date())
                if record is None:
                    report.problems.append({"officer_id": user_id, "problem": "no current job"})
                    continue
                with self._app.db.unit_of_work(write=True):
                    report.events_written += self._apply(record, pdr)
            except (DomainError, ValueError, KeyError) as exc:
                # One officer's bad record does not stop the others; it is reported.
                report.problems.append({"officer_id": user_id, "problem": str(exc)})

    def reread(self, user_ids: set[str], *, now: datetime) -> SyncReport:
        """Re-read these officers now (a signal from the HR system that they changed)."""
        report = SyncReport(since=None)
        self._sync_officers(user_ids, report, now)
        return report

    def run(self, *, now: datetime, full: bool = False) -> SyncReport:
        """Read what changed since the last completed run (everything when ``full`` or
        when there was none) and apply it, one officer per transaction."""
        db = self._app.db
        with db.unit_of_work(write=False) as session:
            last = session.execute(
                select(hr_sync_runs.c.started_at, hr_sync_runs.c.problems)
                .where(hr_sync_runs.c.completed_at.is_not(None))
                .order_by(hr_sync_runs.c.id.desc())
                .limit(1)
            ).first()
        since = None if full or last is None else last.started_at - OVERLAP
        # Officers the last run could not apply are read again, changed or not.
        problems = json.loads(last.problems) if last else []
        again = {p["officer_id"] for p in problems if "officer_id" in p}
        report = SyncReport(since=since)
        with db.unit_of_work(write=True) as session:
            run_id = session.execute(
                insert(hr_sync_runs)
                .values(
                    started_at=now, since=since, officers_read=0, events_written=0, problems="[]"
                )
                .returning(hr_sync_runs.c.id)
            ).scalar_one()
        self._sync_officers(self._changed_since(since) | again, report, now)
        if self._roi is not None:
            try:
                report.completions_recorded, problems = sync_completions(self._client, self._roi)
                report.problems += problems
            except Unavailable as exc:
                report.problems.append({"service": "roi", "problem": str(exc)})
        with db.unit_of_work(write=True) as session:
            session.execute(
                update(hr_sync_runs)
                .where(hr_sync_runs.c.id == run_id)
                .values(
                    completed_at=self._app.clock.now(),
                    officers_read=report.officers_read,
                    events_written=report.events_written,
                    problems=json.dumps(report.problems),
                )
            )
        log.info("HR sync: %s", report.as_dict())
        return report
