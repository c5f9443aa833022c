"""Keeps ROI's read models from its events, in each event's own transaction."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from services.roi.domain.designation import CourseDesignation
from services.roi.projections.tables import designations


class RoiProjector:
    def project(self, session: Session, event: Any, position: int) -> None:
        if isinstance(event, CourseDesignation.Designated):
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
                    version=event.originator_version,
                )
            )
