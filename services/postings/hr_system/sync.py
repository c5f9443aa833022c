"""Inbound sync from SuccessFactors into postings' reference data (issue 7): officers from
``User`` and ``EmpJob``, PDR due and completion dates from ``FormHeader``, course
completions from Learning into ROI. Each change is an event with the integration as actor;
an officer whose records say what postings already holds writes nothing, so a second run
with no changes writes nothing.

A run has four parts (issue 16): officers (``User``), jobs (``EmpJob``), PDRs
(``FormHeader``) and learning. Each has its own outcome on the run record and its own
delta window, which advances only when that part succeeded; a part that fails (the tenant
refuses it, cannot be reached, or its ``$metadata`` lacks a property the part relies on)
does not stop the others, and the run is always completed and recorded, never a 500.

A delta run asks which officers changed since each part's window, then re-reads the full
effective-dated history of each, many officers a query (``in``, KBA 2735876), so a later
segment (a promotion starting next year) is never mistaken for the current one."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from services.postings.application import PostingsApplication
from services.postings.commands import ChangeOfficer, RecordPdr, RegisterOfficer
from services.postings.domain.kinds import Rank
from services.postings.domain.officer import OfficerChanges, officer_aggregate_id
from services.postings.domain.values import PdrCycle
from services.postings.hr_system.learning import RoiCommitments, sync_completions
from services.postings.hr_system.mapping import OfficerRecord, current_job, officer_record
from services.postings.hr_system.mapping import pdr_cycle as pdr_of
from services.postings.hr_system.odata import ODataClient, any_of, format_filter_datetime
from services.postings.hr_system.parts import ALL_STATUSES, LEARNING, PARTS, PartOutcome
from services.postings.projections.tables import hr_sync_runs, hr_sync_windows
from shared.errors import DomainError
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
#: Officers a query: an ``in`` filter of this many ids stays well within URL limits.
BATCH = 50


@dataclass
class SyncReport:
    since: datetime | None
    officers_read: int = 0
    events_written: int = 0
    #: Course completions recorded in ROI from Learning.
    completions_recorded: int = 0
    problems: list[dict[str, str]] = field(default_factory=list)
    parts: dict[str, PartOutcome] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat() if self.since else None,
            "officers_read": self.officers_read,
            "events_written": self.events_written,
            "completions_recorded": self.completions_recorded,
            "problems": self.problems,
            "parts": {name: part.as_dict() for name, part in self.parts.items()},
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
        learning: ODataClient | None = None,
    ) -> None:
        self._app = app
        self._handlers = handlers
        self._client = client
        self._roi = roi
        self._learning = learning
        self._job_ranks = job_ranks
        self._page_size = page_size

    # -- which officers to read ----------------------------------------------------------

    def _check_metadata(self, name: str, part: PartOutcome) -> None:
        """The part's entity must have every property the part relies on: say which is
        missing rather than be refused (or silently wrong) later."""
        entity, stamp, _, needed = PARTS[name]
        missing = sorted((needed | {stamp}) - self._client.properties(entity))
        if missing:
            part.fail(f"{entity}'s $metadata has no {', '.join(missing)}")

    def _changed(self, name: str, since: datetime | None) -> set[str]:
        """Who changed in this part's entity since its window (everyone when none)."""
        entity, stamp, key, _ = PARTS[name]
        if since is None:
            if name != "officers":
                return set()  # a full run reads every User; their jobs and PDRs with them
            wanted = ALL_STATUSES
        else:
            wanted = f"{stamp} gt {format_filter_datetime(since)}"
            if entity == "User":
                wanted += f" and {ALL_STATUSES}"
        history = {"from_date": HISTORY_FROM, "to_date": HISTORY_TO} if entity == "EmpJob" else {}
        return {
            str(row[key])
            for row in self._client.read(
                entity, filter=wanted, select=[key], page_size=self._page_size, **history
            )
        }

    # -- officers, many a query --------------------------------------------------------------

    def _read_batch(
        self, user_ids: list[str], parts: dict[str, PartOutcome]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]] | None]:
        """Users, their whole EmpJob histories and (unless the PDR part cannot be read)
        their form headers, three queries for the whole batch. A read that fails fails
        its own part and is raised when the officers cannot be applied without it."""
        ids = any_of("userId", user_ids)

        def read(part: str, entity: str, **query: Any) -> list[dict[str, Any]]:
            try:
                return list(self._client.read(entity, page_size=self._page_size, **query))
            except Exception as exc:
                parts[part].fail(f"{entity}: {exc}")
                raise

        users = read("officers", "User", filter=f"{ids} and {ALL_STATUSES}")
        history = read("jobs", "EmpJob", filter=ids, from_date=HISTORY_FROM, to_date=HISTORY_TO)
        forms: list[dict[str, Any]] | None = None
        if parts["pdrs"].outcome != "failed":
            try:
                forms = read("pdrs", "FormHeader", filter=any_of("formSubjectId", user_ids))
            except Exception:  # the PDR part failed: officers are applied without PDRs
                forms = None
        return users, history, forms

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

    def _sync_officers(
        self,
        user_ids: set[str],
        report: SyncReport,
        now: datetime,
        parts: dict[str, PartOutcome] | None = None,
    ) -> None:
        parts = parts if parts is not None else {name: PartOutcome() for name in PARTS}
        ordered = sorted(user_ids)
        for start in range(0, len(ordered), BATCH):
            batch = ordered[start : start + BATCH]
            report.officers_read += len(batch)
            try:
                users, history, forms = self._read_batch(batch, parts)
            except Exception as exc:  # its part failed; each officer is read again next run
                log.warning("HR sync: reading %s officers failed", len(batch), exc_info=True)
                report.problems += [{"officer_id": u, "problem": str(exc)} for u in batch]
                continue
            for user_id in batch:
                self._sync_one(user_id, users, history, forms, report, now.date())

    def _sync_one(
        self,
        user_id: str,
        users: list[dict[str, Any]],
        history: list[dict[str, Any]],
        forms: list[dict[str, Any]] | None,
        report: SyncReport,
        today: date,
    ) -> None:
        try:
            user = next((u for u in users if u["userId"] == user_id), None)
            job = current_job([j for j in history if j["userId"] == user_id], today)
            if user is None or job is None:
                report.problems.append({"officer_id": user_id, "problem": "no current job"})
                return
            record = officer_record(user, job, self._job_ranks)
            pdr = (
                pdr_of([f for f in forms if f["formSubjectId"] == user_id])
                if forms is not None
                else None
            )
            with self._app.db.unit_of_work(write=True):
                report.events_written += self._apply(record, pdr)
        except (DomainError, ValueError, KeyError) as exc:
            # One officer's bad record does not stop the others; it is reported.
            report.problems.append({"officer_id": user_id, "problem": str(exc)})
        except Exception as exc:
            # A record of a shape we did not expect (a null date, a list where a code
            # was) is the tenant's data, not our fault to answer 500 for: that officer
            # is reported, read again next run, and the others are applied.
            log.warning("HR sync: officer %s could not be applied", user_id, exc_info=True)
            report.problems.append(
                {"officer_id": user_id, "problem": f"{type(exc).__name__}: {exc}"}
            )

    def reread(self, user_ids: set[str], *, now: datetime) -> SyncReport:
        """Re-read these officers now (a signal from the HR system that they changed)."""
        report = SyncReport(since=None)
        self._sync_officers(user_ids, report, now)
        return report

    def _part(self, name: str, part: PartOutcome, step: Callable[[], None]) -> None:
        """Run one step of a part; whatever goes wrong fails that part alone."""
        if part.outcome == "failed":
            return
        try:
            step()
        except Exception as exc:  # a part's failure is its outcome, not a 500
            log.warning("HR sync: part %s failed", name, exc_info=True)
            part.fail(str(exc))

    def run(self, *, now: datetime, full: bool = False) -> SyncReport:
        """Read what changed since each part's window (everything when ``full`` or when
        the part never succeeded) and apply it, one officer per transaction."""
        db = self._app.db
        with db.unit_of_work(write=False) as session:
            windows: dict[str, datetime] = {
                row.part: row.since for row in session.execute(select(hr_sync_windows)).all()
            }
            last = session.execute(
                select(hr_sync_runs.c.problems)
                .where(hr_sync_runs.c.completed_at.is_not(None))
                .order_by(hr_sync_runs.c.id.desc())
                .limit(1)
            ).first()
        parts = {
            name: PartOutcome(
                since=None if full or name not in windows else windows[name] - OVERLAP
            )
            for name in PARTS
        }
        parts[LEARNING] = PartOutcome(
            outcome="succeeded" if self._roi and self._learning else "skipped"
        )
        # Officers the last run could not apply are read again, changed or not.
        problems = json.loads(last.problems) if last else []
        again = {p["officer_id"] for p in problems if "officer_id" in p}
        report = SyncReport(since=parts["officers"].since, parts=parts)
        with db.unit_of_work(write=True) as session:
            run_id = session.execute(
                insert(hr_sync_runs)
                .values(
                    started_at=now,
                    since=report.since,
                    officers_read=0,
                    events_written=0,
                    problems="[]",
                    parts="{}",
                )
                .returning(hr_sync_runs.c.id)
            ).scalar_one()
        changed: set[str] = set()
        for name, part in parts.items():
            if name == LEARNING:
                continue

            def step(name: str = name, part: PartOutcome = part) -> None:
                self._check_metadata(name, part)
                if part.outcome != "failed":
                    found = self._changed(name, part.since)
                    part.changed = len(found)
                    changed.update(found)

            self._part(name, part, step)
        self._sync_officers(changed | again, report, now, parts)
        if parts[LEARNING].outcome == "succeeded":

            def learn() -> None:
                assert self._roi is not None
                assert self._learning is not None
                report.completions_recorded, found = sync_completions(self._learning, self._roi)
                report.problems += found

            self._part(LEARNING, parts[LEARNING], learn)
        self._complete(run_id, report, now)
        log.info("HR sync: %s", report.as_dict())
        return report

    def _complete(self, run_id: int, report: SyncReport, now: datetime) -> None:
        """Record the run and advance the window of each part that succeeded, together."""
        succeeded = [
            name
            for name, part in report.parts.items()
            if name in PARTS and part.outcome == "succeeded"
        ]
        with self._app.db.unit_of_work(write=True) as session:
            session.execute(
                update(hr_sync_runs)
                .where(hr_sync_runs.c.id == run_id)
                .values(
                    completed_at=self._app.clock.now(),
                    officers_read=report.officers_read,
                    events_written=report.events_written,
                    problems=json.dumps(report.problems),
                    parts=json.dumps({n: p.as_dict() for n, p in report.parts.items()}),
                )
            )
            if succeeded:
                # One statement a part that inserts or replaces: a delete then an insert
                # would collide with another run completing at the same moment (its row,
                # written after our delete looked, makes our insert a duplicate key).
                upsert = (
                    pg_insert(hr_sync_windows)
                    if session.get_bind().dialect.name == "postgresql"
                    else sqlite_insert(hr_sync_windows)
                )
                session.execute(
                    upsert.on_conflict_do_update(
                        index_elements=[hr_sync_windows.c.part],
                        set_={"since": upsert.excluded.since},
                    ),
                    [{"part": n, "since": now} for n in succeeded],
                )
