"""Appeals as each caller may see them: the appellant, the officer concerned, the hearer,
HR roles and auditors."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.appeals.api.schemas import AppealOut, ItemOut
from services.appeals.projections.tables import appeal_items, appeals
from shared.clock import london_date
from shared.errors import NotFound, NotPermitted
from shared.identity import Principal
from shared.roles import HR_ROLES, Role

OVERSEERS = frozenset({*HR_ROLES, Role.AUDITOR})


def may_see(caller: Principal, row: dict[str, Any]) -> bool:
    return (
        caller.role in OVERSEERS
        or caller.is_person(row["appellant_id"], row["appellant_role"])
        or caller.is_staff(row["hearer_id"])
        or caller.is_officer(row["officer_id"])
    )


def appeal_out(row: dict[str, Any], today: date, items: list[ItemOut] | None = None) -> AppealOut:
    values = dict(row)
    values.pop("lodged_seq", None)
    values.pop("assigned_at", None)
    values["age_days"] = (today - london_date(values["lodged_at"])).days
    values["items"] = items or []
    return AppealOut.model_validate(values)


def appeal_view(session: Session, appeal_id: str, caller: Principal, today: date) -> AppealOut:
    row = session.execute(select(appeals).where(appeals.c.id == appeal_id)).first()
    if row is None:
        raise NotFound(f"appeal {appeal_id} not found")
    values = row._asdict()
    if not may_see(caller, values):
        raise NotPermitted("you may not see this appeal")
    items = [
        ItemOut.model_validate(r._asdict())
        for r in session.execute(
            select(
                appeal_items.c.kind,
                appeal_items.c.content,
                appeal_items.c.added_by,
                appeal_items.c.added_at,
            )
            .where(appeal_items.c.appeal_id == appeal_id)
            .order_by(appeal_items.c.id)
        )
    ]
    return appeal_out(values, today, items)
