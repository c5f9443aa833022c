"""ROI's read models as the API returns them."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from services.roi.api.schemas import CommitmentOut, DesignationOut, RoiAnswer
from services.roi.domain.rules.s3_9_roi import bound_on
from services.roi.projections.tables import commitments, designations
from shared.compiled_once import CompiledOnce
from shared.errors import NotFound


def designation_out(row: dict[str, Any]) -> DesignationOut:
    values = dict(row)
    values["reasons"] = json.loads(str(values["reasons"]))
    values["proposed_by"] = json.loads(str(values["proposed_by"]))
    return DesignationOut.model_validate(values)


def designation_view(session: Session, designation_id: str) -> DesignationOut:
    row = session.execute(select(designations).where(designations.c.id == designation_id)).first()
    if row is None:
        raise NotFound(f"designation {designation_id} not found")
    return designation_out(row._asdict())


def commitment_out(row: dict[str, Any]) -> CommitmentOut:
    values = dict(row)
    values["flagged"] = not values["binds"]
    return CommitmentOut.model_validate(values)


def commitment_row(session: Session, commitment_id: str) -> dict[str, Any]:
    row = session.execute(select(commitments).where(commitments.c.id == commitment_id)).first()
    if row is None:
        raise NotFound(f"commitment {commitment_id} not found")
    values: dict[str, Any] = row._asdict()
    return values


#: An officer's commitments, built once: postings asks for them before every decision (the
#: ROI question), and a statement built per question was keyed and its result's columns
#: matched again each time (issue 18, point 3); compiled once and sent to the driver (ADR
#: 0033).
_OFFICERS_COMMITMENTS = CompiledOnce(
    select(commitments)
    .where(commitments.c.officer_id == bindparam("officer_id"))
    .order_by(commitments.c.starts_on)
)


def commitments_of(session: Session, officer_id: str) -> list[CommitmentOut]:
    rows = _OFFICERS_COMMITMENTS.run(session, {"officer_id": officer_id}).all()
    return [commitment_out(r._asdict()) for r in rows]


def roi_answer(session: Session, officer_id: str, on: date, to_location: str | None) -> RoiAnswer:
    """Bound when a binding commitment's period covers the day and it was not released for
    this very move (L1800 3.9.2-3.9.3)."""
    mine = commitments_of(session, officer_id)
    covering = [
        c
        for c in mine
        if bound_on(binds=c.binds, starts_on=c.starts_on, period_ends_on=c.period_ends_on, on=on)
    ]
    blocking = [c for c in covering if to_location is None or c.released_for != to_location]
    if blocking:
        first = blocking[0]
        reason = (
            f"bound by the ROI after {first.course_code} until {first.period_ends_on}"
            " (L1800 3.9.1-3.9.2)"
        )
    elif covering:
        reason = f"released early for a move to {to_location} (L1800 3.9.3)"
    elif any(not c.binds for c in mine):
        reason = (
            "no binding ROI: a commitment is flagged (the officer was not told before the start)"
        )
    else:
        reason = "no ROI period covers this day"
    return RoiAnswer(
        officer_id=officer_id,
        on=on,
        to_location=to_location,
        bound=bool(blocking),
        reason=reason,
        commitments=mine,
    )
