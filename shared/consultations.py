"""Recording each time a person reads an officer's personal data: who, when, which officer,
what and through which endpoint, and never a copy of what was read (in the spirit of the
Data Protection Act 2018 s.62, and L1's data security section)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import Request
from sqlalchemy import insert

from shared import lengths
from shared.identity import Principal
from shared.roles import Role
from shared.runtime import Runtime

#: Machines, not people: their reads are not consultations.
NOT_PEOPLE = frozenset({Role.SERVICE, Role.INTEGRATION})


def officer_ids_in(document: Any) -> set[str]:
    """Every officer a JSON answer speaks of, wherever its records sit in it."""
    found: set[str] = set()
    if isinstance(document, dict):
        for key, value in document.items():
            if key == "officer_id" and isinstance(value, str):
                found.add(value)
            else:
                found |= officer_ids_in(value)
    elif isinstance(document, list):
        for item in document:
            found |= officer_ids_in(item)
    return found


def record_consultation(
    runtime: Runtime, request: Request, caller: Principal, officer_ids: Iterable[str], what: str
) -> None:
    if caller.role in NOT_PEOPLE:
        return
    rows = [
        {
            "at": runtime.clock.now(),
            "actor_id": caller.subject,
            "actor_role": caller.role.value,
            "officer_id": officer_id,
            "what": what[: lengths.ROUTE],
            "endpoint": f"{request.method} {request.url.path}"[: lengths.ENDPOINT],
        }
        for officer_id in sorted(set(officer_ids))
    ]
    if not rows:
        return
    with runtime.db.unit_of_work(write=True) as session:
        session.execute(insert(runtime.tables.consultations), rows)
