"""Keeps ROI's read models from its events, in each event's own transaction. Whether a
commitment binds and when its period ends are read from the events, as decided when they
happened: a rebuild never runs today's rules."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from services.roi.domain.commitment import Commitment
from services.roi.domain.designation import CourseDesignation
from services.roi.projections.tables import commitments, designations


class RoiProjector:
    def project(self, session: Session, event: Any) -> None:
        if isinstance(event, CourseDesignation.Designated):
            self._designated(session, event)
        elif isinstance(event, Commitment.Enrolled):
            session.execute(
                insert(commitments).values(
                    id=str(event.originator_id),
                    officer_id=event.officer_id,
                    designation_id=str(event.designation_id),
                    course_code=event.course_code,
                    starts_on=event.starts_on,
                    ends_on=event.ends_on,
                    period_months=event.period_months,
                    state="enrolled",
                    binds=False,
                    period_ends_on=event.planned_period_ends_on,
                    version=event.originator_version,
                )
            )
        elif isinstance(event, Commitment.Event):
            self._commitment_changed(session, event)

    def _designated(self, session: Session, event: CourseDesignation.Designated) -> None:
        session.execute(
            insert(designations).values(
                id=str(event.originator_id),
                course_code=event.course_code,
                title=event.title,
                quarter=str(event.quarter),
                reasons=json.dumps([r.value for r in event.reasons]),
                proposed_by=json.dumps([r.value for r in event.proposed_by]),
                period_months=event.period_months,
                designated_by=event.decision.actor_id,
                designated_at=event.timestamp,
                rationale=event.decision.rationale,
                exceptional=event.exceptional,
                version=event.originator_version,
            )
        )

    def _commitment_changed(self, session: Session, event: Any) -> None:
        row = commitments.c.id == str(event.originator_id)
        values: dict[str, Any] = {"version": event.originator_version}
        if isinstance(event, Commitment.NoticeRecorded):
            starts_on = session.execute(
                commitments.select().with_only_columns(commitments.c.starts_on).where(row)
            ).scalar_one()
            values.update(notified_on=event.notified_on, binds=event.binds_for(starts_on))
        elif isinstance(event, Commitment.Completed):
            months = session.execute(
                commitments.select().with_only_columns(commitments.c.period_months).where(row)
            ).scalar_one()
            values.update(
                state="completed",
                completed_on=event.completed_on,
                period_ends_on=event.period_end(months),
            )
            if event.binds is not None:
                values["binds"] = event.binds
        elif isinstance(event, Commitment.Ended):
            values.update(state=event.reason, period_ends_on=None)
        elif isinstance(event, Commitment.LocalCaseMade):
            values.update(local_case_for=event.to_location)
        elif isinstance(event, Commitment.Released):
            values.update(
                released_for=event.to_location,
                release_route=event.route,
                released_by=event.decision.actor_id,
                release_rationale=event.decision.rationale,
                released_at=event.timestamp,
            )
        session.execute(update(commitments).where(row).values(**values))
